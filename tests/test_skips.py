"""Skipping a sentence: not a label, never offered again by the queue, undoable, counted
apart in progress, stats and the dashboard, exported on its own."""

import csv
import io
import json

import pytest
from django.db import connection

from annotations.annotating import save_annotation
from annotations.exporting import ExportFilters, stream_export
from annotations.models import Annotation, Hold, Skip
from annotations.queue import next_sentence
from tests.factories import api, make_article, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article("One claim here. A second claim. A third one.")


def url(sentence):
    return f"/api/sentences/{sentence.pk}/skip/"


def first(article):
    return article.sentences.get(position=0)


def test_put_skips_with_a_reason_and_again_changes_it(alice, article):
    sentence = first(article)
    created = api(alice).put(url(sentence), {"reason": "opinion"}, format="json")
    assert created.status_code == 201
    assert created.json()["reason"] == "opinion"
    assert created.json()["reason_text"] == "opinion"

    changed = api(alice).put(url(sentence), {"reason": "not a factual claim"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["reason"] == "not_a_claim"
    assert list(Skip.objects.values_list("reason", flat=True)) == ["not_a_claim"]


def test_a_reason_is_optional(alice, article):
    for body in ({}, {"reason": ""}, {"reason": None}):
        Skip.objects.all().delete()
        response = api(alice).put(url(first(article)), body, format="json")
        assert response.status_code == 201, body
        assert response.json()["reason"] == ""


@pytest.mark.parametrize("body", [
    {"reason": "boring"}, {"reason": 3}, {"reason": "x" * 41}, {"why": "opinion"},
])
def test_a_reason_outside_the_list_is_a_400_and_stores_nothing(alice, article, body):
    response = api(alice).put(url(first(article)), body, format="json")
    assert response.status_code == 400
    assert Skip.objects.count() == 0


def test_delete_undoes_a_skip_and_a_second_delete_is_a_404(alice, article):
    sentence = first(article)
    api(alice).put(url(sentence), {}, format="json")
    assert api(alice).delete(url(sentence)).status_code == 204
    assert Skip.objects.count() == 0
    assert api(alice).delete(url(sentence)).status_code == 404


def test_skipping_a_labeled_sentence_is_a_409_and_keeps_the_label(alice, article):
    sentence = first(article)
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    response = api(alice).put(url(sentence), {"reason": "opinion"}, format="json")
    assert response.status_code == 409
    assert "remove your label" in response.json()["detail"]
    assert Skip.objects.count() == 0
    assert Annotation.objects.get().label == "verified"


def test_labeling_a_skipped_sentence_removes_the_skip(alice, article):
    sentence = first(article)
    api(alice).put(url(sentence), {"reason": "opinion"}, format="json")
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/", {"label": "disputed"}, format="json"
    )
    assert response.status_code == 201
    assert Skip.objects.count() == 0


def test_a_refused_label_keeps_the_skip(alice, article):
    sentence = first(article)
    api(alice).put(url(sentence), {}, format="json")
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/", {"label": "disputed", "version": 4},
        format="json",
    )
    assert response.status_code == 409
    assert Skip.objects.count() == 1


def test_skips_are_the_reviewers_own(alice, bob, article):
    sentence = first(article)
    api(alice).put(url(sentence), {"reason": "opinion"}, format="json")
    assert api(bob).delete(url(sentence)).status_code == 404
    api(bob).put(url(sentence), {}, format="json")
    assert sorted(Skip.objects.values_list("reviewer__username", flat=True)) == ["alice", "bob"]


def test_a_sentence_of_a_closed_project_is_a_404(alice, bob):
    closed = make_article("A members-only claim.", project=make_project(members=[bob]))
    sentence = first(closed)
    assert api(alice).put(url(sentence), {}, format="json").status_code == 404
    assert api(alice).delete(url(sentence)).status_code == 404
    assert api(bob).put(url(sentence), {}, format="json").status_code == 201


def test_a_skip_is_not_a_label(alice, bob, article):
    """Neither progress, nor the counts, nor the review target: the skip is not a label."""
    api(alice).put(url(first(article)), {}, format="json")
    sentence = first(article)
    sentence.refresh_from_db()
    assert (sentence.verified_count, sentence.disputed_count, sentence.unclear_count) == (0, 0, 0)
    listed = api(alice).get("/api/articles/").json()["results"][0]
    assert (listed["labeled_by_me"], listed["skipped_by_me"], listed["reviews_done"]) == (0, 1, 0)


def test_the_queue_never_offers_a_skipped_sentence_again(alice, article):
    skipped = first(article)
    api(alice).put(url(skipped), {}, format="json")
    offered = []
    while (sentence := next_sentence(alice)) is not None:
        offered.append(sentence.position)
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
    assert offered == [1, 2]


def test_a_skip_frees_the_reviewers_hold_for_others(alice, bob):
    article = make_article("Only one claim here.", project=make_project(review_target=1))
    sentence = next_sentence(alice)
    assert Hold.objects.filter(reviewer=alice).exists()
    assert next_sentence(bob) is None  # alice holds the only place
    api(alice).put(url(sentence), {}, format="json")
    assert next_sentence(bob).article_id == article.pk


def test_the_landing_page_counts_skips_as_done_for_the_reviewer(client, alice):
    article = make_article("Only one claim here.")
    client.force_login(alice)
    assert b'id="continue"' in client.get("/").content
    api(alice).put(url(first(article)), {}, format="json")
    page = client.get("/").content.decode()
    assert 'id="continue"' not in page
    assert "1 skipped" in page


def test_stats_count_skips_by_reason_and_reviewer(staff, alice, bob, article):
    api(alice).put(url(first(article)), {"reason": "opinion"}, format="json")
    api(bob).put(url(first(article)), {}, format="json")
    save_annotation(sentence=article.sentences.get(position=1), reviewer=alice, label="verified")
    save_annotation(sentence=article.sentences.get(position=1), reviewer=bob, label="verified")
    stats = api(staff).get("/api/stats/").json()
    assert stats["totals"]["skips"] == 2
    assert stats["totals"]["annotations"] == 2
    assert stats["skips"]["by_reason"] == {
        "not_a_claim": 0, "opinion": 1, "needs_expertise": 0, "other": 0, "none": 1,
    }
    assert {r["reviewer"]: r["skips"] for r in stats["per_reviewer"]} == {"alice": 1, "bob": 1}


def test_the_dashboard_lists_the_sentences_skipped_by_most(client, staff, alice, bob, article):
    api(alice).put(url(article.sentences.get(position=2)), {"reason": "opinion"}, format="json")
    api(bob).put(url(article.sentences.get(position=2)), {"reason": "opinion"}, format="json")
    api(bob).put(url(first(article)), {}, format="json")
    client.force_login(staff)
    page = client.get("/admin/dashboard/").content.decode()
    skipped = page[page.index('id="skipped"'):]
    assert skipped.index("A third one.") < skipped.index("One claim here.")
    assert "opinion 2" in skipped
    assert "no reason given" in skipped
    assert '<span class="big">3</span> skips' in page


# ---- the export --------------------------------------------------------------------------


@pytest.fixture
def skips(alice, bob, article):
    api(alice).put(url(first(article)), {"reason": "needs expertise"}, format="json")
    api(bob).put(url(article.sentences.get(position=2)), {}, format="json")
    return list(Skip.objects.order_by("pk"))


def test_the_skip_export_holds_every_skip(staff, skips):
    response = api(staff).get("/api/export/skips/")
    assert response.status_code == 200
    rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [(r["skip_id"], r["reviewer"], r["reason"], r["position"]) for r in rows] == [
        (skips[0].pk, "alice", "needs_expertise", 0), (skips[1].pk, "bob", "", 2),
    ]
    assert rows[0]["text"] == "One claim here."
    assert rows[0]["created_at"].endswith("+00:00")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_skip_export_speaks_every_format(staff, skips, fmt):
    body = b"".join(api(staff).get(f"/api/export/skips/?format={fmt}").streaming_content)
    text = body.decode()
    rows = list(csv.DictReader(io.StringIO(text))) if fmt == "csv" else json.loads(text)
    assert [r["reviewer"] for r in rows] == ["alice", "bob"]


def test_the_skip_export_takes_the_filters(staff, skips, article):
    def reviewers(query):
        response = api(staff).get(f"/api/export/skips/?{query}")
        assert response.status_code == 200, response.content
        return [json.loads(line)["reviewer"]
                for line in b"".join(response.streaming_content).splitlines()]

    assert reviewers("reviewer=bob") == ["bob"]
    assert reviewers(f"article={article.pk}&project=default") == ["alice", "bob"]
    assert reviewers("updated_since=2999-01-01T00:00:00Z") == []
    assert reviewers("anonymize=true") != ["alice", "bob"]


def test_the_skip_export_refuses_a_label_filter(staff, skips):
    response = api(staff).get("/api/export/skips/?label=verified")
    assert response.status_code == 400
    assert "label" in response.json()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_and_python_paths_write_the_same_skip_rows(skips):
    from annotations.exporting import _python_chunks, export_query, gather

    values, columns = export_query("skips", ExportFilters())
    python = b"".join(gather(_python_chunks(values, columns, "jsonl"), "jsonl"))
    assert b"".join(stream_export("skips", "jsonl", ExportFilters())) == python
