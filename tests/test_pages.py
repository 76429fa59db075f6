"""Reviewer pages: access, content, and a constant number of queries."""

import json

import pytest
from django.test import Client

from annotations.annotating import save_annotation
from annotations.skipping import skip_sentence
from tests.factories import make_article, make_project

pytestmark = pytest.mark.django_db


def page_data(response):
    html = response.content.decode()
    start = html.index('<script id="page-data" type="application/json">') + 47
    return json.loads(html[start : html.index("</script>", start)])


def test_anonymous_is_sent_to_sign_in(client):
    article = make_article()
    for path in ("/", f"/articles/{article.pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_sign_in_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_user_without_a_role_is_told_whom_to_ask(client, outsider):
    client.force_login(outsider)
    response = client.get("/")
    assert response.status_code == 403
    assert b"reviewer" in response.content


def test_landing_lists_visible_articles_with_progress(client, alice, bob):
    mine = make_article(title="Open article")
    make_article(title="Bob only", project=make_project(members=[bob]))
    save_annotation(sentence=mine.sentences.first(), reviewer=alice, label="verified")
    client.force_login(alice)

    html = client.get("/").content.decode()

    assert "Open article" in html and "Bob only" not in html
    assert "You <strong>1/3</strong>" in html
    assert "<strong>5</strong> labels needed" in html
    assert 'id="continue"' in html


def test_landing_searches_title_and_source(client, alice):
    make_article(title="Bridge repairs", source="City Times")
    make_article(title="Election night", source="Wire")
    client.force_login(alice)

    def titles(q):
        html = client.get("/", {"q": q}).content.decode()
        return [title for title in ("Bridge repairs", "Election night") if title in html]

    assert titles("city") == ["Bridge repairs"]  # by source, in any case
    assert titles("ELECTION") == ["Election night"]  # by title
    assert titles("") == ["Bridge repairs", "Election night"]


def test_landing_escapes_titles(client, alice):
    make_article(title="<script>alert(1)</script>")
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_landing_runs_in_a_constant_number_of_queries(
    client, alice, django_assert_max_num_queries
):
    for _ in range(30):
        make_article()
    client.force_login(alice)
    # session, user, groups, projects, their members, page count, page of articles, next
    # article, the articles' languages (the language filter), new replies
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.content.decode().count('class="article-row"') == 30


def test_article_page_shows_paragraphs_and_sentences(client, alice):
    article = make_article("Headline here\nFirst claim. Second claim.\nLast line.")
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert html.count('<p><span class="sentence"') == 3
    assert html.count('class="sentence"') == 4


def test_article_page_holds_only_the_reviewers_own_labels(client, alice, bob):
    article = make_article(project=make_project(show_counts_after_labeling=True))
    first, second, _ = article.sentences.all()
    save_annotation(sentence=first, reviewer=bob, label="disputed", note="bob's secret")
    save_annotation(sentence=second, reviewer=bob, label="verified")
    save_annotation(sentence=second, reviewer=alice, label="verified")
    client.force_login(alice)

    response = client.get(f"/articles/{article.pk}/")
    data = page_data(response)

    assert "bob's secret" not in response.content.decode()
    assert list(data["annotations"]) == [str(second.pk)]
    # Counts only, and only where alice has labeled herself.
    assert data["others"] == {str(second.pk): {"verified": 1, "disputed": 0, "unclear": 0}}


def test_adjudicator_sees_every_label_with_who_gave_it(client, alice, judy):
    article = make_article()
    first = article.sentences.first()
    save_annotation(sentence=first, reviewer=alice, label="disputed", note="why")
    client.force_login(judy)
    data = page_data(client.get(f"/articles/{article.pk}/"))
    assert data["sees_all"] is True
    assert data["others"][str(first.pk)] == [
        {"reviewer": "alice", "label": "disputed", "note": "why", "evidence": []}
    ]


def test_members_only_article_is_a_404_for_others(client, alice, bob):
    article = make_article(project=make_project(members=[bob]))
    client.force_login(alice)
    assert client.get(f"/articles/{article.pk}/").status_code == 404


def test_article_page_escapes_sentence_text_and_unsafe_urls(client, alice):
    article = make_article(
        "<img src=x onerror=alert(1)> is a claim.", url="https://example.org/a"
    )
    article.url = "javascript:alert(1)"  # stored by some other path: never linked
    article.save()
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "<img src=x" not in html
    assert "javascript:alert" not in html


def test_article_page_runs_in_a_constant_number_of_queries(
    client, alice, bob, django_assert_max_num_queries
):
    project = make_project("desk", guidelines="# Rules\n\nLabel *claims*.")
    article = make_article(
        " ".join(f"Claim number {i} is made here." for i in range(300)), project=project
    )
    for sentence in article.sentences.all()[:150]:
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
        save_annotation(sentence=sentence, reviewer=bob, label="disputed")
    for sentence in article.sentences.all()[150:200]:
        skip_sentence(sentence_id=sentence.pk, reviewer=alice, reason="opinion")
    client.force_login(alice)
    # session, user, groups, article with progress and the guidelines seen, sentences, own
    # labels, own skips, the user's shortcuts (others' counts: none, the project does not
    # show them)
    with django_assert_max_num_queries(8):
        response = client.get(f"/articles/{article.pk}/")
    assert response.content.decode().count('class="sentence"') == 300
    assert len(response.context["page_data"]["skips"]) == 50


def test_article_page_for_an_adjudicator_runs_in_a_constant_number_of_queries(
    client, alice, bob, judy, django_assert_num_queries
):
    article = make_article(" ".join(f"Claim number {i} is made here." for i in range(300)))
    for sentence in article.sentences.all()[:150]:
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
        skip_sentence(sentence_id=sentence.pk, reviewer=bob)
    client.force_login(judy)
    # session, user, groups, article with progress and the guidelines seen, sentences, own
    # labels, own skips, the user's shortcuts, every other label, the skips counted
    with django_assert_num_queries(10):
        response = client.get(f"/articles/{article.pk}/")
    assert len(response.context["page_data"]["skip_counts"]) == 150


class TestErrorPages:
    """The site's own error pages; never Django's debug pages, which list every URL."""

    pytestmark = pytest.mark.urls("tests.error_urls")

    @pytest.mark.parametrize("path, status, heading", [
        ("/no/such/page/", 404, "Page not found"),
        ("/test/forbidden/", 403, "Not allowed"),
        ("/test/bad/", 400, "Bad request"),
        ("/test/broken/", 500, "Something went wrong"),
    ])
    def test_an_error_is_the_sites_page(self, client, alice, path, status, heading):
        client.raise_request_exception = False
        client.force_login(alice)
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == status
        assert f"<h1>{heading}</h1>" in html and 'class="topbar"' in html
        assert "favicon.svg" in html
        assert "URLconf" not in html and "admin/" not in html and "a bug" not in html

    @pytest.mark.parametrize("path, status", [
        ("/api/no/such/thing/", 404),
        ("/api/test/forbidden/", 403),
        ("/api/test/bad/", 400),
        ("/api/test/broken/", 500),
    ])
    def test_an_api_error_is_json(self, client, path, status):
        client.raise_request_exception = False
        response = client.get(path)
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail"}

    def test_a_form_sent_without_its_token_gets_the_sites_page(self, alice):
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)
        response = client.post("/accounts/logout/")
        assert response.status_code == 403
        assert "<h1>This form has expired</h1>" in response.content.decode()


def test_every_page_names_the_icon_and_favicon_ico_leads_to_it(client, alice, staff):
    client.force_login(alice)
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/").content.decode()
    client.force_login(staff)
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/admin/").content.decode()
    response = client.get("/favicon.ico")
    assert (response.status_code, response.url) == (302, "/static/favicon.svg")
    icon = client.get(response.url)
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"


def test_the_admin_signs_in_on_the_sites_own_page(client):
    """One sign-in page, which says how many attempts are left before a lockout."""
    response = client.get("/admin/login/?next=/admin/dashboard/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/dashboard/"
    assert client.get("/admin/login/").url == "/accounts/login/?next=/admin/"
