"""axe-core (WCAG 2.1 A and AA) on every page, wide and at 390 px, light and dark; the
article page in each of its states (a claim being marked, a discussion open), the
adjudication page with its own. A failure lists every violation with where it is."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from annotations.models import Article
from tests.accessibility import axe_violations, describe
from tests.factories import PASSWORD, make_user
from tests.test_browser import label_in_another_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PREDICTIONS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "baseline-predictions.jsonl"
GUIDELINES = """# How we label

Label the **claim**, not the article. See [the desk's handbook](https://example.org/handbook).

| label | when |
|:--|:--|
| verified | a source confirms it |
| disputed | a source contradicts it |

- Skip opinions and questions.
- `Unclear` when sources disagree.
"""
# Each page is checked in each of these: (name, viewport width, colour scheme).
VIEWS = [("wide", 1280, "light"), ("390 px", 390, "light"), ("wide, dark", 1280, "dark"),
         ("390 px, dark", 390, "dark")]


@pytest.fixture
def desk():
    """The demo article labeled by two reviewers (two sentences split), verdicts on six
    sentences, a model's predictions: every page and every section has something to show.
    Returns the article."""
    # The users first: their roles' groups, which the flush of a transactional test removed.
    one, two = make_user("rita", role="reviewer"), make_user("sam", role="reviewer")
    judge = make_user("ada", role="adjudicator")
    make_user("desk", is_staff=True, is_superuser=True)
    call_command("setup_demo", stdout=StringIO())
    article = Article.objects.get(url="https://news.example/ukraine-peace-plan-talks")
    article.project.guidelines = GUIDELINES
    article.project.save()
    sentences = list(article.sentences.order_by("position"))
    labels = ["verified", "verified", "unclear", "disputed", "verified", "verified",
              "disputed", "unclear"]
    for i, (sentence, label) in enumerate(zip(sentences, labels, strict=False)):
        save_annotation(sentence=sentence, reviewer=one, label=label, note="Checked.",
                        evidence=["https://example.org/source"])
        save_annotation(sentence=sentence, reviewer=two, label=label if i < 6 else "verified")
        if i < 6:
            set_verdict(sentence=sentence, adjudicator=judge, label=label, rationale="Sources.")
    call_command("import_predictions", "--model", "baseline", "--description", "Demo baseline",
                 str(DEMO_PREDICTIONS), stdout=StringIO(), stderr=StringIO())
    return article


class Checker:
    """Runs axe on a page in every view and gathers the violations, to fail once with all."""

    def __init__(self, page):
        self.page = page
        self.found = []

    def check(self, where, views=VIEWS):
        for name, width, scheme in views:
            self.page.set_viewport_size({"width": width, "height": 844})
            self.page.emulate_media(color_scheme=scheme)
            # The admin's links fade to their new colour: check the colours they end on.
            self.page.evaluate("Promise.all(document.getAnimations().map((a) => a.finished))")
            violations = axe_violations(self.page)
            if violations:
                self.found.append(f"== {where} ({name})\n{describe(violations)}")
        self.page.set_viewport_size({"width": 1280, "height": 844})
        self.page.emulate_media(color_scheme="light")

    def visit(self, live_server, path, where=None, status=200):
        response = self.page.goto(f"{live_server.url}{path}")
        assert response.status == status, (path, response.status)
        # A part the page fetches once shown (aria-busy) is checked when it is in.
        expect(self.page.locator("[aria-busy=true]")).to_have_count(0)
        self.check(where or path)

    def assert_none(self):
        assert not self.found, "axe-core found violations:\n" + "\n".join(self.found)


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/**")


def test_sign_in_and_reviewer_pages(page, live_server, desk):
    axe = Checker(page)
    axe.visit(live_server, "/accounts/login/", "sign-in")
    page.fill("#id_username", "rita")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    axe.check("sign-in, wrong password")
    make_user("outsider")
    sign_in(page, live_server, "outsider")
    axe.check("signed in without a role")
    sign_in(page, live_server, "rita")
    axe.visit(live_server, "/", "landing")
    axe.visit(live_server, "/?q=nothing-matches", "landing, nothing found")
    axe.visit(live_server, "/settings/shortcuts/", "keyboard shortcuts")
    page.fill("#id_note", "j")
    page.click("button.primary")
    expect(page.locator("#id_note-error")).to_be_visible()
    axe.check("keyboard shortcuts, a key taken twice")
    axe.assert_none()


def test_article_page_in_each_state(page, live_server, desk):
    make_user("nina", role="reviewer")
    axe = Checker(page)
    sign_in(page, live_server, "nina")
    axe.visit(live_server, f"/articles/{desk.pk}/", "article, fresh, guidelines open")
    expect(page.locator("#guidelines")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#guidelines")).to_be_hidden()

    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("k")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    expect(page.locator("#matches-list li, #matches-note").first).to_be_visible()
    axe.check("article, labeled")

    page.keyboard.press("c")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".sentence.selected mark.claim.marking")).to_be_visible()
    axe.check("article, claim being marked")
    page.keyboard.press("Enter")
    expect(page.locator(".sentence.selected mark.claim")).to_be_visible()

    page.keyboard.press("t")
    page.keyboard.type("Which figure is meant?")
    page.keyboard.press("Enter")
    expect(page.locator("#comments .comment-text")).to_have_text(["Which figure is meant?"])
    axe.check("article, discussion with a comment")
    page.keyboard.press("Escape")

    page.keyboard.press("j")
    page.keyboard.press("s")
    expect(page.locator("#skip-reasons")).to_be_visible()
    axe.check("article, skip reasons offered")
    page.keyboard.press("2")
    page.keyboard.press("k")
    expect(page.locator("#skipped")).to_be_visible()
    expect(page.locator("#recent")).to_be_visible()
    axe.check("article, a skipped sentence, recent changes")
    page.keyboard.press("k")

    page.keyboard.press("n")
    page.keyboard.type("A note")
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    page.keyboard.type("not a link")
    page.keyboard.press("Enter")
    expect(page.locator("#evidence-error")).to_be_visible()
    page.fill("#evidence-input", "https://example.org/a")
    page.keyboard.press("Enter")
    page.locator("#note").focus()
    axe.check("article, note open")
    page.keyboard.press("Escape")

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    axe.check("article, help open")
    page.keyboard.press("Escape")

    page.context.set_offline(True)
    page.keyboard.press("j")
    page.keyboard.press("3")
    expect(page.locator("#save-status")).to_contain_text("Offline")
    axe.check("article, offline")
    page.context.set_offline(False)
    expect(page.locator("#save-status")).to_have_text("All changes saved", timeout=20_000)

    # Another tab labels the selected sentence first: this one gets a conflict.
    label_in_another_tab(page)
    page.keyboard.press("2")
    expect(page.locator("#conflict")).to_be_visible()
    axe.check("article, conflict")

    sign_in(page, live_server, "ada")
    axe.visit(live_server, f"/articles/{desk.pk}/", "article, adjudicator")
    axe.assert_none()


def test_adjudication_and_checked_claims(page, live_server, desk):
    axe = Checker(page)
    sign_in(page, live_server, "ada")
    axe.visit(live_server, "/adjudicate/", "adjudication")
    case = page.locator(".case").first
    page.keyboard.press("c")
    page.keyboard.press("ArrowRight")
    expect(case.locator(".case-text mark.claim.marking")).to_be_visible()
    axe.check("adjudication, claim being marked")
    page.keyboard.press("Enter")
    page.keyboard.press("t")
    page.keyboard.type("Which source do you both mean?")
    page.keyboard.press("Enter")
    expect(case.locator(".comment-text")).to_have_text(["Which source do you both mean?"])
    axe.check("adjudication, discussion with a comment")
    axe.visit(live_server, "/adjudicate/?show=all", "adjudication, with verdicts")
    axe.visit(live_server, "/checks/", "checked claims")
    axe.visit(live_server, "/checks/?q=peace+plan", "checked claims, results")
    axe.visit(live_server, "/checks/?q=zz", "checked claims, too short")
    axe.assert_none()


def test_dashboard_and_the_admin_pages_the_desk_uses(page, live_server, desk):
    project = desk.project
    axe = Checker(page)
    sign_in(page, live_server, "desk")
    for path in [
        "/admin/",
        "/admin/dashboard/",
        "/admin/annotations/project/",
        f"/admin/annotations/project/{project.pk}/change/",
        "/admin/annotations/project/add/",
        "/admin/annotations/article/",
        f"/admin/annotations/article/{desk.pk}/change/",
        "/admin/annotations/article/import/",
    ]:
        axe.visit(live_server, path)
    page.click("text=Import")  # the import page with its form's errors
    axe.assert_none()


@pytest.mark.urls("tests.error_urls")
def test_error_pages(page, live_server, desk):
    axe = Checker(page)
    sign_in(page, live_server, "rita")
    axe.visit(live_server, "/test/forbidden/", "403", status=403)
    axe.visit(live_server, "/no/such/page/", "404", status=404)
    axe.visit(live_server, "/test/broken/", "500", status=500)
    axe.visit(live_server, "/test/bad/", "400", status=400)
    axe.assert_none()


def test_the_reviewers_pages_reflow_at_200_percent_zoom(page, live_server, desk):
    """A 1280 px window zoomed to 200% is 640 CSS px wide: nothing scrolls sideways and the
    controls stay in view (WCAG 1.4.4, 1.4.10). At 390 px the same holds (see VIEWS)."""
    page.set_viewport_size({"width": 640, "height": 422})
    sign_in(page, live_server, "ada")
    for path in ["/", f"/articles/{desk.pk}/", "/adjudicate/", "/checks/?q=peace+plan",
                 "/settings/shortcuts/"]:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 640, f"{path} is {width} px wide at 200% zoom"
    page.goto(f"{live_server.url}/articles/{desk.pk}/")
    for control in ["#panel .label-button[data-label=disputed]", "#note", "#next"]:
        page.locator(control).scroll_into_view_if_needed()
        expect(page.locator(control)).to_be_in_viewport()
