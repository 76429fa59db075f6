"""`manage.py rebuild_counts [--check]`: every count derived from the annotations, rebuilt
from them or checked against them."""

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from annotations import counts
from annotations.annotating import delete_annotation, save_annotation
from annotations.models import Annotation, Article, ArticleTally, DailyRollup, Project
from annotations.tallies import refresh
from tests.factories import assert_no_drift, make_article, make_project

pytestmark = pytest.mark.django_db


def run(*args):
    """(exit status, what the command wrote)."""
    out = StringIO()
    try:
        call_command("rebuild_counts", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


@pytest.fixture
def desk(alice, bob):
    """Two articles labeled through the services: the first sentence of each by both."""
    project = make_project("desk", review_target=2)
    first = make_article("One. Two. Three.", project=project, title="First")
    second = make_article("Four. Five.", project=project, title="Second")
    for article in (first, second):
        sentence = article.sentences.first()
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
        save_annotation(sentence=sentence, reviewer=bob, label="disputed")
    return first, second


def today():
    return timezone.localdate()


def sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_no_drift_exits_zero(desk):
    assert run("--check") == (
        0, "No drift in 2 articles (sentence label counts, article tallies) and 2 projects "
        "(daily rollups).\n"
    )


def test_drift_written_in_sql_is_reported_per_article(desk, alice):
    first, second = desk
    label = Annotation.objects.get(sentence__article=first, reviewer=alice)
    sql("DELETE FROM annotations_annotation WHERE id = %s", label.pk)  # still counted
    sql("UPDATE annotations_articletally SET reviews_done = 7 WHERE article_id = %s", second.pk)

    status, output = run("--check")

    assert status == 1
    assert output.splitlines() == [
        f"Article {first.pk} ('First'):",
        "  sentence label counts: verified_count on 1 sentence: 1 stored, 0 from the "
        "annotations (+1)",
        "  article tallies: verified: 1 stored, 0 from the annotations (+1); reviews_done: 2 "
        "stored, 1 from the annotations (+1); pairable: 1 stored, 0 from the annotations (+1); "
        "pairs: 2 stored, 0 from the annotations (+2); o_vd: 1 stored, 0 from the annotations "
        "(+1)",
        f"Article {second.pk} ('Second'):",
        "  article tallies: reviews_done: 7 stored, 2 from the annotations (+5)",
        f"Project {first.project_id} ('desk'):",
        # alice's label is gone, and bob's no longer pairs with it.
        f"  daily rollups: verified ({today()}, alice): 2 stored, 1 from the annotations "
        f"(+1); pairs ({today()}, alice): 2 stored, 1 from the annotations (+1); o_vd "
        f"({today()}, alice): 1 stored, 0.5 from the annotations (+0.5); pairs ({today()}, "
        f"bob): 2 stored, 1 from the annotations (+1); o_vd ({today()}, bob): 1 stored, 0.5 "
        "from the annotations (+0.5)",
        "Drift in 2 of 2 articles and 1 of 2 projects; `manage.py rebuild_counts` rebuilds "
        "their counts.",
    ]
    assert run("--check")[0] == 1  # the check changed nothing


def test_a_rebuild_repairs_drift_written_in_sql(desk, alice):
    first, second = desk
    sql("UPDATE annotations_sentence SET unclear_count = 4 WHERE article_id = %s", first.pk)
    sql("DELETE FROM annotations_articletally WHERE article_id = %s", second.pk)
    sql("INSERT INTO annotations_annotation (sentence_id, reviewer_id, label, note, evidence, "
        "created_at, updated_at, version, first_label, changed_after_reveal) VALUES "
        "(%s, %s, 'unclear', '', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 'unclear', "
        "false)", second.sentences.last().pk, alice.pk)  # not counted
    status, output = run("--check")
    assert status == 1 and "Drift in 2 of 2 articles" in output
    assert (
        f"Article {second.pk} ('Second'):\n"
        "  sentence label counts: unclear_count on 1 sentence: 0 stored, 1 from the "
        "annotations (-1)\n"
        "  article tallies: none stored\n"
    ) in output

    status, output = run()

    assert status == 0
    assert output.endswith(
        "Rebuilt the sentence label counts, article tallies of 2 articles; 2 had drifted. "
        "Rebuilt the daily rollups of 2 projects; 1 had drifted.\n"
    )
    assert f"Article {first.pk} ('First'):\n  sentence label counts: unclear_count on 3 " \
        "sentences: 12 stored, 0 from the annotations (+12)" in output
    assert run("--check")[0] == 0
    tally = ArticleTally.objects.get(article=second)
    assert (tally.sentences, tally.verified, tally.disputed, tally.unclear,
            tally.reviews_done) == (2, 1, 1, 1, 3)
    assert not first.sentences.filter(unclear_count__gt=0).exists()


def test_every_article_is_checked_whatever_the_batch(desk):
    _, second = desk
    third = make_article("Six. Seven.", title="Third")
    sql("UPDATE annotations_articletally SET sentences = 9 WHERE article_id = %s", third.pk)
    status, output = run("--check", "--batch-size", "1")
    assert status == 1
    assert f"Article {third.pk} ('Third')" in output and "Drift in 1 of 3 articles" in output
    assert run("--check", "--batch-size", "0") == (1, "--batch-size must be at least 1")


def test_rollup_drift_written_in_sql_is_reported_per_project_and_rebuilt(desk, alice, bob):
    """Rows changed by hand, and a label moved to another day behind the services' back."""
    first, second = desk
    project = first.project
    rows = DailyRollup.objects.filter(project=project)
    sql("UPDATE annotations_dailyrollup SET agreeing = 5 WHERE reviewer_id = %s", bob.pk)
    moved = Annotation.objects.get(sentence__article=second, reviewer=alice)  # to another day
    sql("UPDATE annotations_annotation SET created_at = %s WHERE id = %s",
        moved.created_at - timedelta(days=3), moved.pk)
    before = today() - timedelta(days=3)

    status, output = run("--check")

    assert status == 1
    assert output.splitlines() == [
        f"Project {project.pk} ('desk'):",
        f"  daily rollups: verified ({before}, alice): none stored, 1 from the annotations; "
        f"pairs ({before}, alice): none stored, 1 from the annotations; o_vd ({before}, "
        f"alice): none stored, 0.5 from the annotations; verified ({today()}, alice): 2 "
        f"stored, 1 from the annotations (+1); pairs ({today()}, alice): 2 stored, 1 from the "
        f"annotations (+1); o_vd ({today()}, alice): 1 stored, 0.5 from the annotations "
        f"(+0.5); agreeing ({today()}, bob): 5 stored, 0 from the annotations (+5)",
        "Drift in 0 of 2 articles and 1 of 2 projects; `manage.py rebuild_counts` rebuilds "
        "their counts.",
    ]
    assert run()[0] == 0
    assert run("--check")[0] == 0
    assert sorted(rows.values_list("day", "reviewer__username", "verified", "disputed",
                                   "agreeing", "pairs", "o_vd")) == [
        (before, "alice", 1, 0, 0, 1, 0.5),
        (today(), "alice", 1, 0, 0, 1, 0.5),
        (today(), "bob", 0, 2, 0, 2, 1.0),
    ]


def test_the_check_agrees_with_the_running_sums_and_the_rebuild(alice, bob, judy):
    """The check sums each sentence's terms in Python; the services move the tallies step
    by step and `refresh` sums in SQL: all three agree after any mix of changes."""
    rng = random.Random(11)
    articles = [
        make_article(" ".join(f"Claim {i} of {n}." for i in range(5)),
                     project=make_project(review_target=target))
        for n, target in enumerate((1, 2, 3))
    ]
    Article.objects.filter(pk=articles[0].pk).update(review_target=2)
    sentences = [s for article in articles for s in article.sentences.all()]
    for _ in range(200):
        sentence, reviewer = rng.choice(sentences), rng.choice([alice, bob, judy])
        if rng.random() < 0.25:
            delete_annotation(sentence=sentence, reviewer=reviewer)
        else:
            label = rng.choice(["verified", "disputed", "unclear"])
            save_annotation(sentence=sentence, reviewer=reviewer, label=label)
    refresh(Article.objects.filter(pk=articles[0].pk))  # its target changed behind its back

    for batch in (Article.objects.all(), Project.objects.all()):
        assert counts.check(batch) == []
    refresh()
    counts.rebuild(Project.objects.all())
    for batch in (Article.objects.all(), Project.objects.all()):
        assert counts.check(batch) == []


def test_the_tests_drift_check_fails_on_drift(desk):
    """`assert_no_drift` (which the concurrency and admin tests end with) can fail."""
    first, _ = desk
    assert_no_drift()
    sql("UPDATE annotations_articletally SET disputed = 0 WHERE article_id = %s", first.pk)
    with pytest.raises(AssertionError, match=r"disputed: 0 stored, 1 from the annotations"):
        assert_no_drift()


def test_verdicts_written_in_sql_are_drift_in_the_tally_and_rebuilt(desk, judy):
    first, _ = desk
    sql("INSERT INTO annotations_verdict (sentence_id, label, rationale, decided_by_id, "
        "decided_at) VALUES (%s, 'disputed', '', %s, CURRENT_TIMESTAMP)",
        first.sentences.first().pk, judy.pk)  # not counted
    status, output = run("--check")
    assert status == 1
    assert (f"Article {first.pk} ('First'):\n  article tallies: verdicts: 0 stored, 1 from the "
            "annotations (-1)\n") in output
    assert run()[0] == 0
    assert ArticleTally.objects.get(article=first).verdicts == 1
    assert_no_drift()
