"""A reviewer at work in a real Chromium: keyboard labeling, saving, undo, notes, conflicts."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.factories import PASSWORD, make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Officials said the bridge opened in 1932. It carries 40,000 cars a day.\n"
    "Critics say the repairs cost $3 million too much. The mayor disagrees.\n"
    "A review is due next year."
)


@pytest.fixture
def article(db):
    return make_article(BODY, title="Bridge turns ninety")


def sign_in(page, live_server, username="rita"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Articles to review")


def open_article(page, live_server, article):
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator(".sentence.selected")).to_have_count(1)


def saved(page):
    expect(page.locator("#save-status")).to_have_text("All changes saved")


def labels_in_db(reviewer):
    return list(
        Annotation.objects.filter(reviewer=reviewer)
        .order_by("sentence__position")
        .values_list("sentence__position", "label")
    )


def test_reviewer_labels_from_the_keyboard_and_labels_survive_a_reload(
    page, live_server, reviewer, article
):
    sign_in(page, live_server)
    page.click("#continue")
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "0")

    for key in "123":
        page.keyboard.press(key)
    saved(page)
    assert labels_in_db(reviewer) == [(0, "verified"), (1, "disputed"), (2, "unclear")]

    page.reload()
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "3")
    expect(page.locator(".sentence[data-label]")).to_have_count(3)
    second = article.sentences.get(position=1)
    expect(page.locator(f"#s-{second.pk}")).to_have_attribute("data-label", "disputed")
    expect(page.locator("#my-count")).to_have_text("3")


def test_j_and_k_move_and_u_undoes_the_last_change(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "1")
    page.keyboard.press("2")
    saved(page)
    assert labels_in_db(reviewer) == [(1, "disputed")]

    page.keyboard.press("u")
    saved(page)
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "1")
    assert labels_in_db(reviewer) == []


def test_note_and_evidence_link_are_saved(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("2")
    page.keyboard.press("k")
    page.keyboard.press("n")
    page.keyboard.type("Traffic counts say 25,000 & <b>less</b>.")
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    page.keyboard.type("javascript:alert(1)")
    page.keyboard.press("Enter")
    expect(page.locator("#evidence-error")).to_contain_text("must start with http")
    page.fill("#evidence-input", "https://example.org/traffic-2024")
    page.keyboard.press("Enter")
    expect(page.locator("#evidence-list a")).to_have_text("https://example.org/traffic-2024")
    saved(page)

    annotation = Annotation.objects.get(reviewer=reviewer)
    assert annotation.label == "disputed"
    assert annotation.note == "Traffic counts say 25,000 & <b>less</b>."
    assert annotation.evidence == ["https://example.org/traffic-2024"]

    page.reload()
    page.locator(".sentence").first.click()
    expect(page.locator("#note")).to_have_value("Traffic counts say 25,000 & <b>less</b>.")


def test_stale_tab_gets_a_conflict_message_not_a_silent_overwrite(
    page, live_server, reviewer, article
):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    other_tab = page.context.new_page()
    open_article(other_tab, live_server, article)

    page.keyboard.press("1")
    saved(page)
    other_tab.keyboard.press("2")

    expect(other_tab.locator("#conflict")).to_be_visible()
    expect(other_tab.locator("#conflict-text")).to_contain_text("Sentence 1 was labeled")
    expect(other_tab.locator("#conflict-saved")).to_have_text("“verified”")
    assert labels_in_db(reviewer) == [(0, "verified")]

    other_tab.click("#conflict-keep")
    saved(other_tab)
    assert labels_in_db(reviewer) == [(0, "disputed")]


def test_changes_made_offline_are_kept_and_sent_when_back(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.context.set_offline(True)
    page.keyboard.press("3")
    expect(page.locator("#save-status")).to_contain_text("Offline: 1 change waiting")
    assert labels_in_db(reviewer) == []

    page.context.set_offline(False)
    # Sent again at once on the browser's "online" event, or by the backoff retry.
    expect(page.locator("#save-status")).to_have_text("All changes saved", timeout=20_000)
    assert labels_in_db(reviewer) == [(0, "unclear")]


def test_pending_change_survives_closing_the_page_offline(page, live_server, reviewer, article):
    # Chromium's offline switch is not instant: the first PUT can still reach the server while
    # the page is told it failed. The fresh page then resends a change the server already
    # holds, which must count as saved (see test_a_save_whose_answer_was_lost_is_not_a_conflict).
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.context.set_offline(True)
    page.keyboard.press("1")
    expect(page.locator("#save-status")).to_contain_text("Offline")
    page.close(run_before_unload=False)

    fresh = page.context.new_page()
    page.context.set_offline(False)
    open_article(fresh, live_server, article)
    saved(fresh)
    assert labels_in_db(reviewer) == [(0, "verified")]


def test_keys_are_shown_on_the_page(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    expect(page.locator("#help")).to_contain_text("label verified, disputed, unclear")


def test_mouse_labeling_works_on_a_narrow_screen(page, live_server, reviewer, article):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.locator(".sentence").nth(2).click()
    page.click(".label-button[data-label=unclear]")
    saved(page)
    assert labels_in_db(reviewer) == [(2, "unclear")]


def test_adjudicator_sees_who_labeled_what(page, live_server, reviewer, article):
    from annotations.annotating import save_annotation

    make_user("ada", role="adjudicator")
    save_annotation(
        sentence=article.sentences.first(), reviewer=reviewer, label="disputed", note="<i>hm</i>"
    )
    sign_in(page, live_server, "ada")
    open_article(page, live_server, article)
    page.locator(".sentence").first.click()
    expect(page.locator("#others")).to_contain_text("rita: disputed — <i>hm</i>")


def note_of(reviewer):
    return Annotation.objects.get(reviewer=reviewer).note


def test_the_sentence_stays_editable_after_using_the_saved_one(
    page, live_server, reviewer, article
):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    other_tab = page.context.new_page()
    open_article(other_tab, live_server, article)
    dialogs = []
    other_tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.keyboard.press("1")
    saved(page)
    other_tab.keyboard.press("2")
    expect(other_tab.locator("#conflict")).to_be_visible()
    other_tab.click("#conflict-theirs")
    saved(other_tab)

    other_tab.locator(".sentence").first.click()
    other_tab.keyboard.press("n")
    other_tab.keyboard.type("Checked the archive.")
    other_tab.keyboard.press("Escape")
    saved(other_tab)
    assert dialogs == []
    assert note_of(reviewer) == "Checked the archive."


def test_the_sentence_stays_editable_after_a_refused_change(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("1")
    saved(page)

    page.route(
        "**/api/sentences/*/annotation/",
        lambda route: route.fulfill(status=400, json={"detail": "Refused for the test."}),
        times=1,
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("k")
    page.keyboard.press("n")
    page.keyboard.type("First try.")
    page.keyboard.press("Escape")
    saved(page)
    # Said in words beside the labels, not in a dialog.
    expect(page.locator("#save-error")).to_have_text(
        "Sentence 1: this change could not be saved: Refused for the test."
    )
    assert dialogs == []

    page.keyboard.press("n")
    page.keyboard.type("Second try.")
    page.keyboard.press("Escape")
    saved(page)
    expect(page.locator("#save-error")).to_be_hidden()
    assert dialogs == []
    assert note_of(reviewer) == "Second try."


def test_a_save_whose_answer_was_lost_is_not_a_conflict(page, live_server, reviewer, article):
    calls = []

    def reach_the_server_then_drop_the_answer(route):
        # The first save reaches the server and its answer is lost; the first retry fails too.
        calls.append(route.request.url)
        if len(calls) == 1:
            route.fetch()
        route.abort("connectionreset")

    sign_in(page, live_server)
    open_article(page, live_server, article)
    # Every text the save badge shows, kept by the page: "Offline" lasts only as long as the
    # retry waits, and a poll of the badge could fall on either side of it.
    page.evaluate("""() => {
        window.badgeTexts = [];
        const badge = document.getElementById("save-status");
        new MutationObserver(() => window.badgeTexts.push(badge.textContent))
            .observe(badge, {childList: true, characterData: true, subtree: true});
    }""")
    page.route("**/api/sentences/*/annotation/", reach_the_server_then_drop_the_answer, times=2)
    page.keyboard.press("1")

    # The retry carries the version the change was made on, now stale: the server answers
    # 409 with the reviewer's own change as its current value, which is a success.
    expect(page.locator("#save-status")).to_have_text("All changes saved", timeout=15_000)
    assert len(calls) == 2
    assert any(text.startswith("Offline") for text in page.evaluate("window.badgeTexts"))
    expect(page.locator("#conflict")).to_be_hidden()
    assert labels_in_db(reviewer) == [(0, "verified")]


def test_two_tabs_making_the_same_change_do_not_conflict(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    other_tab = page.context.new_page()
    open_article(other_tab, live_server, article)

    page.keyboard.press("1")
    saved(page)
    other_tab.keyboard.press("1")
    saved(other_tab)
    expect(other_tab.locator("#conflict")).to_be_hidden()

    # The tab now holds the server's version: a later change is no conflict either.
    other_tab.keyboard.press("k")
    other_tab.keyboard.press("2")
    saved(other_tab)
    assert labels_in_db(reviewer) == [(0, "disputed")]


def selected(page):
    return page.locator(".sentence.selected")


def test_labeling_goes_to_the_next_sentence_not_yet_labeled(page, live_server, reviewer, article):
    from annotations.annotating import save_annotation

    for position in (1, 2):
        save_annotation(
            sentence=article.sentences.get(position=position), reviewer=reviewer, label="verified"
        )
    sign_in(page, live_server)
    open_article(page, live_server, article)
    expect(selected(page)).to_have_attribute("data-position", "0")

    page.keyboard.press("1")  # 1 and 2 are labeled already
    expect(selected(page)).to_have_attribute("data-position", "3")
    page.keyboard.press("j")
    page.keyboard.press("2")  # nothing open after the last: back to the first open one
    expect(selected(page)).to_have_attribute("data-position", "3")
    page.keyboard.press("3")  # every sentence labeled: simply the next one
    expect(selected(page)).to_have_attribute("data-position", "4")
    saved(page)
    assert labels_in_db(reviewer) == [
        (0, "verified"), (1, "verified"), (2, "verified"), (3, "unclear"), (4, "disputed")
    ]


def label_in_another_tab(page, key="1"):
    """Another tab of the same reviewer labels the sentence this page selects, and closes:
    this page's next change to it is made on a stale version."""
    other = page.context.new_page()
    other.goto(page.url)
    other.keyboard.press(key)
    saved(other)
    other.close()


def conflicting_tab(page, live_server, article):
    """A second tab labels the first sentence "disputed" after this one saved "verified"."""
    open_article(page, live_server, article)
    other_tab = page.context.new_page()
    open_article(other_tab, live_server, article)
    page.keyboard.press("1")
    saved(page)
    other_tab.keyboard.press("2")
    expect(other_tab.locator("#conflict")).to_be_visible()
    return other_tab


def test_a_conflict_is_shown_on_its_sentence_with_both_sides(page, live_server, reviewer, article):
    sign_in(page, live_server)
    other_tab = conflicting_tab(page, live_server, article)

    # Labeling moved the tab on; the conflict takes it back to the sentence concerned.
    expect(selected(other_tab)).to_have_attribute("data-position", "0")
    expect(other_tab.locator("#panel-position")).to_have_text("Sentence 1 of 5")
    expect(other_tab.locator("#conflict-mine")).to_have_text("“disputed”")
    expect(other_tab.locator("#conflict-saved")).to_have_text("“verified”")

    other_tab.keyboard.press("m")
    saved(other_tab)
    assert labels_in_db(reviewer) == [(0, "disputed")]


def test_s_takes_the_saved_side_of_a_conflict(page, live_server, reviewer, article):
    sign_in(page, live_server)
    other_tab = conflicting_tab(page, live_server, article)

    other_tab.keyboard.press("s")
    saved(other_tab)
    expect(other_tab.locator("#conflict")).to_be_hidden()
    first = article.sentences.get(position=0)
    expect(other_tab.locator(f"#s-{first.pk}")).to_have_attribute("data-label", "verified")
    assert labels_in_db(reviewer) == [(0, "verified")]


def test_opening_a_note_with_carriage_returns_changes_nothing(
    page, live_server, reviewer, article
):
    from annotations.annotating import save_annotation

    note = "Line one.\r\nLine two."  # a textarea shows (and gives back) "\n" line ends
    save_annotation(
        sentence=article.sentences.get(position=0), reviewer=reviewer, label="disputed", note=note
    )
    sign_in(page, live_server)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))

    open_article(page, live_server, article)
    page.locator(".sentence").first.click()
    page.keyboard.press("n")
    page.goto(f"{live_server.url}/")  # leave with the note open
    expect(page.locator("h1")).to_have_text("Articles to review")
    assert dialogs == []

    open_article(page, live_server, article)
    page.locator(".sentence").first.click()
    page.keyboard.press("n")
    page.keyboard.press("Escape")
    saved(page)
    annotation = Annotation.objects.get(reviewer=reviewer)
    assert (annotation.version, annotation.note) == (1, note)


def test_shift_and_a_number_labels_and_stays(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("Shift+2")
    expect(selected(page)).to_have_attribute("data-position", "0")
    page.keyboard.press("e")
    page.keyboard.type("https://example.org/repairs")
    page.keyboard.press("Enter")
    saved(page)
    annotation = Annotation.objects.get(reviewer=reviewer)
    assert (annotation.sentence.position, annotation.label) == (0, "disputed")
    assert annotation.evidence == ["https://example.org/repairs"]


def test_a_note_written_before_the_label_is_saved_with_it(page, live_server, reviewer, article):
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("n")
    page.keyboard.type("Ask the city for counts.")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("#note")).to_have_value("Ask the city for counts.")
    page.reload()
    expect(page.locator("#note")).to_have_value("Ask the city for counts.")
    saved(page)
    assert labels_in_db(reviewer) == []

    page.keyboard.press("3")
    saved(page)
    annotation = Annotation.objects.get(reviewer=reviewer)
    assert (annotation.sentence.position, annotation.label) == (0, "unclear")
    assert annotation.note == "Ask the city for counts."


OUTSIDE_THE_PANEL = """() => {
    const box = document.getElementById("panel").getBoundingClientRect();
    const parts = [
        "#save-status", ".label-button[data-label=unclear]", "#undo", "#evidence-list a",
    ];
    return parts.filter((selector) => document.querySelector(selector)).filter((selector) => {
        const rect = document.querySelector(selector).getBoundingClientRect();
        return rect.left < box.left || rect.right > box.right;
    });
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_offline_badge_and_a_long_link_stay_inside_the_panel(
    page, live_server, reviewer, article, width
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server)
    open_article(page, live_server, article)
    panel = page.locator("#panel")
    page.context.set_offline(True)
    page.keyboard.press("Shift+1")
    expect(page.locator("#save-status")).to_contain_text("Offline: 1 change waiting")
    assert page.evaluate(OUTSIDE_THE_PANEL) == []
    assert panel.evaluate("(panel) => panel.scrollWidth <= panel.clientWidth")

    page.keyboard.press("e")
    page.keyboard.type("https://example.org/" + "a-long-path-segment/" * 15)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page.locator("#evidence-list a")).to_have_count(1)
    assert page.evaluate(OUTSIDE_THE_PANEL) == []
    assert panel.evaluate("(panel) => panel.scrollWidth <= panel.clientWidth")
    page.context.set_offline(False)
    saved(page)


TITLE_AND_SELECTED_SENTENCE_IN_VIEW = """() => new Promise((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(() => {
        const title = document.querySelector(".reader-head h1").getBoundingClientRect();
        const sentence = document.querySelector(".sentence.selected").getBoundingClientRect();
        // On a narrow screen the panel covers the bottom of the page.
        const panel = document.getElementById("panel").getBoundingClientRect();
        const bottom = Math.min(innerHeight, panel.left < 1 ? panel.top : innerHeight);
        resolve({
            title: title.top >= 0 && title.bottom <= bottom,
            sentence: sentence.top >= 0 && sentence.bottom <= bottom,
        });
    }));
})"""


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
@pytest.mark.parametrize("from_the_queue", [False, True], ids=["link", "queue"])
def test_the_page_opens_with_the_title_and_the_first_open_sentence_in_view(
    page, live_server, reviewer, width, height, from_the_queue
):
    from annotations.annotating import save_annotation

    paragraphs = [
        f"Paragraph {n} makes a first claim here. It adds a second claim to it. "
        "A third sentence closes the paragraph."
        for n in range(1, 13)
    ]
    article = make_article("\n\n".join(paragraphs), title="A long report")
    for position in (0, 1):
        save_annotation(
            sentence=article.sentences.get(position=position), reviewer=reviewer, label="verified"
        )
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server)
    if from_the_queue:  # "Continue labeling" sends the reviewer to /articles/N/#s-M
        page.click("#continue")
    else:
        page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(selected(page)).to_have_attribute("data-position", "2")
    page.wait_for_load_state("load")
    assert page.evaluate(TITLE_AND_SELECTED_SENTENCE_IN_VIEW) == {"title": True, "sentence": True}
    page.reload()  # the address now names the selected sentence
    expect(selected(page)).to_have_attribute("data-position", "2")
    assert page.evaluate(TITLE_AND_SELECTED_SENTENCE_IN_VIEW) == {"title": True, "sentence": True}
