"""The words that carry a sentence's claim, marked in a real Chromium: from the keyboard and
with the mouse, on the article page and (for the verdict) on the adjudication page."""

import re

import pytest
from playwright.sync_api import expect

from annotations.annotating import save_annotation
from annotations.models import Annotation, Verdict
from annotations.shortcuts import save_shortcuts
from tests.factories import make_article, make_user
from tests.test_browser import open_article, saved, sign_in
from tests.test_browser_adjudication import contested, open_adjudication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "Le café 🎉 coûte 5 € de plus. Prices rose 12% in May, officials said.\nThe mayor disagrees."


@pytest.fixture
def article(db):
    return make_article(BODY, title="Prices")


def span_of(words):
    start = BODY.index(words)
    return start, start + len(words)


def stored_claim(reviewer):
    annotation = Annotation.objects.get(reviewer=reviewer)
    return annotation.claim_start, annotation.claim_end


def open_second(page, live_server, article):
    """rita on the article, the second sentence labeled disputed and selected."""
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("j")
    page.keyboard.press("Shift+Digit2")  # label and stay
    saved(page)


def sentence(page, article, position):
    return page.locator(f"#s-{article.sentences.get(position=position).pk}")


def test_c_arrows_and_enter_keep_the_claims_words(page, live_server, reviewer, article):
    open_second(page, live_server, article)
    page.keyboard.press("c")
    marking = sentence(page, article, 1).locator("mark.claim.marking")
    expect(marking).to_have_text("Prices")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # the end moves by a word
    expect(marking).to_have_text("Prices rose 12% in")
    page.keyboard.press("Shift+ArrowRight")  # the start moves by a word
    page.keyboard.press("ArrowRight")
    expect(marking).to_have_text("rose 12% in May")
    expect(page.locator("#claim-text")).to_have_text("“rose 12% in May”")
    page.keyboard.press("Enter")
    saved(page)
    assert stored_claim(reviewer) == span_of("rose 12% in May")
    expect(page.locator("#recent-list li").first).to_have_text("Sentence 2: disputed, claim marked")

    kept = sentence(page, article, 1).locator("mark.claim")
    expect(kept).to_have_text("rose 12% in May")
    expect(kept).not_to_have_class(re.compile("marking"))
    expect(sentence(page, article, 1)).to_have_text("Prices rose 12% in May, officials said.")
    page.reload()
    expect(sentence(page, article, 1).locator("mark.claim")).to_have_text("rose 12% in May")
    expect(page.locator("#claim-text")).to_have_text("“rose 12% in May”")


def test_code_points_count_as_the_server_counts_them(page, live_server, reviewer, article):
    """An emoji (two UTF-16 units, one code point): body offsets in code points."""
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("Shift+Digit1")
    saved(page)
    page.keyboard.press("c")
    page.keyboard.press("Shift+ArrowRight")  # one word, moved along: "café"
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    saved(page)
    assert stored_claim(reviewer) == span_of("café 🎉 coûte 5 € de plus")


def test_the_mouse_selection_is_snapped_to_whole_words(page, live_server, reviewer, article):
    open_second(page, live_server, article)
    target = sentence(page, article, 1)
    text = "Prices rose 12% in May, officials said."
    # From inside "rose" to inside "May": the drag starts and ends mid-word.
    start = page.evaluate(
        """([el, from, to]) => {
            const node = el.firstChild, range = document.createRange();
            const point = (i) => { range.setStart(node, i); range.setEnd(node, i + 1);
                                   const r = range.getBoundingClientRect();
                                   return [r.x + r.width / 2, r.y + r.height / 2]; };
            return [point(from), point(to)];
        }""",
        [target.element_handle(), text.index("ose"), text.index("ay,")],
    )
    (x1, y1), (x2, y2) = start
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=5)
    page.mouse.up()
    expect(target.locator("mark.claim.marking")).to_have_text("rose 12% in May")
    page.click("#claim-keep")
    saved(page)
    assert stored_claim(reviewer) == span_of("rose 12% in May")


def test_escape_cancels_and_leaves_the_kept_span_as_it_was(page, live_server, reviewer, article):
    open_second(page, live_server, article)
    page.keyboard.press("c")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    expect(page.locator("mark.claim")).to_have_count(0)
    expect(page.locator("#claim-text")).to_have_text("none marked")
    page.keyboard.press("c")
    page.keyboard.press("Enter")  # "Prices"
    saved(page)
    page.keyboard.press("c")
    page.keyboard.press("End")
    page.keyboard.press("Escape")
    expect(sentence(page, article, 1).locator("mark.claim")).to_have_text("Prices")
    saved(page)
    assert stored_claim(reviewer) == span_of("Prices")


def test_backspace_removes_the_span_and_u_undoes(page, live_server, reviewer, article):
    second = article.sentences.get(position=1)
    save_annotation(sentence=second, reviewer=reviewer, label="disputed",
                    claim_start=span_of("12%")[0], claim_end=span_of("12%")[1])
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{article.pk}/#s-{second.pk}")
    expect(sentence(page, article, 1)).to_have_class(re.compile(r"\bselected\b"))
    expect(sentence(page, article, 1).locator("mark.claim")).to_have_text("12%")

    page.keyboard.press("c")
    expect(sentence(page, article, 1).locator("mark.claim.marking")).to_have_text("12%")
    page.keyboard.press("Backspace")
    saved(page)
    expect(page.locator("mark.claim")).to_have_count(0)
    assert stored_claim(reviewer) == (None, None)

    page.keyboard.press("u")
    saved(page)
    expect(sentence(page, article, 1).locator("mark.claim")).to_have_text("12%")
    assert stored_claim(reviewer) == span_of("12%")
    assert Annotation.objects.get().label == "disputed"

    page.click("#claim-remove")
    saved(page)
    assert stored_claim(reviewer) == (None, None)


def test_u_undoes_a_span_just_kept(page, live_server, reviewer, article):
    open_second(page, live_server, article)
    page.keyboard.press("c")
    page.keyboard.press("Enter")
    saved(page)
    assert stored_claim(reviewer) == span_of("Prices")
    page.keyboard.press("u")
    saved(page)
    expect(page.locator("mark.claim")).to_have_count(0)
    assert stored_claim(reviewer) == (None, None)
    assert Annotation.objects.get().label == "disputed"


def test_a_span_kept_offline_waits_in_the_browser_and_is_sent_later(
    page, live_server, reviewer, article
):
    open_second(page, live_server, article)
    page.context.set_offline(True)
    page.keyboard.press("c")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Offline")
    waiting = page.evaluate(
        "(key) => Object.values(JSON.parse(localStorage.getItem(key)))",
        f"factcheck:pending:{reviewer.pk}",
    )
    assert [(c["want"]["claim_start"], c["want"]["claim_end"]) for c in waiting] == [
        span_of("Prices rose")]
    assert stored_claim(reviewer) == (None, None)
    page.context.set_offline(False)
    expect(page.locator("#save-status")).to_have_text("All changes saved", timeout=20_000)
    assert stored_claim(reviewer) == span_of("Prices rose")


def test_an_unlabeled_sentence_asks_for_its_label_first(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    expect(page.locator("#claim-help")).to_have_text(
        "Label the sentence first: the claim's words are saved with your label.")
    page.keyboard.press("c")
    page.keyboard.press("ArrowRight")
    expect(page.locator("mark.claim")).to_have_count(0)
    expect(page.locator("#announcer")).to_have_text(
        "Label the sentence first: the claim's words are saved with your label.")
    page.keyboard.press("1")  # labels go on as ever
    saved(page)
    assert not Annotation.objects.exclude(claim_start=None).exists()


def test_a_label_changed_later_keeps_the_span(page, live_server, reviewer, article):
    open_second(page, live_server, article)
    page.keyboard.press("c")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Digit3")
    saved(page)
    annotation = Annotation.objects.get()
    assert annotation.label == "unclear"
    assert (annotation.claim_start, annotation.claim_end) == span_of("Prices rose")


def test_the_adjudicator_marks_a_span_with_the_verdict(page, live_server):
    article = contested("First contested claim.", "Prices rose 12% in May.")
    make_user("ada", role="adjudicator")
    open_adjudication(page, live_server)
    page.keyboard.press("j")
    case = page.locator(".case").nth(1)
    expect(case).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("c")
    page.keyboard.press("Shift+ArrowRight")  # "rose"
    page.keyboard.press("ArrowRight")
    expect(case.locator(".case-text mark.claim.marking")).to_have_text("rose 12%")
    page.keyboard.press("Enter")
    expect(case.locator(".verdict-claim")).to_contain_text("rose 12%")
    expect(case.locator(".verdict-claim")).to_contain_text("Goes with the verdict")
    page.keyboard.press("2")
    expect(page.locator("#save-status")).to_have_text("Verdict saved")
    expect(case.locator(".verdict-claim")).to_contain_text("Saved with the verdict.")

    verdict = Verdict.objects.get()
    start = article.body.index("rose 12%")
    assert (verdict.label, verdict.claim_start, verdict.claim_end) == ("disputed", start,
                                                                       start + len("rose 12%"))
    page.goto(f"{live_server.url}/adjudicate/?show=all")
    expect(page.locator(".case").nth(1).locator(".case-text mark.claim")).to_have_text("rose 12%")


def test_the_adjudicator_marks_a_span_with_the_mouse(page, live_server):
    article = contested("Prices rose 12% in May.")
    make_user("ada", role="adjudicator")
    open_adjudication(page, live_server)
    page.locator(".case-text").select_text()  # the whole sentence, stop included
    page.locator(".case-text").dispatch_event("mouseup")
    expect(page.locator(".case-text mark.claim.marking")).to_have_text("Prices rose 12% in May")
    page.keyboard.press("Enter")
    page.keyboard.press("1")
    expect(page.locator("#save-status")).to_have_text("Verdict saved")
    verdict = Verdict.objects.get()
    assert article.body[verdict.claim_start:verdict.claim_end] == "Prices rose 12% in May"


def test_the_claim_key_follows_the_users_choice(page, live_server, reviewer, article):
    save_shortcuts(user=reviewer, enabled=True, keys={"claim": "w"})
    open_second(page, live_server, article)
    expect(page.locator("#claim-mark kbd")).to_have_text("w")
    page.keyboard.press("c")
    expect(page.locator("mark.claim")).to_have_count(0)
    page.keyboard.press("w")
    expect(sentence(page, article, 1).locator("mark.claim.marking")).to_have_text("Prices")


def test_a_conflict_names_the_claim_each_side_marked(page, live_server, reviewer, article):
    open_second(page, live_server, article)
    other_tab = page.context.new_page()
    page_url = page.url
    other_tab.goto(page_url)
    expect(other_tab.locator(".sentence.selected")).to_have_attribute("data-position", "1")
    page.keyboard.press("c")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    saved(page)
    other_tab.keyboard.press("Shift+Digit1")  # made on the version before the claim
    expect(other_tab.locator("#conflict")).to_be_visible()
    expect(other_tab.locator("#conflict-saved")).to_have_text("“disputed”, the claim “Prices rose”")
    expect(other_tab.locator("#conflict-mine")).to_have_text("“verified”")
