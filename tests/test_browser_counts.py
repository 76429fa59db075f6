"""The others' counts on the article page appear as soon as the reviewer's label is saved,
where the project shows them, without a reload."""

import pytest
from playwright.sync_api import expect

from annotations.annotating import save_annotation
from tests.factories import make_article, make_project, make_user
from tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "The bridge opened in 1932. It carries 40,000 cars a day."


def labeled_by_another(show_counts):
    """An article whose first sentence another reviewer has labeled disputed."""
    project = make_project(show_counts_after_labeling=show_counts)
    article = make_article(BODY, project=project, title="Bridge")
    save_annotation(sentence=article.sentences.first(), reviewer=make_user("otto",
                    role="reviewer"), label="disputed")
    return article


def label_the_first_sentence(page, live_server, article):
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "0")
    expect(page.locator("#others")).to_be_hidden()
    page.keyboard.press("1")  # label it verified, which moves on
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    page.keyboard.press("k")  # back to it
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "0")


def test_counts_appear_once_the_label_is_saved(page, live_server, reviewer):
    article = labeled_by_another(show_counts=True)
    sign_in(page, live_server)
    label_the_first_sentence(page, live_server, article)
    expect(page.locator("#others")).to_be_visible()
    expect(page.locator("#others-body")).to_have_text("1 disputed")


def test_a_blind_project_shows_no_counts_after_the_save(page, live_server, reviewer):
    article = labeled_by_another(show_counts=False)
    sign_in(page, live_server)
    label_the_first_sentence(page, live_server, article)
    expect(page.locator("#others")).to_be_hidden()
    page.reload()
    page.locator(".sentence").first.click()
    expect(page.locator("#others")).to_be_hidden()
