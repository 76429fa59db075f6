"""The staff dashboard and the admin's import page and export action."""

import json
import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Case, Count, F, FloatField, Sum, Value, When
from django.db.models.functions import Cast, TruncDate
from django.db.models.lookups import GreaterThanOrEqual
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone
from django.utils.formats import date_format

from annotations import counts
from annotations.adjudicating import clear_verdict, set_verdict
from annotations.admin_site import day_titles
from annotations.agreement import LABELS, alpha, labels_on
from annotations.annotating import delete_annotation, save_annotation
from annotations.charts import bar_rects, bars
from annotations.dashboard import DashboardFilters, InvalidFilters, dashboard
from annotations.models import Annotation, Article, DailyRollup, Project
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
    counts.rebuild()  # the daily rollups, after a change behind the services' back
    figures = dashboard(DashboardFilters(project="desk"))
    assert [r["reviewer"] for r in figures["reviewers"]] == ["bob"]
    assert figures["overall"]["annotations"] == 6  # state does not depend on the period


def test_dashboard_page_for_staff_in_constant_queries(client, staff, known,
                                                      django_assert_num_queries):
    client.force_login(staff)
    # session, user, overall (verdicts included), articles furthest from the target, most
    # disputed articles, split sentences, the skips counted, the sentences skipped most,
    # activity, projects for the filter (the Models section comes apart: test_dashboard_models)
    with django_assert_num_queries(10):
        response = client.get("/admin/dashboard/", {"project": "desk"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="label-mix"' in html and "verified 3 (50.0%)" in html
    assert "60%</span> of the review target" in html


@pytest.mark.parametrize("query", [
    {}, {"since": "2000-01-01", "until": "2000-12-31"}, {"article": "first"},
    {"project": "desk", "article": "first"}, {"project": "default", "article": "first"},
])
def test_dashboard_activity_in_constant_queries_whatever_the_filter(
    client, staff, known, query, django_assert_max_num_queries
):
    """Activity is one query: over the projects' rollups, or one article's labels (and
    articles without disagreement need no query for their split sentences), and two for
    the skips. The Models section is fetched apart (test_dashboard_models.py)."""
    if "article" in query:
        query["article"] = known[0].pk
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        response = client.get("/admin/dashboard/", query)
    assert response.status_code == 200
    html = response.content.decode()
    labeled = query.get("project") != "default" and "since" not in query
    assert ("No labels in this period." not in html) == labeled
    assert ("<td>alice</td>" in html) == labeled


def test_all_projects_chosen_in_the_form_shows_the_activity_of_every_project(client, staff,
                                                                             known):
    """The form sends `project=` (empty) for "All projects", with the period it shows."""
    client.force_login(staff)
    today = timezone.localdate()
    response = client.get("/admin/dashboard/", {
        "project": "", "article": "", "since": str(today - timedelta(days=29)),
        "until": str(today),
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>alice</td>" in html and "6 in the period" in html


def test_the_verdicts_of_the_chosen_articles_are_counted(client, staff, known, judy):
    first, second = known
    elsewhere = make_article("Other. Words.", project=make_project("elsewhere"))
    for sentence in [*first.sentences.all()[:2], second.sentences.first(),
                     elsewhere.sentences.first()]:
        set_verdict(sentence=sentence, adjudicator=judy, label="verified")
    clear_verdict(sentence=first.sentences.first(), adjudicator=judy)
    assert dashboard(DashboardFilters(project="desk"))["overall"]["verdicts"] == 2
    assert dashboard(DashboardFilters(article=second.pk))["overall"]["verdicts"] == 1
    assert dashboard(DashboardFilters())["overall"]["verdicts"] == 3
    client.force_login(staff)
    html = client.get("/admin/dashboard/", {"project": "desk"}).content.decode()
    assert '<span class="big">2</span> verdicts' in html


def test_the_bars_are_rects_whose_titles_are_escaped():
    svg = bar_rects(bars([0, 3], ["<b>Mon</b>", "Tue"], width=10, height=6))
    assert svg == (
        '<rect x="0.50" y="6.00" width="4.00" height="0.00"><title>&lt;b&gt;Mon&lt;/b&gt;: 0'
        '</title></rect><rect x="5.50" y="0.00" width="4.00" height="6.00"><title>Tue: 3'
        "</title></rect>"
    )


# ---- the activity figures read from the daily rollups ----------------------------------------

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)  # two days after New York's clocks go forward


@pytest.fixture
def clock(monkeypatch):
    """`clock.now` is what `timezone.now()` answers (labels' created_at, and today)."""

    class Clock:
        now = NOW

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def activity_from_the_labels(articles, since, until, marginals):
    """The activity figures as the dashboard computed them before the rollups: the labels
    of `articles` in the period grouped by reviewer, label and day, with their sentences'
    counts, in one query."""
    n, m = labels_on("sentence__")
    pairable = GreaterThanOrEqual(m, 2)
    per_pair = Cast(Value(1.0), FloatField()) / Cast(m - 1, FloatField())
    zone = timezone.get_current_timezone()
    rows = (
        Annotation.objects.filter(
            sentence__article__in=articles,
            created_at__gte=datetime.combine(since, time.min, zone),
            created_at__lt=datetime.combine(until + timedelta(days=1), time.min, zone),
        )
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values("reviewer_id", "reviewer__username", "label", "day")
        .annotate(
            labels=Count("pk"),
            **{f"with_{k}": Sum(Cast(n[k], FloatField()) * per_pair, filter=pairable)
               for k in LABELS},
            with_self=Sum(per_pair, filter=pairable),
            agreeing=Sum(
                Case(*[When(label=c, then=n[c] - 1) for c in LABELS], default=Value(0)),
                filter=pairable,
            ),
            pairs=Sum(m - 1, filter=pairable),
        )
    )
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    week = until - timedelta(days=6)
    daily = dict.fromkeys(days, 0)
    reviewers = defaultdict(lambda: {
        "daily": dict.fromkeys(days, 0), "labels": dict.fromkeys(LABELS, 0),
        "last_7_days": 0, "o": defaultdict(float), "agreeing": 0, "pairs": 0,
    })
    for row in rows:
        who = reviewers[row["reviewer__username"]]
        c = row["label"]
        daily[row["day"]] += row["labels"]
        who["daily"][row["day"]] += row["labels"]
        who["labels"][c] += row["labels"]
        who["last_7_days"] += row["labels"] if row["day"] >= week else 0
        for k in LABELS:
            value = (row[f"with_{k}"] or 0) - ((row["with_self"] or 0) if k == c else 0)
            who["o"][c, k] += value / 2
            who["o"][k, c] += value / 2
        who["agreeing"] += row["agreeing"] or 0
        who["pairs"] += row["pairs"] or 0
    return {
        "days": days,
        "daily": [daily[day] for day in days],
        "reviewers": [
            {
                "reviewer": name,
                "total": (total := sum(who["labels"].values())),
                "last_7_days": who["last_7_days"],
                "daily": [who["daily"][day] for day in days],
                "labels": who["labels"],
                "disputed_share": 100 * who["labels"]["disputed"] / total,
                "unclear_share": 100 * who["labels"]["unclear"] / total,
                "alpha": alpha(who["o"], marginals),
                "agreement_percent": 100 * who["agreeing"] / who["pairs"] if who["pairs"] else None,
            }
            for name, who in sorted(reviewers.items())
        ],
    }


def rounded(value):
    """`value` with its floats rounded (sums in another order differ in the last bits)."""
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rounded(item) for item in value]
    return round(value, 9) if isinstance(value, float) else value


def assert_activity_from_the_labels(filters):
    """The dashboard's activity figures for `filters` are those summed from the labels."""
    figures = dashboard(filters)
    articles = Article.objects.all()
    if filters.project:
        articles = articles.filter(project__slug=filters.project)
    if filters.article:
        articles = articles.filter(pk=filters.article)
    expected = activity_from_the_labels(
        articles, figures["since"], figures["until"], figures["overall"]["marginals"]
    )
    shown = {key: figures[key] for key in expected}
    assert rounded(shown) == rounded(expected), filters
    return figures


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_activity_from_the_rollups_equals_the_labels_summed(clock, alice, bob, judy, staff,
                                                             zone):
    """Random label histories over six weeks (labels given, changed on later days, deleted,
    given again), in two projects: for any project, article and period, the figures read
    from the rollups equal those the dashboard summed from the labels before."""
    rng = random.Random(12)
    desk, other = make_project("desk"), make_project("other")
    articles = [
        make_article(" ".join(f"Claim {i} of article {a}." for i in range(4)), project=project)
        for a, project in enumerate((desk, desk, other))
    ]
    sentences = [s for article in articles for s in article.sentences.all()]
    with override_settings(TIME_ZONE=zone):
        moments = sorted(NOW - timedelta(minutes=rng.randrange(42 * 24 * 60)) for _ in range(300))
        for moment in moments:
            clock.now = moment
            sentence, reviewer = rng.choice(sentences), rng.choice([alice, bob, judy, staff])
            if rng.random() < 0.2:
                delete_annotation(sentence=sentence, reviewer=reviewer)
            else:
                label = rng.choice(["verified", "disputed", "unclear"])
                save_annotation(sentence=sentence, reviewer=reviewer, label=label)
        clock.now = NOW
        today = timezone.localdate()
        assert Annotation.objects.exclude(created_at=F("updated_at")).exists()  # changed
        assert len({timezone.localtime(t).date() for t in moments}) > 35
        periods = [
            {}, {"since": today - timedelta(days=42)},
            {"since": today - timedelta(days=20), "until": today - timedelta(days=9)},
            {"since": today - timedelta(days=2), "until": today - timedelta(days=2)},
        ]
        for period in periods:
            for where in ({}, {"project": "desk"}, {"project": "other"},
                          {"article": articles[1].pk},
                          {"project": "other", "article": articles[2].pk}):
                assert_activity_from_the_labels(DashboardFilters(**where, **period))
        assert counts.check(Article.objects.all()) == []
        assert counts.check(Project.objects.all()) == []
        figures = dashboard(DashboardFilters(since=today - timedelta(days=42)))
        assert sum(figures["daily"]) == Annotation.objects.count()
    # Days are TIME_ZONE's: when it changes, a rebuild moves the labels to their new days.
    assert (counts.check(Project.objects.all()) == []) == (zone == "UTC")
    counts.rebuild(Project.objects.all())


def test_the_rollups_are_a_row_per_project_day_and_reviewer(clock, known, alice, bob):
    """The dashboard reads a handful of rows for any number of labels."""
    first, second = known
    clock.now = NOW + timedelta(days=1)
    sentence = second.sentences.first()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    save_annotation(sentence=sentence, reviewer=bob, label="verified")
    save_annotation(sentence=sentence, reviewer=bob, label="unclear")  # changed: its day stays
    rows = DailyRollup.objects.order_by("day", "reviewer__username")
    today, tomorrow = date(2026, 3, 10), date(2026, 3, 11)
    assert [(row.day, row.reviewer.username, row.verified, row.disputed, row.unclear)
            for row in rows] == [
        (today, "alice", 2, 0, 1),
        (today, "bob", 1, 1, 1),
        (tomorrow, "alice", 1, 0, 0),
        (tomorrow, "bob", 0, 0, 1),
    ]
    # alice's label pairs with bob's unclear one (half to o_vu, half to o_uv), and no
    # longer with his verified one.
    row = rows.get(day=tomorrow, reviewer=alice)
    assert (row.o_vv, row.o_vu, row.agreeing, row.pairs) == (0, 0.5, 0, 1)


def test_moving_or_deleting_articles_in_the_admin_moves_their_labels_out_of_the_rollups(
    client, staff, known, alice, bob
):
    first, second = known
    elsewhere = make_project("elsewhere")
    for sentence in second.sentences.all():
        save_annotation(sentence=sentence, reviewer=alice, label="disputed")
    save_annotation(sentence=second.sentences.first(), reviewer=bob, label="disputed")
    client.force_login(staff)
    url = f"/admin/annotations/article/{first.pk}/change/"
    form = {"project": elsewhere.pk, "title": first.title, "source": "", "url": "",
            "language": first.language, "review_target": "", "sentences-TOTAL_FORMS": 0,
            "sentences-INITIAL_FORMS": 0, "sentences-MIN_NUM_FORMS": 0,
            "sentences-MAX_NUM_FORMS": 1000}
    assert client.post(url, form).status_code == 302
    for project in ("desk", "elsewhere", None):
        figures = assert_activity_from_the_labels(DashboardFilters(project=project))
    assert [r["total"] for r in figures["reviewers"]] == [5, 4]

    response = client.post("/admin/annotations/article/", {
        "action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes",
    })
    assert response.status_code == 302 and not Article.objects.exists()
    assert dashboard(DashboardFilters())["reviewers"] == []
    assert not DailyRollup.objects.exclude(verified=0, disputed=0, unclear=0).exists()


def test_the_bars_titles_are_the_days_as_the_date_filter_writes_them():
    days = [date(2027, 12, 25) + timedelta(days=i) for i in range(500)]  # a leap day too
    assert day_titles(days) == [date_format(day, "j M") for day in days]
    assert day_titles(days, weekday=True) == [date_format(day, "D j M") for day in days]
    assert day_titles([date(2028, 2, 29)], weekday=True) == ["Tue 29 Feb"]


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
        "default_language": "en",
    })
    assert response.status_code == 302
    overall = dashboard(DashboardFilters(project="desk"))["overall"]
    assert (overall["reviews_done"], overall["reviews_total"]) == (6, 15)
