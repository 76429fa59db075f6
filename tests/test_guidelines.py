"""Project guidelines: Markdown rendered safely, and who has seen which version."""

from html.parser import HTMLParser

import pytest

from annotations.guidelines import TAGS, digest_of, render, state
from annotations.models import GuidelinesSeen
from tests.factories import api, make_article, make_project

pytestmark = pytest.mark.django_db


def test_markdown_becomes_html():
    html = render("# Rules\n\n- **Label** the *claim*\n- see [the guide](https://example.org/g)")
    assert "<h1>Rules</h1>" in html
    assert "<strong>Label</strong>" in html
    assert (
        '<a href="https://example.org/g" rel="noopener noreferrer nofollow">the guide</a>' in html
    )


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](/admin/)",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<iframe src='https://example.org'></iframe>",
    "<style>body{display:none}</style>",
])
def test_no_raw_html_or_unsafe_link_gets_through(text):
    """Whatever the text, the HTML holds only the listed tags, no event handler, and links
    to http(s) and mail addresses only (unsafe markup may stay as visible, escaped text)."""
    elements = Elements()
    elements.feed(render(text) + render(f"Before {text} after, in a paragraph."))
    for tag, attributes in elements.found:
        assert tag in TAGS, (text, tag)
        for name, value in attributes:
            assert not name.startswith("on"), (text, name)
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), (text, value)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def test_raw_html_shows_as_text():
    assert render("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_mail_links_are_kept():
    assert 'href="mailto:desk@example.org"' in render("[desk](mailto:desk@example.org)")


def test_state_says_when_to_open_them():
    text = "Label claims."
    assert state("", None) == "none"
    assert state(text, None) == "new"
    assert state(text, digest_of(text)) == "seen"
    assert state(text + " Now more.", digest_of(text)) == "updated"


def test_api_gives_the_guidelines_and_records_them_seen(alice):
    project = make_project("desk", guidelines="Read **this**.")
    answer = api(alice).get("/api/projects/desk/guidelines/").json()
    assert answer["html"] == "<p>Read <strong>this</strong>.</p>\n"
    assert answer["state"] == "new"

    seen = api(alice).put("/api/projects/desk/guidelines/seen/", {"digest": answer["digest"]},
                          format="json")
    assert seen.status_code == 204
    assert api(alice).get("/api/projects/desk/guidelines/").json()["state"] == "seen"

    project.guidelines = "Read **this**, and that."
    project.save()
    assert api(alice).get("/api/projects/desk/guidelines/").json()["state"] == "updated"
    assert GuidelinesSeen.objects.count() == 1


def test_seen_is_per_user(alice, bob):
    make_project("desk", guidelines="Rules.")
    api(alice).put("/api/projects/desk/guidelines/seen/", {"digest": digest_of("Rules.")},
                   format="json")
    assert api(bob).get("/api/projects/desk/guidelines/").json()["state"] == "new"


@pytest.mark.parametrize("body", [{}, {"digest": "abc"}, {"digest": "A" * 64},
                                  {"digest": "a" * 64, "more": 1}])
def test_a_malformed_digest_is_a_400(alice, body):
    make_project("desk", guidelines="Rules.")
    response = api(alice).put("/api/projects/desk/guidelines/seen/", body, format="json")
    assert response.status_code == 400
    assert GuidelinesSeen.objects.count() == 0


def test_a_closed_projects_guidelines_are_a_404_to_others(alice, bob):
    make_project("closed", members=[bob], guidelines="Secret rules.")
    assert api(alice).get("/api/projects/closed/guidelines/").status_code == 404
    assert api(alice).put("/api/projects/closed/guidelines/seen/", {"digest": "a" * 64},
                          format="json").status_code == 404
    assert api(bob).get("/api/projects/closed/guidelines/").status_code == 200


def test_the_article_page_is_given_the_rendered_guidelines_and_their_state(client, alice):
    project = make_project("desk", guidelines="Mark <b>claims</b> only. [x](javascript:y)")
    article = make_article("A claim.", project=project)
    client.force_login(alice)
    page = client.get(f"/articles/{article.pk}/")
    assert page.context["page_data"]["guidelines"]["state"] == "new"
    html = page.context["guidelines_html"]
    assert "Mark &lt;b&gt;claims&lt;/b&gt; only." in html
    assert "href=\"javascript" not in html

    GuidelinesSeen.objects.create(user=alice, project=project, digest=digest_of(
        project.guidelines), seen_at="2025-01-01T00:00:00Z")
    page = client.get(f"/articles/{article.pk}/")
    assert page.context["page_data"]["guidelines"]["state"] == "seen"


def test_the_admin_shows_a_safe_preview(client, staff):
    project = make_project("desk", guidelines="## Steps\n\n<script>x()</script>")
    client.force_login(staff)
    page = client.get(f"/admin/annotations/project/{project.pk}/change/").content.decode()
    assert "<h2>Steps</h2>" in page
    assert "<script>x()</script>" not in page
