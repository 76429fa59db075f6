"""The staff dashboard and the admin's import page and export action."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from django.utils import timezone

from annotations.annotating import save_annotation
from annotations.dashboard import DashboardFilters, InvalidFilters, dashboard
from annotations.models import Annotation, Article
from tests.factories import make_article, make_project, make_user

# The admin pages here import and recount: each test ends with the counts checked.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_drift")]


@pytest.fixture
def known(alice, bob):
    """Two articles; the first fully labeled by two reviewers who differ on one sentence."""
    project = make_project("desk", review_target=2)
    first = make_article("One. Two. Three.", project=project, title="Labeled")
    second = make_article("Four. Five.", project=project, title="Untouched")
    for sentence, a, b in zip(first.sentences.all(), ("verified", "verified", "unclear"),
                              ("verified", "disputed", "unclear"), strict=True):
        save_annotation(sentence=sentence, reviewer=alice, label=a)
        save_annotation(sentence=sentence, reviewer=bob, label=b)
    return first, second


def test_dashboard_numbers_on_a_known_dataset(known):
    first, second = known
    figures = dashboard(DashboardFilters(project="desk"))
    overall = figures["overall"]
    assert (overall["articles"], overall["sentences"], overall["annotations"]) == (2, 5, 6)
    assert overall["labels"] == {"verified": 3, "disputed": 1, "unclear": 2}
    assert (overall["reviews_done"], overall["reviews_total"]) == (6, 10)
    assert overall["agreement_percent"] == pytest.approx(100 * 4 / 6)
    # o: vv 2, vd 1, dv 1, uu 2 -> n = 6; n_v 3, n_d 1, n_u 2: 1 - 5 * 2 / (36 - 14)
    assert overall["alpha"] == pytest.approx(1 - 5 * 2 / 22)
    assert [a["title"] for a in figures["slowest"]] == ["Untouched"]
    assert [a["title"] for a in figures["most_disputed"]] == ["Labeled"]
    assert [s.text for s in figures["split_sentences"]] == ["Two."]
    reviewers = {r["reviewer"]: r for r in figures["reviewers"]}
    assert reviewers["bob"]["total"] == 3 and reviewers["bob"]["last_7_days"] == 3
    assert reviewers["bob"]["disputed_share"] == pytest.approx(100 / 3)
    assert reviewers["alice"]["agreement_percent"] == pytest.approx(100 * 2 / 3)
    assert figures["daily"][-1] == 6 and sum(figures["daily"]) == 6


def test_activity_counts_only_the_chosen_period(known, alice):
    Annotation.objects.filter(reviewer=alice).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    figures = dashboard(DashboardFilters(project="desk"))
    assert [r["reviewer"] for r in figures["reviewers"]] == ["bob"]
    assert figures["overall"]["annotations"] == 6  # state does not depend on the period


def test_dashboard_page_for_staff_in_constant_queries(client, staff, known,
                                                      django_assert_max_num_queries):
    client.force_login(staff)
    # session, user, overall, verdicts, articles to watch, split sentences, activity,
    # projects for the filter, and the admin's own context (apps list)
    with django_assert_max_num_queries(10):
        response = client.get("/admin/dashboard/", {"project": "desk"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="label-mix"' in html and "verified 3 (50.0%)" in html
    assert "60%</span> of the review target" in html


def test_dashboard_hangs_off_the_admin_site():
    """A staff page belongs to the admin's site, not to the reviewer pages module."""
    match = resolve("/admin/dashboard/")
    assert (match.namespace, match.url_name) == ("admin", "dashboard")
    assert match.func.__module__ == "annotations.admin_site"


def test_dashboard_is_refused_to_reviewers(client, alice):
    client.force_login(alice)
    response = client.get("/admin/dashboard/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_dashboard_rejects_a_backwards_period(client, staff):
    client.force_login(staff)
    response = client.get("/admin/dashboard/", {"since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 400
    assert b"The period must start before it ends." in response.content


@pytest.mark.parametrize("query, message", [
    ({"until": "9999-12-31"}, "“To” must be a day from 1900-01-01"),
    ({"since": "0001-01-01", "until": "0001-01-05"}, "“From” must be a day from 1900-01-01"),
    ({"until": "0001-01-03"}, "“To” must be a day from 1900-01-01"),
    ({"since": "9999-12-25", "until": "9999-12-31"}, "“From” must be a day from 1900-01-01"),
    # Alone, a start runs to today: never a period of centuries (a day per row, per reviewer).
    ({"since": "0001-01-01"}, "“From” must be a day from 1900-01-01"),
    ({"since": "1900-01-01"}, "Choose a period of at most a year."),
    ({"article": "99999999999999999999"}, "Article id: Ensure this value is less than"),
    ({"project": "p" * 101}, "Project: Ensure this value has at most 100 characters"),
    ({"since": "last week"}, "From: Enter a valid date."),
])
def test_dashboard_answers_filters_out_of_range_with_a_400_that_says_why(
    client, staff, query, message
):
    client.force_login(staff)
    response = client.get("/admin/dashboard/", query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="label-mix"' in response.content.decode()  # the figures without filters


def test_dashboard_takes_the_first_and_last_days_it_allows(client, staff, known):
    client.force_login(staff)
    last = date(timezone.localdate().year + 1, 12, 31)
    for since, until in ((date(1900, 1, 1), date(1900, 1, 31)), (last - timedelta(days=6), last)):
        response = client.get("/admin/dashboard/", {"since": since, "until": until})
        assert response.status_code == 200
        assert "No labels in this period." in response.content.decode()


def test_dashboard_figures_refuse_a_period_at_the_end_of_the_calendar():
    with pytest.raises(InvalidFilters, match="“To” must be a day from 1900-01-01"):
        dashboard(DashboardFilters(until=date.max))


def test_admin_index_links_to_the_dashboard_and_import(client, staff):
    client.force_login(staff)
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/dashboard/"' in html
    assert 'href="/admin/annotations/article/import/"' in html


class TestAdminImport:
    def test_pasted_text_becomes_an_article(self, client, staff):
        client.force_login(staff)
        response = client.post("/admin/annotations/article/import/", {
            "project": "default", "body": "Pasted claim one. Pasted claim two.",
            "title": "Pasted", "source": "Desk",
        })
        assert response.status_code == 302
        article = Article.objects.get()
        assert (article.title, article.source, article.sentences.count()) == ("Pasted", "Desk", 2)

    def test_uploaded_jsonl_imports_all(self, client, staff):
        client.force_login(staff)
        upload = SimpleUploadedFile("batch.jsonl", b'{"body": "A."}\n{"body": "B. C."}\n')
        response = client.post("/admin/annotations/article/import/",
                               {"project": "default", "file": upload}, follow=True)
        assert b"2 article(s) imported" in response.content
        assert Article.objects.count() == 2

    def test_a_bad_record_imports_nothing_and_says_where(self, client, staff):
        client.force_login(staff)
        upload = SimpleUploadedFile("batch.jsonl", b'{"body": "A."}\n{"body": ""}\n')
        response = client.post("/admin/annotations/article/import/",
                               {"project": "default", "file": upload})
        assert b"batch.jsonl line 2: body is missing or empty" in response.content
        assert not Article.objects.exists()

    def test_import_page_is_for_staff(self, client, alice):
        client.force_login(alice)
        assert client.get("/admin/annotations/article/import/").status_code == 302


def test_export_action_streams_the_selected_articles(client, staff, known):
    first, second = known
    client.force_login(staff)
    response = client.post("/admin/annotations/article/", {
        "action": "export_sentences", "_selected_action": [first.pk],
    })
    rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert {row["article_id"] for row in rows} == {first.pk}
    assert len(rows) == 3


def test_article_list_shows_progress_and_label_counts_and_filters(client, staff, known):
    first, second = known
    client.force_login(staff)
    html = client.get("/admin/annotations/article/").content.decode()
    assert "6 / 6 (target 2)" in html and "0 / 4 (target 2)" in html
    bob = make_user("carl")
    assert client.get("/admin/annotations/article/", {"label": "unclear"}).content.decode().count(
        "field-progress") == 1
    assert client.get("/admin/annotations/article/", {"reviewer": bob.pk}).status_code == 200


def test_changing_a_review_target_in_the_admin_recounts_progress(client, staff, known):
    first, _ = known
    project = first.project
    client.force_login(staff)
    response = client.post(f"/admin/annotations/project/{project.pk}/change/", {
        "name": project.name, "slug": project.slug, "description": "", "review_target": 3,
    })
    assert response.status_code == 302
    overall = dashboard(DashboardFilters(project="desk"))["overall"]
    assert (overall["reviews_done"], overall["reviews_total"]) == (6, 15)
