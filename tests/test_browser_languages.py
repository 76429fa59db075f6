"""Right-to-left and CJK articles in a real Chromium: the text runs in its own direction."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import make_article
from tests.test_browser import open_article, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC = (
    "انتهت المحادثات في جنيف في وقت متأخر من يوم الأحد دون التوصل إلى اتفاق. "
    "وقال المسؤولون إنهم سيجتمعون مجددا الأسبوع المقبل.\n"
    "وأكد الوفد الأوكراني أن 28 نقطة من الخطة ما زالت قيد النقاش."
)
# Where the screenshot goes: SCREENSHOT_DIR to keep it, else the test's temporary directory.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")


def direction(locator):
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_an_arabic_article_reads_right_to_left(page, live_server, reviewer, tmp_path):
    article = make_article(ARABIC, title="محادثات جنيف")
    assert article.language == "ar"
    english = make_article("Officials said the bridge opened in 1932. It carries cars.",
                           language="en")
    sign_in(page, live_server)
    open_article(page, live_server, article)

    body = page.locator("#body-text")
    expect(body).to_have_attribute("lang", "ar")
    for paragraph in body.locator("p").all():
        assert direction(paragraph) == "rtl"
    sentences = page.locator(".sentence")
    expect(sentences).to_have_count(article.sentences.count())
    for sentence in sentences.all():
        assert direction(sentence) == "rtl"
    assert direction(page.locator("h1")) == "rtl"
    # The first sentence starts at the right edge of its paragraph.
    first = sentences.first.bounding_box()
    paragraph = body.locator("p").first.bounding_box()
    assert abs((first["x"] + first["width"]) - (paragraph["x"] + paragraph["width"])) < 2
    # The selected sentence's quote in the side panel runs right to left too.
    expect(page.locator("#panel-text")).not_to_be_empty()
    assert direction(page.locator("#panel-text")) == "rtl"
    page.keyboard.press("2")
    expect(page.locator(".sentence[data-label=disputed]")).to_have_count(1)
    page.screenshot(
        path=str(Path(SCREENSHOT_DIR or tmp_path) / "arabic-article.png"), full_page=True
    )

    open_article(page, live_server, english)
    assert direction(page.locator("#body-text p").first) == "ltr"
