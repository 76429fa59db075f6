"""The queue and the adjudication page in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from annotations.models import Sentence, Verdict
from tests.factories import make_article, make_project, make_user
from tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_continue_sends_a_third_reviewer_past_sentences_two_others_hold(page, live_server):
    project = make_project("queue", review_target=2)
    make_article("First article one. First article two.", project=project)
    second = make_article("Second article one. Second article two.", project=project)
    for name in ("rita", "sam", "tom"):
        make_user(name, role="reviewer")

    for name in ("rita", "sam", "tom"):
        page.context.clear_cookies()
        sign_in(page, live_server, name)
        page.click("#continue")
        expect(page.locator(".sentence.selected")).to_have_count(1)

    # tom, the third, starts on the second article.
    expect(page.locator("h1")).to_have_text(second.title)
    expect(page.locator(".sentence.selected")).to_have_text("Second article one.")


def test_adjudicator_settles_a_disagreement_from_the_keyboard(page, live_server):
    rita, sam = make_user("rita", role="reviewer"), make_user("sam", role="reviewer")
    make_user("ada", role="adjudicator")
    article = make_article("Agreed claim. Contested claim.")
    agreed, contested = article.sentences.all()
    for reviewer in (rita, sam):
        save_annotation(sentence=agreed, reviewer=reviewer, label="verified")
    save_annotation(sentence=contested, reviewer=rita, label="verified", note="Looks right")
    save_annotation(sentence=contested, reviewer=sam, label="disputed", note="Figures differ")

    sign_in(page, live_server, "ada")
    page.click("text=Adjudicate")
    cases = page.locator(".case")
    expect(cases).to_have_count(1)
    expect(cases.first).to_contain_text("Contested claim.")
    expect(cases.first).to_contain_text("Figures differ")
    expect(cases.first).to_have_class("case card selected")  # the page's script is ready

    page.keyboard.press("r")
    page.keyboard.type("The agency's table says otherwise.")
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    expect(page.locator("#save-status")).to_have_text("Verdict saved")
    expect(cases.first.locator(".verdict-state")).to_contain_text("disputed by ada")

    verdict = Verdict.objects.get()
    assert (verdict.sentence, verdict.label) == (contested, "disputed")
    assert verdict.rationale == "The agency's table says otherwise."


def contested(*texts):
    """An article whose sentences rita and sam label apart (verified / disputed)."""
    rita, sam = make_user("rita", role="reviewer"), make_user("sam", role="reviewer")
    article = make_article(" ".join(texts))
    for sentence in article.sentences.all():
        save_annotation(sentence=sentence, reviewer=rita, label="verified",
                        note="The agency's quarterly table agrees with this figure.")
        save_annotation(sentence=sentence, reviewer=sam, label="disputed", evidence=[
            "https://statistics.example.org/tables/2025/quarterly-national-accounts-"
            "seasonally-adjusted-final-revision-0123456789abcdef0123456789abcdef"
        ])
    return article


def open_adjudication(page, live_server, username="ada"):
    sign_in(page, live_server, username)
    page.goto(f"{live_server.url}/adjudicate/")
    expect(page.locator(".case").first).to_have_class(re.compile(r"\bselected\b"))  # script ready


def test_adjudicator_undoes_a_verdict_and_the_count_follows(page, live_server):
    article = contested("First contested claim.", "Second contested claim.")
    make_user("ada", role="adjudicator")
    open_adjudication(page, live_server)
    cases, left = page.locator(".case"), page.locator("#left")
    expect(left).to_have_text("2 sentences left")

    page.keyboard.press("1")
    expect(page.locator("#save-status")).to_have_text("Verdict saved")
    expect(left).to_have_text("1 sentence left")
    page.keyboard.press("u")
    expect(page.locator("#save-status")).to_have_text("Verdict undone")
    expect(left).to_have_text("2 sentences left")
    expect(cases.first.locator(".verdict-state")).not_to_contain_text("Verdict")
    expect(cases.first).to_have_class(re.compile(r"\bselected\b"))
    assert not Verdict.objects.exists()
    assert list(Verdict.history.order_by("history_date").values_list("history_type", flat=True)
                ) == ["+", "-"]

    # The same with the mouse: a label button, then the Undo beside the verdict.
    cases.nth(1).locator(".label-button[data-label=unclear]").click()
    expect(left).to_have_text("1 sentence left")
    cases.nth(1).locator(".undo").click()
    expect(left).to_have_text("2 sentences left")
    expect(page.locator("#save-status")).to_have_text("Verdict undone")
    assert not Verdict.objects.filter(sentence__article=article).exists()


def test_undo_brings_back_the_verdict_the_sentence_had(page, live_server):
    article = contested("A contested claim.")
    make_user("ada", role="adjudicator")
    set_verdict(sentence=article.sentences.get(), adjudicator=make_user("ben", role="adjudicator"),
                label="verified", rationale="The table agrees.")
    sign_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/adjudicate/?show=all")
    case = page.locator(".case")
    expect(case).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator("#left")).to_have_text("All settled")

    page.keyboard.press("2")
    expect(case.locator(".verdict-state")).to_contain_text("disputed by ada")
    page.keyboard.press("u")
    expect(case.locator(".verdict-state")).to_contain_text("verified by ada")
    expect(page.locator("#left")).to_have_text("All settled")
    verdict = Verdict.objects.get()
    assert (verdict.label, verdict.rationale) == ("verified", "The table agrees.")


def test_adjudication_page_and_dashboard_fit_a_phone(page, live_server):
    contested(*[f"Contested claim number {i} with a long-winded-hyphenated-compound-word." for i in
                range(3)])
    boss = make_user("boss", is_staff=True, is_superuser=True)
    save_annotation(sentence=Sentence.objects.first(), reviewer=boss, label="unclear")
    page.set_viewport_size({"width": 390, "height": 844})
    open_adjudication(page, live_server, "boss")
    expect(page.locator(".case")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{live_server.url}/admin/dashboard/")
    expect(page.locator("#reviewers")).to_contain_text("boss")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_reviewer_is_refused_the_adjudication_page(page, live_server):
    make_user("rita", role="reviewer")
    sign_in(page, live_server, "rita")
    expect(page.locator("text=Adjudicate")).to_have_count(0)
    page.goto(f"{live_server.url}/adjudicate/")
    expect(page.locator("h1")).to_have_text("Adjudicators only")


def test_staff_opens_the_dashboard_and_a_reviewer_is_refused(page, live_server):
    make_user("rita", role="reviewer")
    boss = make_user("boss", is_staff=True, is_superuser=True)
    article = make_article("A claim. Another claim.")
    save_annotation(sentence=article.sentences.first(), reviewer=boss, label="disputed")

    sign_in(page, live_server, "rita")
    page.goto(f"{live_server.url}/admin/dashboard/")
    expect(page.locator("#dashboard")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/dashboard/"))
    expect(page.locator(".error")).to_contain_text("Your account can't open that page.")

    page.context.clear_cookies()
    sign_in(page, live_server, "boss")
    page.goto(f"{live_server.url}/admin/")
    page.click("text=Open the review dashboard")
    expect(page.locator("#label-mix")).to_contain_text("disputed 1 (100.0%)")
    expect(page.locator("#progress-tile")).to_contain_text("1 of 4 labels")
    expect(page.locator("#reviewers")).to_contain_text("boss")
