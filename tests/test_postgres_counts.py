"""Rebuilds of the derived counts while reviewers save, on PostgreSQL, with real connections:
a label saved during a rebuild is counted, against the review target that holds when it
commits."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from annotations import counts
from annotations.annotating import save_annotation
from annotations.counts import rebuild
from annotations.models import Article, ArticleTally
from tests.factories import make_article, make_project

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks"),
    pytest.mark.usefixtures("no_drift"),
]

PATIENCE = 20  # seconds; the waits below end in well under one


class Background(threading.Thread):
    """`work()` on its own database connection; `result()` is what it returned, or raises
    what it raised."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.value, self.error = work, None, None
        self.start()

    def run(self):
        try:
            self.value = self.work()
        except BaseException as error:  # re-raised in the test's thread
            self.error = error
        finally:
            connections.close_all()

    def result(self):
        self.join(PATIENCE)
        assert not self.is_alive(), "still running"
        if self.error:
            raise self.error
        return self.value


def held_open(work):
    """Run `work()` in a transaction in the background and keep it open (its row locks
    held, its writes uncommitted) until `.commit()` is called."""
    done, release = threading.Event(), threading.Event()

    def run():
        with transaction.atomic():
            value = work()
            done.set()
            assert release.wait(PATIENCE), "never released"
        return value

    thread = Background(run)
    assert done.wait(PATIENCE), thread.error
    thread.commit = lambda: (release.set(), thread.result())[1]
    return thread


def until_one_waits_for_a_lock():
    """Return once another connection waits on a lock in this database."""
    deadline = time.monotonic() + PATIENCE
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("nobody waited for a lock")


def change_review_target(staff, project, target):
    client = Client()
    client.force_login(staff)

    def post():
        return client.post(f"/admin/annotations/project/{project.pk}/change/", {
            "name": project.name, "slug": project.slug, "description": "",
            "review_target": target, "default_language": "en",
        }).status_code

    return post


def tally(article):
    t = ArticleTally.objects.get(article=article)
    return t.verified, t.disputed, t.unclear, t.reviews_done


def test_a_label_saved_while_an_admin_changes_the_review_target_is_kept(staff, alice, bob):
    project = make_project(review_target=2)
    article = make_article(project=project)
    sentence = article.sentences.first()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")

    labeling = held_open(lambda: save_annotation(sentence=sentence, reviewer=bob,
                                                 label="disputed"))
    admin = Background(change_review_target(staff, project, 1))
    until_one_waits_for_a_lock()  # the admin's rebuild, on bob's rows
    labeling.commit()

    assert admin.result() == 302
    assert tally(article) == (1, 1, 0, 1)


def test_a_label_saved_while_a_new_review_target_commits_counts_against_it(staff, alice, bob,
                                                                           judy):
    project = make_project(review_target=3)
    article = make_article(project=project)
    sentence = article.sentences.first()
    for reviewer in (alice, bob):
        save_annotation(sentence=sentence, reviewer=reviewer, label="verified")

    admin = held_open(change_review_target(staff, project, 2))
    labeling = Background(lambda: save_annotation(sentence=sentence, reviewer=judy,
                                                  label="verified"))
    until_one_waits_for_a_lock()  # judy's save, on the admin's rows
    assert admin.commit() == 302
    labeling.result()

    assert tally(article) == (3, 0, 0, 2)  # three labels, two of them needed


def test_a_label_saved_while_the_counts_are_rebuilt_is_kept(alice, bob):
    article = make_article()
    sentence = article.sentences.first()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")

    labeling = held_open(lambda: save_annotation(sentence=sentence, reviewer=bob,
                                                 label="disputed"))
    rebuilding = Background(rebuild)
    until_one_waits_for_a_lock()  # the rebuild, on bob's rows
    labeling.commit()
    rebuilding.result()

    sentence.refresh_from_db()
    assert (sentence.verified_count, sentence.disputed_count) == (1, 1)
    assert tally(article) == (1, 1, 0, 2)


def test_a_check_reads_one_snapshot_and_waits_for_no_save(alice, bob, monkeypatch):
    """Its queries see one state (a save committed between two of them would look like
    drift), and it takes no lock (a save held open does not hold it up)."""
    article = make_article()
    sentence = article.sentences.first()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    seen = []

    def transaction_settings(articles):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('transaction_isolation'), "
                           "current_setting('transaction_read_only')")
            seen.append(cursor.fetchone())
        return ()

    monkeypatch.setattr(counts, "DERIVED", (
        *counts.DERIVED, counts.Derived("settings", transaction_settings, None),
    ))
    labeling = held_open(lambda: save_annotation(sentence=sentence, reviewer=bob,
                                                 label="disputed"))
    started = time.monotonic()
    assert counts.check(Article.objects.all()) == []
    assert time.monotonic() - started < PATIENCE / 2
    labeling.commit()
    assert seen == [("repeatable read", "on")]
    assert counts.check(Article.objects.all()) == []
