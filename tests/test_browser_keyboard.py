"""Without a mouse: a reviewer labels, writes a note and a link, settles a conflict; an
adjudicator sets a verdict. Every stop of the Tab key shows where focus is. The shortcuts
follow the user's settings; a screen reader's view (the accessibility tree) names the
current sentence and hears the live regions."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Skip, Verdict
from annotations.shortcuts import save_shortcuts
from tests.factories import PASSWORD, make_article, make_user
from tests.test_browser import label_in_another_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Officials said the bridge opened in 1932. It carries 40,000 cars a day.\n"
    "Critics say the repairs cost $3 million too much. The mayor disagrees.\n"
    "A review is due next year."
)
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


@pytest.fixture
def article(db):
    return make_article(BODY, title="Bridge turns ninety")


def tab_to(page, selector, limit=60):
    """Press Tab until `selector` has focus, checking at every stop that focus is shown."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        where = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        assert page.evaluate(FOCUS_SHOWN), f"focus is not visible on {where}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def sign_in_by_keyboard(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def saved(page):
    expect(page.locator("#save-status")).to_have_text("All changes saved")


def current(page):
    return page.locator(".sentence.selected")


def test_a_reviewer_labels_and_writes_a_note_and_a_link_without_a_mouse(
    page, live_server, article
):
    rita = make_user("rita", role="reviewer")
    sign_in_by_keyboard(page, live_server, "rita")
    tab_to(page, "#continue")
    page.keyboard.press("Enter")
    # The page opens on the first sentence, which has focus.
    expect(current(page)).to_be_focused()
    expect(current(page)).to_have_attribute("data-position", "0")

    page.keyboard.press("1")
    expect(current(page)).to_have_attribute("data-position", "1")
    expect(current(page)).to_be_focused()
    # From the sentence, Tab goes on to the panel's buttons: Enter presses one.
    tab_to(page, ".label-button[data-label=disputed]")
    page.keyboard.press("Enter")
    expect(current(page)).to_have_attribute("data-position", "2")
    page.keyboard.press("k")
    expect(current(page)).to_have_attribute("data-position", "1")

    page.keyboard.press("n")
    expect(page.locator("#note")).to_be_focused()
    page.keyboard.type("Figures from 2019.")
    page.keyboard.press("Escape")
    expect(current(page)).to_be_focused()
    page.keyboard.press("e")
    page.keyboard.type("ftp://example.org/x")
    page.keyboard.press("Enter")
    # The error is in words, beside the box, and tied to it.
    expect(page.locator("#evidence-input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#evidence-error")).to_have_text(
        "Evidence links must start with http:// or https://")
    page.keyboard.press("Control+a")
    page.keyboard.type("https://example.org/figures")
    page.keyboard.press("Enter")
    expect(page.locator("#evidence-list a")).to_have_text("https://example.org/figures")
    # The link's remove button is named for it, and reached by Tab.
    page.keyboard.press("Escape")
    tab_to(page, "#evidence-list button")
    expect(page.locator("#evidence-list button")).to_have_accessible_name(
        "Remove the link https://example.org/figures")
    saved(page)

    assert list(Annotation.objects.filter(reviewer=rita).order_by("sentence__position")
                .values_list("sentence__position", "label", "note", "evidence")) == [
        (0, "verified", "", []),
        (1, "disputed", "Figures from 2019.", ["https://example.org/figures"]),
    ]


def test_a_conflict_takes_focus_and_gives_it_back(page, live_server, article):
    rita = make_user("rita", role="reviewer")
    sign_in_by_keyboard(page, live_server, "rita")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(current(page)).to_be_focused()
    label_in_another_tab(page)

    page.keyboard.press("2")
    conflict = page.locator("#conflict")
    expect(conflict).to_be_focused()
    expect(conflict).to_have_accessible_name(
        "Sentence 1 was labeled in another tab or window. Which label stays?")
    page.keyboard.press("Tab")
    expect(page.locator("#conflict-keep")).to_be_focused()
    page.keyboard.press("Enter")
    saved(page)
    expect(conflict).to_be_hidden()
    # Focus is back where it was: the sentence.
    expect(current(page)).to_be_focused()
    assert Annotation.objects.get(reviewer=rita).label == "disputed"


def test_an_adjudicator_sets_a_verdict_without_a_mouse(page, live_server, article):
    from annotations.annotating import save_annotation

    rita, sam = make_user("rita", role="reviewer"), make_user("sam", role="reviewer")
    make_user("ada", role="adjudicator")
    contested = article.sentences.get(position=2)
    save_annotation(sentence=contested, reviewer=rita, label="verified")
    save_annotation(sentence=contested, reviewer=sam, label="disputed")

    sign_in_by_keyboard(page, live_server, "ada")
    tab_to(page, "a[href='/adjudicate/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/adjudicate/")
    page.keyboard.press("r")
    page.keyboard.type("The audit says $2 million.")
    page.keyboard.press("Escape")
    tab_to(page, ".case .label-button[data-label=disputed]")
    page.keyboard.press("Space")
    expect(page.locator("#save-status")).to_have_text("Verdict saved")
    verdict = Verdict.objects.get(sentence=contested)
    assert (verdict.label, verdict.rationale) == ("disputed", "The audit says $2 million.")


def test_shortcuts_follow_the_users_keys_and_can_be_turned_off(page, live_server, article):
    rita = make_user("rita", role="reviewer")
    save_shortcuts(user=rita, enabled=True, keys={"verified": "v", "next": "l"})
    sign_in_by_keyboard(page, live_server, "rita")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator(".label-button[data-label=verified] kbd")).to_have_text("v")
    page.keyboard.press("1")
    page.keyboard.press("j")
    expect(current(page)).to_have_attribute("data-position", "0")
    page.keyboard.press("v")
    expect(current(page)).to_have_attribute("data-position", "1")
    page.keyboard.press("l")
    expect(current(page)).to_have_attribute("data-position", "2")
    saved(page)
    assert Annotation.objects.get(reviewer=rita).label == "verified"

    save_shortcuts(user=rita, enabled=False, keys={})
    page.goto(f"{live_server.url}/articles/{article.pk}/")  # opens on the first one to label
    expect(page.locator(".label-button[data-label=verified] kbd")).to_be_hidden()
    page.keyboard.press("2")
    page.keyboard.press("j")
    expect(current(page)).to_have_attribute("data-position", "1")
    # The arrows are not single-character shortcuts: they still move.
    page.keyboard.press("ArrowDown")
    expect(current(page)).to_have_attribute("data-position", "2")
    assert Annotation.objects.filter(reviewer=rita).count() == 1
    # Nor are the digits after a skip: the reasons are chosen with their buttons.
    page.click("#skip")
    expect(page.locator("#skip-reasons")).to_be_visible()
    page.keyboard.press("2")
    expect(page.locator("#skip-reasons")).to_be_hidden()
    saved(page)
    assert list(Skip.objects.values_list("sentence__position", "reason")) == [(2, "")]


def test_the_accessibility_tree_names_the_sentence_and_hears_the_live_regions(
    page, live_server, article
):
    make_user("rita", role="reviewer")
    sign_in_by_keyboard(page, live_server, "rita")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.keyboard.press("j")
    page.keyboard.press("Shift+Digit2")  # disputed, and stay
    page.keyboard.press("n")
    page.keyboard.type("Traffic counts differ.")
    page.keyboard.press("Escape")
    saved(page)

    sentence = current(page)
    expect(sentence).to_be_focused()
    # (Quoted whole: the name holds ": ".)
    expect(sentence).to_match_aria_snapshot(
        """- 'button "Sentence 2 of 5, disputed, note added: It carries 40,000 cars a day."'""")
    # The live regions, as a screen reader has them: the label given and the save.
    expect(page.locator("#announcer")).to_match_aria_snapshot(
        "- status: Sentence 2 labeled disputed.")
    expect(page.locator("#save-status")).to_match_aria_snapshot(
        "- status: All changes saved")
    # The others: not labeled yet.
    expect(page.locator(".sentence").nth(2)).to_have_accessible_name(
        "Sentence 3 of 5, not labeled: Critics say the repairs cost $3 million too much.")

    page.context.set_offline(True)
    page.keyboard.press("3")
    expect(page.locator("#save-status")).to_match_aria_snapshot(
        "- status: /Offline. 1 change waiting/")
    page.context.set_offline(False)
    saved(page)
