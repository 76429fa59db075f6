"""A replica, a cache or a connection that fails: exports fall back or are refused with a
time to retry, never hang or take the site with them; /healthz says what is down."""

import json
import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections

from annotations import export_source, health
from tests.factories import api, make_article, make_user

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a replica is PostgreSQL's"
)
WITH_REPLICA = pytest.mark.django_db(databases=["default", "replica"])
SETTINGS = {
    "PATH": "/usr/bin:/bin", "ENV_FILE": "", "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-variety-0123456789",
    "ALLOWED_HOSTS": "factcheck.example.org",
}


def settings_of(script, *, setup=True, **env):
    prologue = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                "'factcheck.settings'); django.setup(); ") if setup else ""
    done = subprocess.run(
        [sys.executable, "-c", prologue + script],
        capture_output=True, text=True, cwd=ROOT, env={**SETTINGS, **env},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_each_database_keeps_its_own_url_options_with_a_connect_timeout():
    got = settings_of(
        "from django.conf import settings as s; import json; "
        "print(json.dumps({a: s.DATABASES[a]['OPTIONS'] for a in s.DATABASES}))",
        DATABASE_URL="postgres://app@primary/factcheck",
        DATABASE_REPLICA_URL="postgres://ro@replica/factcheck?connect_timeout=3&sslmode=require",
    )
    assert got["default"]["connect_timeout"] == 5
    assert "sslmode" not in got["default"]
    assert got["replica"]["connect_timeout"] == 3
    assert got["replica"]["sslmode"] == "require"
    assert got["default"]["options"] == "-c jit=off -c statement_timeout=0"


def test_the_web_server_bounds_statements_and_exports_get_longer():
    got = settings_of(
        "from django.conf import settings as s; import json; print(json.dumps("
        "[s.DATABASES[a]['OPTIONS']['options'] for a in ('default', 'replica')]))",
        FACTCHECK_WEB="true", DATABASE_STATEMENT_TIMEOUT="20", EXPORT_STATEMENT_TIMEOUT="900",
        DATABASE_URL="postgres://app@primary/factcheck",
        DATABASE_REPLICA_URL="postgres://ro@replica/factcheck?options=-c%20work_mem%3D64MB",
    )
    assert got == [
        "-c jit=off -c statement_timeout=20000",
        "-c jit=off -c statement_timeout=900000 -c work_mem=64MB",
    ]


def test_wsgi_marks_the_process_as_the_web_server():
    got = settings_of(
        "import factcheck.wsgi; from django.conf import settings as s; import json; "
        "print(json.dumps([s.SERVING, s.DATABASE_STATEMENT_TIMEOUT]))",
        setup=False,
    )
    assert got == [True, 30]


# ---- a replica that is down, hung or fine ---------------------------------------------------


@pytest.fixture
def hung_address():
    """An address that takes connections and never answers (a paused or cut-off host)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener.getsockname()
    listener.close()


@pytest.fixture
def closed_address():
    """An address where nothing listens (a host that is down)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    address = probe.getsockname()
    probe.close()
    return address


@pytest.fixture
def replica(settings):
    """replica(host, port): exports read the test run's `replica` database (conftest.py), at
    that address or, by default, the test database itself."""
    replica = connections["replica"]
    kept = dict(replica.settings_dict)

    def configure(host=None, port=None):
        if host:
            replica.close()
            replica.settings_dict.update(HOST=host, PORT=port)
        settings.EXPORT_DATABASE = "replica"

    health.replica.forget()
    yield configure
    replica.close()
    replica.settings_dict.update(kept)
    health.replica.forget()


@pytest.fixture
def exporter(db):
    article = make_article()
    make_user("reader", role="reviewer")
    return api(make_user("exporter", is_staff=True, is_superuser=True)), article


def abandon(response):
    """Close a response unread, as the server does when its client goes away (the test
    client would also close the test's database connection)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def export(client, path="/api/export/sentences/?format=jsonl"):
    started = time.monotonic()
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body, time.monotonic() - started


@POSTGRES_ONLY
@WITH_REPLICA
@pytest.mark.parametrize("where", ["hung_address", "closed_address"])
def test_an_unreachable_replica_moves_exports_to_the_primary(where, request, replica, exporter):
    client, article = exporter
    replica(*request.getfixturevalue(where))
    response, body, seconds = export(client)
    assert response.status_code == 200
    assert response["X-Export-Source"] == "primary"
    assert len(body.splitlines()) == article.sentences.count()
    assert seconds < 10  # the connect timeout (2 s), not forever


@POSTGRES_ONLY
@WITH_REPLICA
@pytest.mark.parametrize("where", ["hung_address", "closed_address"])
def test_without_fallback_an_unreachable_replica_is_a_503_to_retry(
    where, request, replica, exporter, settings
):
    client, _ = exporter
    settings.EXPORT_FALLBACK_TO_PRIMARY = False
    replica(*request.getfixturevalue(where))
    for path in ["/api/export/annotations/", "/api/export/sentences/?format=csv",
                 "/api/export/claimreview/"]:
        response, body, seconds = export(client, path)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "replica" in json.loads(body)["detail"]
        assert seconds < 10


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_an_export_from_the_replica_says_how_fresh_it_is(replica):
    article = make_article()
    client = api(make_user("exporter", is_staff=True, is_superuser=True))
    replica()  # the same server: caught up by definition
    response, body, _ = export(client)
    assert response.status_code == 200
    assert response["X-Export-Source"] == "replica"
    assert response["X-Export-Lag"] == "0.000"
    assert response["X-Export-As-Of"].endswith("Z")
    assert len(body.splitlines()) == article.sentences.count()


@POSTGRES_ONLY
@WITH_REPLICA
def test_a_replica_further_behind_than_max_lag_is_not_read(replica, exporter, monkeypatch,
                                                          settings):
    client, _ = exporter
    replica()
    monkeypatch.setattr(export_source, "replica_freshness", lambda: (12.5, None))
    response, _, _ = export(client, "/api/export/sentences/?max_lag=10")
    assert response["X-Export-Source"] == "primary"
    response, _, _ = export(client, "/api/export/sentences/?max_lag=20")
    assert response["X-Export-Source"] == "replica"
    settings.EXPORT_FALLBACK_TO_PRIMARY = False
    response, body, _ = export(client, "/api/export/sentences/?max_lag=10")
    assert response.status_code == 503
    assert "12.5 s behind" in json.loads(body)["detail"]


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_replica_failing_as_the_export_starts_moves_it_to_the_primary(replica, settings):
    import psycopg

    from annotations.exporting import ExportFilters

    replica()
    running = export_source.slots.held  # exports other tests left unread and still hold

    def chunks_of(filters):
        if filters.database == "replica":  # as psycopg's COPY raises it, unwrapped by Django
            raise psycopg.errors.AdminShutdown("terminating connection")
        yield b"from the primary\n"

    chunks, source = export_source.open_export(ExportFilters(), chunks_of)
    assert source.name == "primary"
    assert list(chunks) == [b"from the primary\n"]
    settings.EXPORT_FALLBACK_TO_PRIMARY = False
    with pytest.raises(export_source.ExportUnavailable, match="failed as the export started"):
        export_source.open_export(ExportFilters(), chunks_of)
    assert export_source.slots.held == running


def test_max_lag_must_be_a_number_of_seconds(exporter):
    client, _ = exporter
    response = client.get("/api/export/sentences/?max_lag=soon")
    assert response.status_code == 400
    assert "max_lag" in response.json()


def test_exports_beyond_the_concurrency_limit_wait_for_a_503(exporter, settings):
    client, _ = exporter
    running = export_source.slots.held  # exports other tests left unread and still hold
    settings.EXPORT_CONCURRENCY = running + 1
    first = client.get("/api/export/sentences/")
    assert first.status_code == 200 and first["X-Export-Source"] == "primary"
    second = client.get("/api/export/annotations/")
    assert second.status_code == 503
    assert second["Retry-After"] == "5"
    abandon(first)  # an export the client gave up on gives its slot back
    third, _, _ = export(client)
    assert third.status_code == 200
    assert export_source.slots.held == running


# ---- export_dataset: one clear line, and never a cut-off file ---------------------------------


@POSTGRES_ONLY
@WITH_REPLICA
def test_export_dataset_fails_in_one_line_when_no_database_may_serve_it(
    replica, exporter, closed_address, settings, tmp_path
):
    settings.EXPORT_FALLBACK_TO_PRIMARY = False
    replica(*closed_address)
    output = tmp_path / "sentences.jsonl"
    with pytest.raises(CommandError) as failure:
        call_command("export_dataset", "--kind", "sentences", "--output", str(output))
    assert "\n" not in str(failure.value)
    assert str(failure.value).startswith(f"The export failed and wrote nothing to {output}")
    assert list(tmp_path.iterdir()) == []


def test_an_export_cut_off_midway_leaves_the_old_file_and_no_partial_one(
    exporter, monkeypatch, tmp_path
):
    output = tmp_path / "sentences.jsonl"
    output.write_text("yesterday's export\n")

    def cut_off(*args):
        yield b'{"sentence_id": 1}\n'
        raise DatabaseError("server closed the connection unexpectedly\nThis probably means")

    from annotations.management.commands import export_dataset

    monkeypatch.setattr(export_dataset, "stream_export", cut_off)
    with pytest.raises(CommandError, match="server closed the connection unexpectedly$"):
        call_command("export_dataset", "--kind", "sentences", "--output", str(output))
    assert output.read_text() == "yesterday's export\n"
    assert [path.name for path in tmp_path.iterdir()] == ["sentences.jsonl"]


def test_export_dataset_renames_a_complete_file_and_counts_its_rows(exporter, tmp_path, capsys):
    _, article = exporter
    output = tmp_path / "sentences.jsonl"
    call_command("export_dataset", "--kind", "sentences", "--output", str(output))
    rows = article.sentences.count()
    assert len(output.read_text().splitlines()) == rows
    assert f"Wrote {rows} sentences rows" in capsys.readouterr().out
    assert output.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert [path.name for path in tmp_path.iterdir()] == ["sentences.jsonl"]


def _umask():
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---- /healthz ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_each_part(client):
    health.shared_cache.forget()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "replica": "none", "cache": "ok"}


@POSTGRES_ONLY
@WITH_REPLICA
def test_healthz_stays_200_but_degraded_while_the_replica_is_down(client, replica,
                                                                  closed_address):
    replica(*closed_address)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["replica"] == "down"
    assert str(closed_address[1]) not in response.content.decode()


@POSTGRES_ONLY
@WITH_REPLICA
def test_healthz_answers_at_once_while_the_replica_hangs(client, replica, hung_address):
    replica(*hung_address)
    started = time.monotonic()
    first = client.get("/healthz")
    assert time.monotonic() - started < 1
    assert first.status_code == 200
    assert first.json()["replica"] == "unknown"  # its check waits out the connect timeout
    if renewing := health.replica.running:
        renewing.join()
    assert client.get("/healthz").json()["replica"] == "down"


# ---- the shared cache going away ------------------------------------------------------------


@pytest.fixture
def redis_away(settings, closed_address):
    """The shared cache is Redis at an address where nothing answers."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://{closed_address[0]}:{closed_address[1]}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    health.shared_cache.forget()
    from annotations.limits import _Away

    _Away.until = 0.0
    yield
    _Away.until = 0.0
    health.shared_cache.forget()


@pytest.mark.django_db
def test_saves_go_on_without_limits_while_the_cache_is_away(redis_away, caplog, settings):
    from unittest import mock

    from rest_framework.throttling import SimpleRateThrottle

    article = make_article()
    client = api(make_user("alice", role="reviewer"))
    sentence = article.sentences.first()
    caplog.set_level(logging.WARNING)
    low = {"user": "2/minute", "anon": "2/minute", "token": "2/minute"}
    with mock.patch.object(SimpleRateThrottle, "THROTTLE_RATES", low):
        statuses = [
            client.put(f"/api/sentences/{sentence.pk}/annotation/",
                       {"label": label}, format="json").status_code
            for label in ["verified", "disputed", "unclear", "verified"]
        ]
    assert statuses == [201, 200, 200, 200]
    warnings = [r for r in caplog.records if "shared cache does not answer" in r.message]
    assert len(warnings) == 1  # then not asked again for CACHE_RETRY_SECONDS


@pytest.mark.django_db
def test_sign_in_works_and_healthz_is_degraded_while_the_cache_is_away(redis_away, client):
    from tests.factories import PASSWORD

    make_user("alice", role="reviewer")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "down"
    assert response.json()["status"] == "degraded"
