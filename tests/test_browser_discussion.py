"""A sentence's discussion in a real Chromium: closed to a reviewer until they have labeled
the sentence (not even asked for), then read and written from the keyboard; the adjudicator
answers from the adjudication page."""

import re

import pytest
from playwright.sync_api import expect

from annotations.annotating import save_annotation
from annotations.discussing import add_comment
from annotations.models import Comment
from annotations.skipping import skip_sentence
from tests.factories import make_article, make_user
from tests.test_browser import open_article, saved, sign_in
from tests.test_browser_adjudication import open_adjudication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOSED = "The discussion of this sentence opens once you have labeled it."


@pytest.fixture
def article(db):
    return make_article("Prices rose 12% in May. The mayor disagrees.", title="Prices")


@pytest.fixture
def comment_requests(page):
    """The URLs of every request the page makes to a discussion."""
    seen = []
    page.on("request", lambda request: "/comments/" in request.url and seen.append(request.url))
    return seen


def test_the_discussion_stays_closed_and_unasked_until_the_reviewer_labels(
    page, live_server, reviewer, article, comment_requests
):
    first = article.sentences.get(position=0)
    add_comment(sentence=first, author=make_user("sam", role="reviewer"), text="Only 11%?")
    sign_in(page, live_server)
    open_article(page, live_server, article)
    expect(page.locator("#discussion-note")).to_have_text(CLOSED)
    expect(page.locator("#comments")).to_be_hidden()
    expect(page.locator("#comment-input")).to_be_hidden()
    page.keyboard.press("t")
    expect(page.locator("#announcer")).to_have_text(CLOSED)
    expect(page.locator("#comment-input")).not_to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("#discussion-note")).to_have_text(CLOSED)
    assert comment_requests == []
    assert "Only 11%?" not in page.content()

    page.keyboard.press("Shift+Digit2")  # label and stay: now it opens
    saved(page)
    expect(page.locator("#comments .comment-text")).to_have_text(["Only 11%?"])
    asked = f"{live_server.url}/api/sentences/{first.pk}/comments/?page_size=500"
    assert comment_requests == [asked]


def test_a_skipped_sentence_is_not_labeled_its_discussion_and_claim_stay_closed(
    page, live_server, reviewer, article, comment_requests
):
    first = article.sentences.get(position=0)
    add_comment(sentence=first, author=make_user("sam", role="reviewer"), text="Only 11%?")
    skip_sentence(sentence_id=first.pk, reviewer=reviewer, reason="opinion")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{article.pk}/#s-{first.pk}")
    expect(page.locator("#skipped")).to_be_visible()
    expect(page.locator("#discussion-note")).to_have_text(CLOSED)
    page.keyboard.press("t")
    expect(page.locator("#comment-input")).not_to_be_focused()
    page.keyboard.press("c")
    expect(page.locator("#announcer")).to_contain_text("Label the sentence first")
    expect(page.locator(".sentence mark")).to_have_count(0)
    assert comment_requests == []


def test_t_writes_a_comment_and_enter_sends_it_as_text(page, live_server, reviewer, article):
    save_annotation(sentence=article.sentences.get(position=0), reviewer=reviewer, label="verified")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{article.pk}/#s-{article.sentences.first().pk}")
    expect(page.locator("#comments .no-comments")).to_have_text("No comments yet.")

    page.keyboard.press("t")
    expect(page.locator("#comment-input")).to_be_focused()
    page.keyboard.type("The agency says 11%.")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("<script>window.pwned = 1</script><b>bold</b>")
    page.keyboard.press("Enter")
    text = "The agency says 11%.\n<script>window.pwned = 1</script><b>bold</b>"
    expect(page.locator("#comments .comment-text")).to_have_text([text])
    expect(page.locator("#comments .comment-author")).to_have_text(["rita"])
    expect(page.locator("#comment-input")).to_have_value("")
    assert page.locator("#comments b, #comments script").count() == 0
    assert page.evaluate("window.pwned") is None
    assert list(Comment.objects.values_list("text", flat=True)) == [text]

    page.keyboard.press("Escape")  # leaves the box; the keys are the page's again
    page.keyboard.press("j")
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "1")
    page.reload()
    page.keyboard.press("k")
    expect(page.locator("#comments .comment-text")).to_have_text([text])
    assert page.locator("#comments b, #comments script").count() == 0


def test_the_adjudicators_reply_reaches_the_reviewer(page, live_server, reviewer, article):
    second = article.sentences.get(position=1)
    save_annotation(sentence=second, reviewer=reviewer, label="verified")
    save_annotation(sentence=second, reviewer=make_user("sam", role="reviewer"), label="disputed")
    add_comment(sentence=second, author=reviewer, text="The minutes agree.")
    make_user("ada", role="adjudicator")

    open_adjudication(page, live_server)
    case = page.locator(".case")
    expect(case.locator(".comment-text")).to_have_text(["The minutes agree."])
    page.keyboard.press("t")
    expect(case.locator(".comment-input")).to_be_focused()
    page.keyboard.type("Which minutes? <i>Link</i> please.")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_have_text("Comment sent")
    expect(case.locator(".comment-text")).to_have_text(
        ["The minutes agree.", "Which minutes? <i>Link</i> please."])

    page.context.clear_cookies()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{article.pk}/#s-{second.pk}")
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "1")
    expect(page.locator("#comments .comment-author")).to_have_text(["rita", "ada"])
    expect(page.locator("#comments .comment-text").last).to_have_text(
        "Which minutes? <i>Link</i> please.")
    expect(page.locator("#comments i")).to_have_count(0)


def test_a_reply_written_meanwhile_shows_when_the_sentence_is_selected_again(
    page, live_server, reviewer, article
):
    first = article.sentences.get(position=0)
    save_annotation(sentence=first, reviewer=reviewer, label="verified")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{article.pk}/#s-{first.pk}")
    expect(page.locator("#comments .no-comments")).to_have_text("No comments yet.")
    add_comment(sentence=first, author=make_user("ada", role="adjudicator"), text="Source?")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("#comments .comment-text")).to_have_text(["Source?"])


def test_a_refused_comment_says_why_and_keeps_the_text(page, live_server, reviewer, article):
    save_annotation(sentence=article.sentences.get(position=0), reviewer=reviewer, label="verified")
    sign_in(page, live_server)
    open_article(page, live_server, article)
    page.keyboard.press("k")
    expect(page.locator("#comments .no-comments")).to_be_visible()
    page.route(re.compile(r".*/comments/$"), lambda route: route.fulfill(
        status=400, content_type="application/json", body='{"text": ["too long"]}'))
    page.keyboard.press("t")
    page.keyboard.type("A remark")
    page.keyboard.press("Enter")
    expect(page.locator("#discussion-note")).to_have_text("Not sent: too long")
    expect(page.locator("#comment-input")).to_have_value("A remark")
