"""Production settings, request limits and throttles."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

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


# Any visitor gets a CSRF cookie from a form page; with one, the CSRF check reads the form.
CSRF_COOKIE = f"csrftoken={'c' * 32}"


def wsgi_post(path, size, cookies=CSRF_COOKIE):
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
    return f"sessionid={client.cookies['sessionid'].value}; {CSRF_COOKIE}"


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


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def redis_cache(prefix):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }


def forget_redis_keys(prefix):
    """Delete this test's keys only: the Redis server may be shared (no FLUSHDB)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings, one_throttle_window):
    """Each test runs once with the database cache (the default) and once with Redis
    (REDIS_URL), each empty, with the throttle's clock held within one window."""
    if request.param == "redis":
        if not redis_answers():
            pytest.skip(f"no Redis answers at {REDIS_URL} (set TEST_REDIS_URL)")
        prefix = f"test-{uuid.uuid4().hex}"
        settings.CACHES = redis_cache(prefix)
        yield request.param
        forget_redis_keys(prefix)
    else:
        cache.clear()  # inside the test's transaction
        yield request.param


@pytest.fixture
def low_rates():
    from unittest import mock

    from rest_framework.throttling import SimpleRateThrottle

    low = {"user": "3/minute", "anon": "3/minute", "token": "2/minute"}
    with mock.patch.object(SimpleRateThrottle, "THROTTLE_RATES", low):
        yield


@pytest.mark.django_db
def test_api_throttles_a_user_past_the_rate(alice, shared_cache, low_rates):
    client = api(alice)
    codes = [client.get("/api/articles/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


@pytest.mark.django_db
def test_the_anonymous_rate_applies_to_callers_refused_for_want_of_a_sign_in(
    shared_cache, low_rates
):
    """DRF checks permissions before throttles: anonymous callers were refused (401) at
    any rate and never counted."""
    codes = [api().get("/api/articles/").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    response = api().get("/api/articles/")
    assert int(response["Retry-After"]) >= 1
    # A wrong token is anonymous too.
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/articles/").status_code == 429


@pytest.mark.django_db
def test_token_requests_are_throttled_per_address(alice, shared_cache, low_rates):
    codes = [
        api().post("/api/token/", {"username": "alice", "password": PASSWORD}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_counts_every_hit_of_racing_workers():
    """Django's incr reads the count and writes it back: racing workers lose hits."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    cache.add("hits", 0, timeout=60)

    def count(_):
        try:
            for _ in range(20):
                cache.incr("hits")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(count, range(6)))
    assert cache.get("hits") == 120
    cache.clear()


@pytest.mark.django_db
def test_the_database_cache_keeps_a_counters_expiry():
    from django.db import connection

    def expires():
        with connection.cursor() as cursor:
            cursor.execute("SELECT expires FROM django_cache")
            return cursor.fetchone()[0]

    cache.add("hits", 1, timeout=5)
    before = expires()
    assert cache.incr("hits") == 2
    assert expires() == before
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.get("hits") == 2  # a miss spoils nothing of the transaction


def test_redis_url_switches_the_cache_to_redis(tmp_path):
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**PRODUCTION, "SQLITE_PATH": str(tmp_path / "db")}
    for extra, backend in [({}, "annotations.cache.DatabaseCache"),
                           ({"REDIS_URL": REDIS_URL},
                            "django.core.cache.backends.redis.RedisCache")]:
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
            capture_output=True, text=True, cwd=ROOT, env={**env, **extra},
        )
        assert done.stdout.strip() == backend, done.stderr


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


def sign_in(client, username, password=PASSWORD, address="203.0.113.7", **headers):
    return client.post(
        "/accounts/login/", {"username": username, "password": password},
        REMOTE_ADDR=address, **headers,
    )


@pytest.mark.django_db
def test_a_locked_out_user_is_locked_out_only_from_that_address(client, settings):
    """Ten wrong passwords locked the user out from every address: anyone who knew a
    username could lock a colleague out."""
    settings.AXES_FAILURE_LIMIT = 3
    make_user("victim", role="reviewer")
    for _ in range(3):
        response = sign_in(Client(), "victim", "wrong", address="198.51.100.66")
    assert response.status_code == 429
    assert sign_in(Client(), "victim", address="198.51.100.66").status_code == 429
    assert sign_in(client, "victim", address="203.0.113.7").status_code == 302


@pytest.mark.django_db
def test_spraying_usernames_slows_the_address_but_locks_no_one_out(
    settings, monkeypatch, one_throttle_window
):
    """Ten usernames tried from one address locked out everyone behind it (one newsroom
    behind one NAT): now that address waits out the rate's period, and no one is locked."""
    from types import SimpleNamespace

    from annotations import limits

    settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_RATE = 10, "10/minute"  # defaults
    make_user("colleague", role="reviewer")
    for n in range(10):
        assert sign_in(Client(), f"guess{n}", "wrong").status_code == 200
    response = sign_in(Client(), "colleague")  # right password, same network
    assert response.status_code == 429
    assert b"from your network: try again in 60 seconds" in response.content
    assert response["Retry-After"] == "60"
    response = api().post("/api/token/", {"username": "colleague", "password": PASSWORD},
                          REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    # A minute on, the colleague signs in: the refusals were never counted against them.
    later = limits.time.time() + 60
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: later))
    assert sign_in(Client(), "colleague").status_code == 302
    # Elsewhere nobody was slowed at all.
    assert sign_in(Client(), "colleague", address="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_sign_in_page_and_token_endpoint_say_how_many_attempts_are_left(client, settings):
    settings.AXES_FAILURE_LIMIT = 4
    make_user("forgetful", role="reviewer")
    response = sign_in(client, "forgetful", "wrong")
    assert b"3 attempts left before this account is locked out from this address" in (
        response.content
    )
    response = api().post("/api/token/", {"username": "forgetful", "password": "nope"},
                          REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 400
    assert response.json()["attempts_left"] == 2
    assert "Unable to log in" in str(response.json()["non_field_errors"])
    sign_in(client, "forgetful", "wrong")
    response = sign_in(client, "forgetful", "wrong")
    assert response.status_code == 429
    assert b"for this account from your address: try again in 15 minutes" in response.content
    assert int(response["Retry-After"]) == 15 * 60


@pytest.mark.parametrize(
    ("peer", "forwarded", "proxies", "address"),
    [
        ("203.0.113.7", "", 0, "203.0.113.7"),
        # Behind the documented proxy (nginx: X-Forwarded-For $proxy_add_x_forwarded_for).
        ("127.0.0.1", "198.51.100.9", 1, "198.51.100.9"),
        ("127.0.0.1", "10.9.9.9, 198.51.100.9", 1, "198.51.100.9"),  # left: the client's
        ("127.0.0.1", "198.51.100.9, 10.0.0.2", 2, "198.51.100.9"),  # load balancer, nginx
        ("127.0.0.1", "198.51.100.9", 0, "127.0.0.1"),  # no proxy configured
        ("192.0.2.50", "198.51.100.9", 1, "192.0.2.50"),  # not from the proxy: ignored
        ("127.0.0.1", "not-an-address", 1, "127.0.0.1"),
        ("127.0.0.1", "198.51.100.9", 2, "127.0.0.1"),  # fewer hops than proxies
        ("127.0.0.1", "2001:db8::1", 1, "2001:db8::1"),
    ],
)
def test_client_address_behind_the_proxy(settings, peer, forwarded, proxies, address):
    from django.test import RequestFactory

    from annotations.limits import client_address

    settings.PROXY_COUNT = proxies
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == address


@pytest.mark.django_db
def test_lockout_and_throttles_see_the_client_behind_the_proxy(
    settings, shared_cache, low_rates
):
    """django-axes read addresses through django-ipware, which is not installed: behind
    the proxy, every client was the proxy, and DRF's throttles trusted X-Forwarded-For
    whole, so any client could name itself anew at each request."""
    from axes.models import AccessAttempt

    settings.PROXY_COUNT = 1
    behind = {"REMOTE_ADDR": "127.0.0.1"}
    sign_in(Client(), "someone", "wrong", address="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.9"]
    one, other = ({**behind, "HTTP_X_FORWARDED_FOR": f"{spoof}, {client}"}
                  for spoof, client in [("1.1.1.1", "198.51.100.9"), ("2.2.2.2", "198.51.100.10")])
    codes = [api().get("/api/articles/", **one).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    spoofed = {**one, "HTTP_X_FORWARDED_FOR": "3.3.3.3, 198.51.100.9"}
    assert api().get("/api/articles/", **spoofed).status_code == 429
    assert api().get("/api/articles/", **other).status_code == 401


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


# Under gunicorn: several worker processes, production settings, the suite's database.

SERVED_RATES = {
    "THROTTLE_USER_RATE": "30/day", "THROTTLE_ANON_RATE": "20/day",
    "THROTTLE_TOKEN_RATE": "5/day",
}


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_environment():
    """The environment that points the settings at the database this test run uses."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": db["NAME"]}
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"}


@pytest.fixture(scope="module", params=["database", "redis"])
def served(request, django_db_setup, tmp_path_factory):
    """gunicorn with three worker processes and production settings, on the database of
    this test run; the throttles count in the database cache, or in Redis."""
    import time
    import urllib.request

    extra = {}
    if request.param == "redis":
        if not redis_answers():
            pytest.skip(f"no Redis answers at {REDIS_URL} (set TEST_REDIS_URL)")
        extra = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "log"
    env = {
        **PRODUCTION, **database_environment(), **SERVED_RATES, **extra,
        "ALLOWED_HOSTS": "127.0.0.1", "HOST": "127.0.0.1", "PORT": str(port),
        "WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "2",
    }
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--config", "gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = urllib.request.Request(
                    url + "/healthz", headers={"X-Forwarded-Proto": "https"}
                )
                urllib.request.urlopen(health, timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + log.read_text())
                time.sleep(0.2)
        yield SimpleNamespace(url=url, port=port, cache=request.param, prefix=extra)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if extra:
            forget_redis_keys(extra["CACHE_KEY_PREFIX"])


def within_one_day_window():
    """The served rates count per day (windows aligned to midnight UTC): start where the
    whole test falls in one."""
    import time

    left = 86400 - time.time() % 86400
    if left < 120:
        time.sleep(left + 1)


def send(url, count, headers=None, method="GET", data=None):
    """`count` requests from eight threads at once, each on a new connection (so that
    every worker process takes some); the statuses, in no order."""
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    headers = {"X-Forwarded-Proto": "https", **(headers or {})}

    def one(_):
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(8) as pool:
        return sorted(pool.map(one, range(count)))


@pytest.mark.django_db(transaction=True)
def test_throttles_hold_across_gunicorn_workers(served):
    """Counted in each worker's memory, one token had ~2,500 requests accepted in 20 s
    against 600/minute; anonymous callers were never counted; tokens came unthrottled."""
    from rest_framework.authtoken.models import Token

    within_one_day_window()
    if served.cache == "database":
        cache.clear()  # the server's counters too: the same table
    user = make_user(f"script-{served.cache}", role="reviewer")
    token = Token.objects.create(user=user).key
    codes = send(served.url + "/api/articles/", 90, {"Authorization": f"Token {token}"})
    assert codes == [200] * 30 + [429] * 60
    codes = send(served.url + "/api/articles/", 60)
    assert codes == [401] * 20 + [429] * 40
    body = f"username={user.username}&password=wrong".encode()
    codes = send(served.url + "/api/token/", 20, method="POST", data=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert codes == [400] * 5 + [429] * 15


@pytest.mark.parametrize(
    ("name", "value"),
    [("THROTTLE_USER_RATE", "600 per minute"), ("LOGIN_ADDRESS_RATE", "10/fortnight"),
     ("FORWARDED_ALLOW_IPS", "127.0.0.1,proxy.internal")],
)
def test_a_malformed_limit_setting_stops_the_start(tmp_path, name, value):
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, cwd=ROOT,
        env={**PRODUCTION, "SQLITE_PATH": str(tmp_path / "db"), name: value},
    )
    assert done.returncode != 0
    assert f"ImproperlyConfigured: {name} must" in done.stderr


def test_gunicorn_refuses_an_oversized_anonymous_upload_before_reading_it(served):
    """The 600 MB multipart POST to /admin/login/ that used to be read to disk: the 413
    comes back after the first 64 KB, and the server closes the connection rather than
    read the rest."""
    import socket

    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(
            b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
            b"Content-Type: multipart/form-data; boundary=BOUNDARY\r\n"
            + f"Cookie: {CSRF_COOKIE}\r\n".encode()
            + b"Content-Length: 629145600\r\n\r\n--BOUNDARY\r\n" + b"x" * 65536
        )
        answer = b""
        while chunk := sock.recv(65536):  # until the server closes; a timeout fails
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert answer.endswith(b"the limit is 8,000,000.\"}")
