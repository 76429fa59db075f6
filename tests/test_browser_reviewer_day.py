"""The reviewer's day in a real Chromium, from the keyboard: the project's guidelines, skipping
a sentence (with or without a reason), undo and redo across every kind of change, and how
long a label takes from the key press to "All changes saved"."""

import os
import re
import statistics
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.guidelines import digest_of, mark_seen
from annotations.models import Annotation, Article, GuidelinesSeen, Skip
from annotations.skipping import skip_sentence
from tests.factories import make_article, make_project, make_user
from tests.test_browser import BODY, conflicting_tab, labels_in_db, open_article, saved, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_GUIDELINES = """## What a label means

- **Verified**: a named, primary source confirms the sentence as written.
- **Disputed**: a reliable source contradicts it, or the numbers are wrong.
- **Unclear**: sources disagree, or none can be found in ten minutes.

## When to skip

Skip opinions, questions and quotes of opinions (*opinion*), and anything that needs a
specialist (*needs expertise*). See [the desk handbook](https://example.org/handbook).
"""
GUIDELINES = "# How we label\n\n- **Verified**: a source confirms it.\n- Skip opinions."


@pytest.fixture
def article(db):
    return make_article(BODY, title="Bridge turns ninety")


def selected(page):
    return page.locator(".sentence.selected")


def sentence(page, article, position):
    return page.locator(f"#s-{article.sentences.get(position=position).pk}")


def skips_in_db(reviewer):
    return list(
        Skip.objects.filter(reviewer=reviewer).order_by("sentence__position")
        .values_list("sentence__position", "reason")
    )


def test_guidelines_open_the_first_time_not_the_second_and_again_once_changed(
    page, live_server, reviewer
):
    project = make_project("desk", guidelines=GUIDELINES)
    article = make_article(BODY, project=project)
    sign_in(page, live_server)
    with page.expect_response(lambda r: r.url.endswith("/guidelines/seen/")) as seen:
        open_article(page, live_server, article)
    assert seen.value.status == 204
    assert GuidelinesSeen.objects.get(user=reviewer).digest == digest_of(GUIDELINES)
    guidelines = page.locator("#guidelines")
    expect(guidelines).to_be_visible()
    expect(guidelines.locator("strong")).to_have_text("Verified")
    expect(page.locator("#guidelines-updated")).to_be_hidden()
    # Opened by themselves, they leave focus on the sentence: labeling goes on.
    expect(selected(page)).to_be_focused()

    page.reload()
    expect(selected(page)).to_be_focused()
    expect(guidelines).to_be_hidden()

    project.guidelines = GUIDELINES + "\n- Dates need two sources."
    project.save()
    with page.expect_response(lambda r: r.url.endswith("/guidelines/seen/")):
        page.reload()
    expect(guidelines).to_be_visible()
    expect(page.locator("#guidelines")).to_contain_text(re.compile("guidelines updated", re.I))
    expect(guidelines).to_contain_text("Dates need two sources.")
    page.keyboard.press("Escape")
    expect(guidelines).to_be_hidden()
    expect(selected(page)).to_be_focused()
    page.reload()
    expect(selected(page)).to_be_focused()
    expect(guidelines).to_be_hidden()


def test_g_opens_and_closes_the_guidelines_and_focus_comes_back(page, live_server, reviewer):
    project = make_project("desk", guidelines=GUIDELINES)
    article = make_article(BODY, project=project)
    mark_seen(user=reviewer, project=project, digest=digest_of(GUIDELINES))
    sign_in(page, live_server)
    open_article(page, live_server, article)
    guidelines = page.locator("#guidelines")
    expect(guidelines).to_be_hidden()
    page.keyboard.press("j")
    page.keyboard.press("g")
    expect(guidelines).to_be_visible()
    expect(guidelines).to_be_focused()
    expect(page.locator("#guidelines-button")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("g")
    expect(guidelines).to_be_hidden()
    expect(selected(page)).to_be_focused()
    expect(selected(page)).to_have_attribute("data-position", "1")
    page.keyboard.press("g")
    page.keyboard.press("Escape")
    expect(guidelines).to_be_hidden()
    expect(selected(page)).to_be_focused()


def test_g_says_there_are_no_guidelines_when_there_are_none(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("g")
    expect(page.locator("#notice")).to_have_text("This project has no guidelines.")
    expect(page.locator("#guidelines")).to_have_count(0)


def test_skip_with_and_without_a_reason_and_undo_redo_of_a_skip(
    page, live_server, reviewer, article
):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("1")
    page.keyboard.press("s")  # sentence 2, then the reason: opinion
    expect(page.locator("#skip-reasons")).to_be_visible()
    page.keyboard.press("2")
    expect(page.locator("#skip-reasons")).to_be_hidden()
    expect(selected(page)).to_have_attribute("data-position", "2")
    page.keyboard.press("s")  # sentence 3, and on without a reason
    page.keyboard.press("j")
    expect(page.locator("#skip-reasons")).to_be_hidden()
    saved(page)
    assert skips_in_db(reviewer) == [(1, "opinion"), (2, "")]
    assert labels_in_db(reviewer) == [(0, "verified")]
    expect(sentence(page, article, 1)).to_have_attribute("data-skipped", "")
    expect(page.locator(".reader-progress")).to_contain_text("1 labeled, 2 skipped")
    expect(page.locator("#recent-list li")).to_have_text([
        "Sentence 3: skipped", "Sentence 2: skipped (opinion)", "Sentence 1: verified",
    ])

    # The panel of a skipped sentence says so, and why.
    for _ in range(3):
        page.keyboard.press("k")
    expect(selected(page)).to_have_attribute("data-position", "1")
    expect(page.locator("#skipped")).to_contain_text("You skipped this sentence: opinion")

    page.keyboard.press("u")  # sentence 3's skip goes
    saved(page)
    assert skips_in_db(reviewer) == [(1, "opinion")]
    expect(sentence(page, article, 2)).not_to_have_attribute("data-skipped", "")
    page.keyboard.press("Shift+U")  # and comes back
    saved(page)
    assert skips_in_db(reviewer) == [(1, "opinion"), (2, "")]

    open_article(page, live_server, article)  # no sentence in the address
    expect(selected(page)).to_have_attribute("data-position", "3")  # neither labeled nor skipped
    expect(sentence(page, article, 1)).to_have_attribute("data-skipped", "")
    expect(page.locator(".reader-progress")).to_contain_text("1 labeled, 2 skipped")


def test_s_on_a_labeled_sentence_says_to_remove_the_label_first(
    page, live_server, reviewer, article
):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("1")
    page.keyboard.press("k")
    page.keyboard.press("s")
    expect(page.locator("#notice")).to_contain_text("remove your label first")
    expect(selected(page)).to_have_attribute("data-position", "0")
    expect(page.locator("#skip-reasons")).to_be_hidden()
    saved(page)
    assert skips_in_db(reviewer) == []


def test_labeling_a_skipped_sentence_removes_the_skip(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("s")
    page.keyboard.press("3")  # needs expertise
    page.keyboard.press("k")
    expect(selected(page)).to_have_attribute("data-position", "0")
    page.keyboard.press("Shift+Digit2")
    saved(page)
    assert skips_in_db(reviewer) == []
    assert labels_in_db(reviewer) == [(0, "disputed")]
    expect(sentence(page, article, 0)).not_to_have_attribute("data-skipped", "")
    expect(page.locator("#skipped")).to_be_hidden()
    expect(page.locator(".reader-progress")).to_contain_text("1 labeled, 0 skipped")
    expect(page.locator("#recent-list li").first).to_have_text(
        "Sentence 1: skipped (needs expertise) → disputed"
    )

    # Undo brings the skip back (the label goes first, then the skip is made again).
    page.keyboard.press("u")
    saved(page)
    assert labels_in_db(reviewer) == []
    assert skips_in_db(reviewer) == [(0, "needs_expertise")]


def test_undo_and_redo_across_a_label_a_note_and_a_skip(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("Shift+Digit1")  # sentence 1 verified, stay
    page.keyboard.press("n")
    page.keyboard.type("Two sources.")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("s")
    page.keyboard.press("4")  # other
    saved(page)
    expect(page.locator("#recent-list li")).to_have_text([
        "Sentence 2: skipped (other)", "Sentence 1: verified, note edited", "Sentence 1: verified",
    ])

    for _ in range(3):
        page.keyboard.press("u")
    saved(page)
    assert labels_in_db(reviewer) == [] and skips_in_db(reviewer) == []
    expect(page.locator("#recent")).to_be_hidden()

    page.keyboard.press("Shift+U")
    page.keyboard.press("Shift+U")
    saved(page)
    annotation = Annotation.objects.get(reviewer=reviewer)
    assert (annotation.label, annotation.note) == ("verified", "Two sources.")
    assert skips_in_db(reviewer) == []
    page.keyboard.press("Shift+U")
    saved(page)
    assert skips_in_db(reviewer) == [(1, "other")]

    # A new change after an undo clears what could be redone.
    page.keyboard.press("u")
    saved(page)
    page.keyboard.press("3")
    expect(page.locator("#redo")).to_be_disabled()
    page.keyboard.press("Shift+U")
    saved(page)
    assert skips_in_db(reviewer) == []
    assert labels_in_db(reviewer) == [(0, "verified"), (1, "unclear")]


def test_s_during_a_conflict_still_takes_the_saved_side(page, live_server, reviewer, article):
    sign_in(page, live_server)
    other_tab = conflicting_tab(page, live_server, article)
    other_tab.keyboard.press("s")
    saved(other_tab)
    expect(other_tab.locator("#conflict")).to_be_hidden()
    expect(other_tab.locator("#skip-reasons")).to_be_hidden()
    assert labels_in_db(reviewer) == [(0, "verified")]
    assert skips_in_db(reviewer) == []
    # Once settled, `s` skips again.
    other_tab.keyboard.press("j")
    other_tab.keyboard.press("s")
    saved(other_tab)
    assert skips_in_db(reviewer) == [(1, "")]


# Records, in the page, when each key press happens and when the save badge next reads
# "All changes saved" after it: the time a reviewer waits for a label to be safe.
MEASURE = """() => {
  window.keyToSaved = [];
  let pressed = null;
  const status = document.getElementById("save-status");
  document.addEventListener("keydown", () => { pressed = performance.now(); }, true);
  new MutationObserver(() => {
    if (pressed !== null && status.dataset.state === "saved") {
      window.keyToSaved.push(performance.now() - pressed);
      pressed = null;
    }
  }).observe(status, { childList: true, characterData: true, subtree: true, attributes: true });
}"""


def test_key_to_saved(page, live_server, reviewer):
    article = make_article(" ".join(f"Claim number {n} is here." for n in range(1, 23)))
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.evaluate(MEASURE)
    labels = 20
    for n in range(labels):
        page.keyboard.press("123"[n % 3])
        page.wait_for_function("(n) => window.keyToSaved.length >= n", arg=n + 1)
    times = sorted(page.evaluate("window.keyToSaved"))
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"\nkey to saved over {len(times)} labels: median {median:.1f} ms, p95 {p95:.1f} ms")
    assert Annotation.objects.filter(reviewer=reviewer).count() == labels
    assert p95 < 1000


@pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=DIR to take them")
def test_screenshots(page, live_server, reviewer):
    """The pictures in docs/reviewer-day/: `SCREENSHOTS=docs/reviewer-day pytest -k screenshots`."""
    call_command("setup_demo", stdout=StringIO())
    article = Article.objects.get(url="https://news.example/ukraine-peace-plan-talks")
    article.project.guidelines = DEMO_GUIDELINES
    article.project.save()
    folder = Path(os.environ["SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server)
    page.emulate_media(reduced_motion="reduce")  # no picture taken halfway through a scroll
    for name, width in (("wide", 1280), ("390", 390)):
        GuidelinesSeen.objects.all().delete()
        Skip.objects.all().delete()
        Annotation.objects.all().delete()
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{live_server.url}/articles/{article.pk}/")
        expect(page.locator("#guidelines")).to_be_visible()
        page.screenshot(path=folder / f"guidelines-{name}.png")
        page.keyboard.press("Escape")
        page.keyboard.press("1")
        page.keyboard.press("s")
        page.keyboard.press("2")
        page.keyboard.press("2")
        page.keyboard.press("k")
        page.keyboard.press("k")
        saved(page)
        if width < 860:  # the panel is a sheet at the bottom: its recent changes in view
            page.locator("#recent").scroll_into_view_if_needed()
        page.screenshot(path=folder / f"skip-{name}.png")


def test_an_adjudicator_sees_how_many_skipped_a_sentence_and_a_reviewer_nothing(
    page, live_server, reviewer, article
):
    first = article.sentences.get(position=0)
    for name in ("sam", "tom"):
        skip_sentence(sentence_id=first.pk, reviewer=make_user(name, role="reviewer"))
    make_user("ada", role="adjudicator")
    sign_in(page, live_server, "ada")
    open_article(page, live_server, article)
    expect(page.locator("#others .skip-count")).to_have_text("Skipped by 2 reviewers.")
    expect(page.locator("#others")).not_to_contain_text("sam")
    page.context.clear_cookies()
    sign_in(page, live_server, "rita")
    open_article(page, live_server, article)
    expect(page.locator("#others")).to_be_hidden()
    assert "Skipped by" not in page.content()
