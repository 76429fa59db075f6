"""Concurrency and faults, on PostgreSQL: no lost or doubled label, no silent overwrite,
consistent exports, and a dropped connection that heals."""

import json
import threading
import time
from collections import Counter

import psycopg
import pytest
from django.db import close_old_connections, connection, connections

from annotations.annotating import StaleVersion, save_annotation
from annotations.counts import rebuild
from annotations.exporting import ExportFilters, stream_export
from annotations.models import Annotation
from tests.factories import api, make_article, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's behaviour"),
    pytest.mark.usefixtures("no_drift"),
]


def in_threads(count, work):
    """Run work(i) in `count` threads at once; return what each returned or raised."""
    results = [None] * count
    start = threading.Barrier(count)

    def run(i):
        try:
            start.wait()
            results[i] = work(i)
        except Exception as error:  # the caller looks at what each thread got
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_simultaneous_upserts_make_one_row_and_a_full_history():
    reviewer = make_user("rita", role="reviewer")
    sentence = make_article().sentences.first()
    labels = ["verified", "disputed", "unclear"]

    results = in_threads(
        50, lambda i: save_annotation(sentence=sentence, reviewer=reviewer, label=labels[i % 3])
    )

    assert not [r for r in results if isinstance(r, Exception)]
    annotation = Annotation.objects.get()
    assert annotation.version == 50
    assert Annotation.history.filter(id=annotation.pk).count() == 50
    sentence.refresh_from_db()
    assert sentence.verified_count + sentence.disputed_count + sentence.unclear_count == 1


def test_simultaneous_stale_writes_let_exactly_one_through():
    reviewer = make_user("rita", role="reviewer")
    sentence = make_article().sentences.first()
    save_annotation(sentence=sentence, reviewer=reviewer, label="verified")

    results = in_threads(
        20,
        lambda i: save_annotation(sentence=sentence, reviewer=reviewer, label="disputed",
                                  note=f"tab {i}", version=1),
    )

    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, StaleVersion) for r in results if isinstance(r, Exception))
    assert Annotation.objects.get().version == 2


def test_concurrent_first_labels_from_many_reviewers_keep_the_counts_right():
    reviewers = [make_user(f"r{i}", role="reviewer") for i in range(30)]
    sentence = make_article().sentences.first()
    in_threads(30, lambda i: save_annotation(sentence=sentence, reviewer=reviewers[i],
                                             label="unclear"))
    sentence.refresh_from_db()
    assert sentence.unclear_count == Annotation.objects.count() == 30
    assert sentence.article.tally.unclear == 30


def many_sentences(count):
    """`count` sentences, in articles of 250 (one long paragraph splits in super-linear time)."""
    return [
        sentence
        for a in range(count // 250)
        for sentence in make_article(
            " ".join(f"Article {a} makes claim {i}." for i in range(250))
        ).sentences.order_by("position")
    ]


def test_an_export_is_a_snapshot_while_labels_are_written():
    reviewers = [make_user(f"r{i}", role="reviewer") for i in range(3)]
    sentences = many_sentences(1500)
    Annotation.objects.bulk_create(
        Annotation(sentence=sentence, reviewer=reviewer, label="verified")
        for sentence in sentences[:1000] for reviewer in reviewers
    )
    rebuild()  # the rows above went around the services, for speed
    at_start = {a.pk: ("verified", 1) for a in Annotation.objects.all()}
    chunks = stream_export("annotations", "jsonl", ExportFilters())
    first = next(chunks)  # the query is running: its snapshot is taken
    assert first.count(b"\n") < 1500  # what follows is still to be read

    def write_more(i):
        # New labels after the exported ones, and changes to labels not read yet.
        for sentence in sentences[1000 + i * 100 : 1100 + i * 100]:
            save_annotation(sentence=sentence, reviewer=reviewers[0], label="disputed")
        for sentence in sentences[700 + i * 100 : 800 + i * 100]:
            save_annotation(sentence=sentence, reviewer=reviewers[1], label="unclear")

    assert not [error for error in in_threads(3, write_more) if isinstance(error, Exception)]
    rows = [json.loads(line) for line in (first + b"".join(chunks)).splitlines()]
    assert {row["annotation_id"]: (row["label"], row["version"]) for row in rows} == at_start
    assert len(rows) == len(at_start) == 3000
    labels = Counter(Annotation.objects.values_list("label", flat=True))
    assert labels == {"verified": 2700, "unclear": 300, "disputed": 300}  # the writes happened


def copies_running():
    """COPY statements running on the test database, seen from a connection of their own
    (a query about itself would only ever see itself)."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as watcher:
        return watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND query LIKE 'COPY%%'"
        ).fetchone()[0]


def test_an_abandoned_export_frees_its_connection():
    reviewers = [make_user(f"r{i}", role="reviewer") for i in range(3)]
    Annotation.objects.bulk_create(
        # 30 MB of notes: more than the socket buffers hold, so COPY waits for the reader.
        Annotation(sentence=sentence, reviewer=reviewer, label="unclear", note="n" * 10_000)
        for sentence in many_sentences(1000) for reviewer in reviewers
    )
    rebuild()  # the rows above went around the services, for speed
    chunks = stream_export("annotations", "jsonl", ExportFilters())
    next(chunks)
    assert copies_running() == 1
    chunks.close()  # what Django does when the client goes away
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the connection still works
        assert cursor.fetchone() == (1,)
    assert copies_running() == 0


def terminate(pid):
    """End the backend `pid` from another connection, as a database restart would."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        # The signal is sent at once; the backend is gone a moment later.
        for _ in range(100):
            gone = other.execute(
                "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()[0]
            if gone:
                return
            time.sleep(0.05)


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it():
    pid = backend_pid()
    terminate(pid)
    close_old_connections()  # what each request starts with
    assert backend_pid() != pid  # no error: a new connection


def test_a_kept_connection_is_used_without_asking_the_server_first(monkeypatch):
    pid = backend_pid()
    asked = []
    monkeypatch.setattr(connection, "is_usable", lambda: asked.append(True) or True)
    close_old_connections()
    assert backend_pid() == pid
    assert asked == []  # no `SELECT 1` round trip


def test_a_dropped_database_connection_fails_one_save_clearly_then_heals(settings):
    reviewer = make_user("rita", role="reviewer")
    sentence = make_article().sentences.first()
    client = api(reviewer)
    url = f"/api/sentences/{sentence.pk}/annotation/"
    assert client.put(url, {"label": "verified"}, format="json").status_code == 201

    # Kill this connection from another one, as a database restart would.
    connection.ensure_connection()
    terminate(connection.connection.info.backend_pid)

    failed = client.put(url, {"label": "disputed", "version": 1}, format="json")
    assert failed.status_code == 503
    # Between requests Django drops a connection that failed (the test client leaves that
    # to the test); the next request then gets a fresh one.
    close_old_connections()
    assert Annotation.objects.get().label == "verified"  # nothing half-saved

    # The same change goes through now.
    retried = client.put(url, {"label": "disputed", "version": 1}, format="json")
    assert retried.status_code == 200
    assert Annotation.objects.get().label == "disputed"
