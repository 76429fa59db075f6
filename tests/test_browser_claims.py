"""Earlier checks of a claim in a real Chromium: the article panel and the Checked claims page."""

import pytest
from playwright.sync_api import expect

from annotations.adjudicating import set_verdict
from tests.factories import make_article, make_user
from tests.matching_cases import PAIRS, UNRELATED
from tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(db):
    """A first report whose two claims carry verdicts, and a later one restating the first
    of them before an unrelated sentence."""
    judy = make_user("judy", role="adjudicator")
    make_user("rita", role="reviewer")
    first = make_article(f"{PAIRS[0][0]}\n{PAIRS[6][0]}", title="First report")
    for sentence, label in zip(first.sentences.all(), ("disputed", "verified"), strict=True):
        set_verdict(sentence=sentence, adjudicator=judy, label=label)
    later = make_article(f"{PAIRS[0][1]}\n{UNRELATED[0]}", title="Later report")
    return first, later


def test_the_panel_shows_earlier_checks_once_the_reviewer_has_labeled(page, live_server, desk):
    first, later = desk
    sign_in(page, live_server)
    expect(page.locator(".checked-count")).to_have_text("1 sentence checked before")
    page.goto(f"{live_server.url}/articles/{later.pk}/")
    expect(page.locator("#matches-note")).to_have_text(
        "Earlier checks of this claim show once you have labeled it."
    )
    page.keyboard.press("Shift+Digit1")  # label and stay
    item = page.locator("#matches-list li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("verdict: disputed")
    expect(item).to_contain_text("First report")
    page.keyboard.press("j")  # the unrelated sentence, labeled too: nothing before
    page.keyboard.press("Shift+Digit2")
    expect(page.locator("#matches-note")).to_have_text("Not checked before.")
    page.keyboard.press("k")
    item.locator("a").click()
    source = first.sentences.get(position=0)
    expect(page.locator(".sentence.selected")).to_have_attribute("id", f"s-{source.pk}")


def test_checked_claims_are_searched_and_opened_from_the_keyboard(page, live_server, desk):
    first, _ = desk
    sign_in(page, live_server, "judy")
    page.click("text=Checked claims")
    expect(page.locator("h1")).to_have_text("Checked claims")
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    page.keyboard.type("Heathrow strike flights")
    page.keyboard.press("Enter")
    results = page.locator(".check-result")
    expect(results).to_have_count(1)
    expect(results.first).to_have_class("check-result card selected")
    expect(results.first).to_contain_text("Verdict: verified")
    page.keyboard.press("Enter")
    source = first.sentences.get(position=1)
    expect(page.locator(".sentence.selected")).to_have_attribute("id", f"s-{source.pk}")


def test_a_reviewer_of_a_project_that_hides_them_is_told_whom_to_ask(page, live_server, desk):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/checks/")
    expect(page.locator("h1")).to_have_text("Checked claims: adjudicators only")
