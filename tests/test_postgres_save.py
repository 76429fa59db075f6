"""The save in one statement on PostgreSQL (`factcheck_save_annotation`) against the portable
one it mirrors: the same scenarios through both leave the same rows, the same history and
the same derived counts; and it refuses what the portable path refuses."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from annotations import annotating
from annotations.annotating import (
    InvalidAnnotation,
    SentenceNotFound,
    StaleVersion,
    claim_outside,
    clean_annotation,
    delete_annotation,
    save_label,
)
from annotations.models import Annotation, ArticleTally, DailyRollup, Label, Sentence
from tests.factories import api, assert_no_drift, make_article, make_project, make_user
from tests.test_postgres_faults import in_threads

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL function"),
]

# 23:30 in New York on 9 March is 03:30 UTC on the 10th: the day a label counts on depends
# on TIME_ZONE, which the function must read as the Python path does.
START = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


def portable(sentence, reviewer, version=None, **fields):
    values = clean_annotation(**{"note": "", "evidence": (), **fields})
    return annotating._save_portable(sentence, reviewer, values, version)


def in_postgres(sentence, reviewer, version=None, **fields):
    values = clean_annotation(**{"note": "", "evidence": (), **fields})
    saved = annotating._save_in_postgres(sentence.pk, reviewer, values, version, check=False)
    return saved.annotation, saved.created


@pytest.fixture
def clock(monkeypatch, settings):
    settings.TIME_ZONE = "America/New_York"

    class Clock:
        now = START

        @classmethod
        def tick(cls, **delta):
            cls.now += timedelta(**delta)

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def scenario(save, clock, people):
    """Labels, relabels, deletions and refusals over three projects (blind, counts shown,
    a review target overridden by an article) and across a local midnight. Returns what
    each step answered."""
    alice, bob, judy = people
    tag = save.__name__
    blind = make_project(f"blind-{tag}", review_target=2)
    shown = make_project(f"shown-{tag}", review_target=3, show_counts_after_labeling=True)
    wide = make_project(f"wide-{tag}", review_target=1)
    body = "One claim is here. A second claim follows. A third one closes it."
    articles = [make_article(f"{tag} {body}", project=p) for p in (blind, shown)]
    articles.append(make_article(f"{tag} {body}", project=wide))
    articles[2].review_target = 4  # overrides the project's; no label to count yet
    articles[2].save(update_fields=["review_target"])
    answers = []

    def step(article, position, reviewer, claim=None, **fields):
        sentence = articles[article].sentences.get(position=position)
        if claim:  # offsets in the sentence, made the body's
            fields.update(claim_start=sentence.start + claim[0],
                          claim_end=sentence.start + claim[1])
        clock.tick(minutes=17)
        try:
            annotation, created = save(sentence, reviewer, **fields)
        except StaleVersion as error:
            answers.append(("stale", error.current and error.current.version))
            return
        except InvalidAnnotation as error:  # the message names the sentence's own offsets
            answers.append(("invalid", str(error) == claim_outside(sentence.start, sentence.end)))
            return
        answers.append((created, annotation.label, annotation.version, annotation.first_label,
                        annotation.changed_after_reveal, annotation.created_at,
                        annotation.updated_at, annotation.note, annotation.evidence,
                        annotation.claim_start, annotation.claim_end))

    for article in range(3):
        step(article, 0, alice, label="verified", note="first look", claim=(0, 9))
        step(article, 0, bob, label="disputed", evidence=["https://example.org/a"])
        step(article, 0, alice, label="disputed", version=1, claim=(4, 9))  # a relabel
        step(article, 0, judy, label="unclear", claim=(0, 200))  # past the sentence's end
        step(article, 0, judy, label="unclear")  # an adjudicator, who sees every label
        step(article, 0, alice, label="disputed", note="same label", version=2)  # span gone
        step(article, 0, bob, label="disputed", version=1, claim=(-30, 3))  # before it
        step(article, 0, alice, label="verified", version=1)  # stale
        step(article, 0, bob, label="verified", version=0)  # stale: bob has one
        step(article, 1, bob, label="unclear", version=3)  # stale: there is none
        step(article, 1, bob, label="unclear")
        step(article, 1, alice, label="unclear")
        clock.tick(hours=5)  # past midnight in New York
        step(article, 1, judy, label="verified")
        sentence = articles[article].sentences.get(position=1)
        delete_annotation(sentence=sentence, reviewer=bob)
        step(article, 1, bob, label="verified")  # first_label from the deleted one
        step(article, 1, alice, label="disputed", version=None)
        step(article, 2, judy, label="disputed")
        step(article, 2, judy, label="verified")
        step(article, 2, alice, label="verified")
        step(article, 2, bob, label="unclear")
    # The running sums telescope: only what the labels end as shows a wrong term, so they
    # end in every mix of labels (d d u, v v d, v v u).
    return answers, articles


def state(articles):
    """Every row the scenario wrote, by what identifies it apart from ids."""
    people = {}
    sentences = {s.pk: (i, s.position) for i, article in enumerate(articles)
                 for s in article.sentences.all()}

    def who(user_id):
        if user_id not in people:
            people[user_id] = Annotation.reviewer.field.related_model.objects.get(
                pk=user_id).username
        return people[user_id]

    fields = ["label", "note", "evidence", "version", "created_at", "updated_at",
              "first_label", "changed_after_reveal", "claim_start", "claim_end"]
    annotations = {
        (sentences[a["sentence_id"]], who(a["reviewer_id"])): [a[f] for f in fields]
        for a in Annotation.objects.filter(sentence_id__in=sentences).values(
            "sentence_id", "reviewer_id", *fields)
    }
    history = [
        [sentences[h["sentence_id"]], who(h["reviewer_id"]), who(h["history_user_id"])
         if h["history_user_id"] else None, *[h[f] for f in fields + [
             "history_date", "history_type", "history_change_reason"]]]
        for h in Annotation.history.filter(sentence_id__in=sentences)
        .order_by("history_id").values(
            "sentence_id", "reviewer_id", "history_user_id", *fields, "history_date",
            "history_type", "history_change_reason")
    ]
    counts = {
        sentences[s["pk"]]: [s[f"{label}_count"] for label in Label.values]
        for s in Sentence.objects.filter(pk__in=sentences).values(
            "pk", *[f"{label}_count" for label in Label.values])
    }
    tallies = [
        {k: v for k, v in t.items() if k != "article_id"}
        for t in ArticleTally.objects.filter(article__in=articles)
        .order_by("article_id").values()
    ]
    projects = [article.project_id for article in articles]
    rollups = {
        (projects.index(r["project_id"]), r["day"], who(r["reviewer_id"])):
            {k: v for k, v in r.items() if k not in ("id", "project_id", "day", "reviewer_id")}
        for r in DailyRollup.objects.filter(project_id__in=projects).values()
    }
    return {"annotations": annotations, "history": history, "counts": counts,
            "tallies": tallies, "rollups": rollups}


@pytest.mark.django_db
def test_the_function_leaves_the_rows_the_portable_path_leaves(clock, settings):
    people = (make_user("alice", role="reviewer"), make_user("bob", role="reviewer"),
              make_user("judy", role="adjudicator"))
    expected_answers, expected_articles = scenario(portable, clock, people)
    clock.now = START
    answers, articles = scenario(in_postgres, clock, people)

    assert answers == expected_answers
    expected, found = state(expected_articles), state(articles)
    for part in expected:
        assert found[part] == expected[part], part  # equal to the last bit, floats too
    # The scenario reached every branch: history kept through a deletion, a change after
    # the reveal, and a day in New York that is not the day in UTC.
    assert len(found["history"]) == 3 * (14 + 1)
    assert found["annotations"][(0, 1), "bob"][0:7:6] == ["verified", "unclear"]
    assert [a for a in answers if a[0] == "invalid"] == [("invalid", True)] * 6
    assert [h[12] for h in found["history"] if h[12] is not None]  # spans were written
    assert [a[7] for a in found["annotations"].values()].count(True) == 6
    assert {day for _, day, _ in found["rollups"]} >= {
        datetime(2026, 3, 9).date(), datetime(2026, 3, 10).date()
    }
    assert_no_drift()


@pytest.mark.django_db
def test_the_history_names_who_made_the_change_through_the_api(alice):
    sentence = make_article().sentences.first()
    assert api(alice).put(f"/api/sentences/{sentence.pk}/annotation/",
                          {"label": "verified"}, format="json").status_code == 201
    assert Annotation.history.get().history_user == alice


@pytest.mark.django_db
def test_a_sentence_of_a_project_closed_to_the_reviewer_is_not_found(alice, bob, judy):
    closed = make_project(members=[bob])
    sentence = make_article(project=closed).sentences.first()
    with pytest.raises(SentenceNotFound):
        save_label(sentence_id=sentence.pk, reviewer=alice, label="verified")
    with pytest.raises(SentenceNotFound):
        save_label(sentence_id=10**15, reviewer=bob, label="verified")
    assert save_label(sentence_id=sentence.pk, reviewer=bob, label="verified").created
    assert save_label(sentence_id=sentence.pk, reviewer=judy, label="verified").created
    assert Annotation.objects.count() == 2


@pytest.mark.django_db
def test_a_refusal_inside_a_transaction_leaves_it_usable(alice):
    from django.db import transaction

    sentence = make_article().sentences.first()
    with transaction.atomic():
        save_label(sentence_id=sentence.pk, reviewer=alice, label="verified")
        with pytest.raises(StaleVersion) as refused:
            save_label(sentence_id=sentence.pk, reviewer=alice, label="unclear", version=7)
        assert refused.value.current.version == 1
        assert Annotation.objects.get().label == "verified"  # the transaction goes on


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_drift")
def test_fifty_simultaneous_first_labels_through_the_api_make_one_row():
    reviewer = make_user("rita", role="reviewer")
    sentence = make_article().sentences.first()
    url = f"/api/sentences/{sentence.pk}/annotation/"

    statuses = in_threads(50, lambda i: api(reviewer).put(
        url, {"label": Label.values[i % 3], "version": None, "claim_start": sentence.start,
              "claim_end": sentence.start + 1 + i % 5}, format="json").status_code)

    assert sorted(set(statuses)) == [200, 201] and statuses.count(201) == 1
    annotation = Annotation.objects.get()
    assert annotation.version == 50 == Annotation.history.filter(id=annotation.pk).count()
    spans = Annotation.history.values_list("claim_start", "claim_end")
    assert {start for start, _ in spans} == {sentence.start}
    assert {end - sentence.start for _, end in spans} == {1, 2, 3, 4, 5}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_drift")
def test_simultaneous_stale_writes_through_the_api_let_one_through():
    reviewer = make_user("rita", role="reviewer")
    sentence = make_article().sentences.first()
    url = f"/api/sentences/{sentence.pk}/annotation/"
    assert api(reviewer).put(url, {"label": "verified"}, format="json").status_code == 201
    connections.close_all()

    answers = in_threads(20, lambda i: api(reviewer).put(
        url, {"label": "disputed", "note": f"tab {i}", "version": 1}, format="json"))

    assert sorted(a.status_code for a in answers) == [200] + [409] * 19
    assert all(a.json()["current"]["version"] == 2 for a in answers if a.status_code == 409)
    assert Annotation.objects.get().version == 2
