"""A news page imported by URL from the admin, then labeled, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Article, Project
from tests.factories import PASSWORD, make_user
from tests.pageserver import serving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, landing):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text(landing)


def test_staff_imports_a_page_by_url_and_a_reviewer_labels_it(page, live_server, settings):
    settings.URL_IMPORT_ALLOW_PRIVATE = True  # the news site runs on 127.0.0.1
    # Other browser tests empty the database: the default project may be gone.
    Project.objects.get_or_create(slug="default", defaults={"name": "Default"})
    make_user("sam", is_staff=True, is_superuser=True)
    rita = make_user("rita", role="reviewer")
    with serving() as site:
        sign_in(page, live_server, "sam", "Articles to review")
        page.goto(f"{live_server.url}/admin/annotations/article/import/")
        page.get_by_label("Import from URL").fill(f"{site.url}/news/cookie_banner.html")
        page.click("input[type=submit]")
        expect(page.locator(".messagelist")).to_contain_text("1 article(s) imported")
        expect(page.locator("#imported")).to_contain_text(
            "Council approves new flood barrier after decade of delays"
        )
    article = Article.objects.get()
    assert article.source == "Riverside Chronicle"

    page.context.clear_cookies()
    sign_in(page, live_server, "rita", "Articles to review")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator(".sentence.selected")).to_have_attribute("data-position", "0")
    expect(page.locator(".sentence.selected")).to_contain_text("Riverside council voted")
    page.keyboard.press("1")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    first = article.sentences.get(position=0)
    assert Annotation.objects.get(reviewer=rita).sentence == first
