"""Production settings, request limits and throttles."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, api, make_user

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "PATH": "/usr/bin:/bin",
    "ENV_FILE": "",
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-variety-0123456789",
    "ALLOWED_HOSTS": "factcheck.example.org",
}


def test_check_deploy_gives_no_warning_with_production_settings(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, cwd=ROOT,
        env={**PRODUCTION, "SQLITE_PATH": str(tmp_path / "db.sqlite3")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_check_deploy_warns_about_a_weak_secret_key(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, cwd=ROOT,
        env={**PRODUCTION, "SECRET_KEY": "short", "SQLITE_PATH": str(tmp_path / "db")},
    )
    assert done.returncode != 0
    assert "security.W009" in done.stderr + done.stdout


@pytest.mark.django_db
def test_oversized_request_is_a_413_before_it_is_read(client, staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(staff)
    response = client.post("/api/articles/", {"body": "x" * 2000}, content_type="application/json")
    assert response.status_code == 413
    assert "limit is 1,000" in response.json()["detail"]


class Body:
    """A request body as a client streams it: `size` bytes claimed, made as they are read
    (the first megabyte, then an early end), counting how many were read."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def read(self, n=-1):
        n = min(1 << 16 if n is None or n < 0 else n, (1 << 20) - self.read_bytes)
        self.read_bytes += max(n, 0)
        return b"x" * max(n, 0)

    def readline(self, n=-1):
        return self.read(n)


def wsgi_post(path, size, cookies=""):
    """POST `path` through the WSGI application as gunicorn calls it; return the status
    and the number of body bytes the application read."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    body = Body(size)
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "203.0.113.7", "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "multipart/form-data; boundary=BOUNDARY",
        "CONTENT_LENGTH": str(size), "HTTP_COOKIE": cookies,
        "wsgi.input": body, "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    statuses = []
    # As Django's test client does: the test's own database connection stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(statuses[0].split()[0]), body.read_bytes


def session_cookie(client, user):
    client.force_login(user)
    # With a CSRF cookie, the CSRF check reads the form: a body let through is read.
    return f"sessionid={client.cookies['sessionid'].value}; csrftoken={'c' * 32}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/accounts/login/", "/api/token/", "/"])
def test_an_anonymous_oversized_body_is_a_413_and_never_read(path):
    """The 600 MB multipart POST to /admin/login/ was read to disk: no path is exempt."""
    assert wsgi_post(path, 600 * 1024 * 1024) == (413, 0)


@pytest.mark.django_db
def test_staff_uploads_in_the_admin_have_their_own_limit(client, staff, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.STAFF_UPLOAD_MAX_BYTES = 5000
    page = "/admin/annotations/article/import/"
    # A reviewer, even signed in, gets no more in the admin than anywhere else.
    assert wsgi_post(page, 2000, session_cookie(client, alice)) == (413, 0)
    cookies = session_cookie(client, staff)
    assert wsgi_post(page, 6000, cookies) == (413, 0)
    assert wsgi_post("/api/articles/", 2000, cookies) == (413, 0)  # the admin's only
    status, read = wsgi_post(page, 2000, cookies)
    assert status != 413 and read > 0


@pytest.mark.django_db
def test_a_staff_file_over_the_request_limit_imports_through_the_admin(client, staff, settings):
    import io

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(staff)
    upload = io.BytesIO(("A long enough article. " * 100).encode())
    upload.name = "long.txt"
    response = client.post(
        "/admin/annotations/article/import/", {"project": "default", "file": upload}
    )
    assert response.status_code == 302, response.content[:300]


@pytest.mark.django_db
def test_api_throttles_a_user_past_the_rate(alice):
    from unittest import mock

    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    low = {"user": "3/minute", "anon": "3/minute"}
    with mock.patch.object(SimpleRateThrottle, "THROTTLE_RATES", low):
        client = api(alice)
        codes = [client.get("/api/articles/").status_code for _ in range(4)]
    cache.clear()
    assert codes == [200, 200, 200, 429]


@pytest.mark.django_db
def test_sign_in_locks_out_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("victim", role="reviewer")
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "victim", "password": "wrong"})
    assert response.status_code == 429
    # Even the right password is refused while locked out.
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content


@pytest.mark.django_db
def test_token_endpoint_locks_out_too(settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_user("victim", role="reviewer")
    client = api()
    for _ in range(2):
        client.post("/api/token/", {"username": "victim", "password": "nope"})
    response = client.post("/api/token/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429


def test_gunicorn_config_disables_the_control_socket_and_logs_each_request():
    namespace = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102
    assert namespace["control_socket_disable"] is True
    assert namespace["accesslog"] == "-"
    assert "%(s)s" in namespace["access_log_format"] and "%(M)s" in namespace["access_log_format"]
    assert os.environ.get("CI") is None or namespace["worker_class"] == "gthread"


def test_replica_setting_adds_an_export_database_that_mirrors_in_tests(tmp_path):
    script = (
        "from django.conf import settings; from django.db import connections; "
        "print(settings.EXPORT_DATABASE, sorted(connections.settings), "
        "settings.DATABASES['replica']['NAME'], settings.DATABASE_ROUTERS)"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        capture_output=True, text=True,
        cwd=ROOT, env={**PRODUCTION, "DATABASE_URL": "postgres://app@primary:5432/factcheck",
                       "DATABASE_REPLICA_URL": "postgres://app@replica:5432/factcheck"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:4] == ["replica", "['default',", "'replica']", "factcheck"]
    assert "PrimaryReplicaRouter" in done.stdout


def test_router_keeps_reads_and_writes_on_the_primary():
    from factcheck.routers import PrimaryReplicaRouter

    router = PrimaryReplicaRouter()
    assert router.db_for_read(object) == router.db_for_write(object) == "default"
    assert router.allow_migrate("default", "annotations") is True
    assert router.allow_migrate("replica", "annotations") is False


@pytest.mark.django_db
def test_healthz_says_the_database_is_down_and_logs_why(client, monkeypatch, caplog):
    from django.db import OperationalError, connection

    secret = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed: "factcheck"'

    def down(*args, **kwargs):
        raise OperationalError(secret)

    monkeypatch.setattr(connection, "cursor", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "down"}
    assert secret in caplog.text
