"""Hostile requests replayed against the production server, then every page checked.

    .venv/bin/python bench/hostile.py

Builds a throwaway PostgreSQL database with the demo accounts' roles, serves the app with
gunicorn and the production settings as `make serve` does (plain HTTP on loopback, behind
one trusted proxy: PROXY_COUNT=1), sends the hostile requests of the trust review (dates
out of range, oversized lists and bodies, surrogates, NULs, deep JSON, bad filters,
password spraying, floods) and checks that each gets the 4xx it should, quickly, and that
afterwards every page still answers 200. Traffic goes to 127.0.0.1 only; the run is
bounded (about two minutes). Exits non-zero if any check fails.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import urlencode

from throwaway import REPO_ROOT, bench_port, throwaway_database

PORT = bench_port(8767)
PASSWORD = "a long and unguessable passphrase 9"
LOGIN_FAILURE_LIMIT = 5


def setup():
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from annotations.importing import import_article

    reviewer_group = Group.objects.get(name="reviewer")
    adjudicators = Group.objects.get(name="adjudicator")
    users = {}
    for name, group, staff in [
        ("staff", None, True), ("alice", reviewer_group, False), ("bob", reviewer_group, False),
        ("judy", adjudicators, False), ("flooder", reviewer_group, False),
    ] + [(f"colleague{i}", reviewer_group, False) for i in range(3)]:
        user = User.objects.create_user(name, password=PASSWORD, is_staff=staff,
                                        is_superuser=staff)
        if group:
            user.groups.add(group)
        users[name] = Token.objects.create(user=user).key
    body = (REPO_ROOT / "fixtures" / "demo" / "ukraine-peace-plan-talks.txt").read_text()
    article = import_article(body=body, title="Demo").article
    return users, article.pk, list(article.sentences.values_list("pk", flat=True))


def serve():
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "HOST": "127.0.0.1",
        "PORT": str(PORT),
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "3",
        "PROXY_COUNT": "1",
        "LOGIN_FAILURE_LIMIT": str(LOGIN_FAILURE_LIMIT),
        "THROTTLE_USER_RATE": "120/minute",
        "THROTTLE_ANON_RATE": "60/minute",
    }
    server = subprocess.Popen(
        [str(REPO_ROOT / ".venv" / "bin" / "gunicorn"), "factcheck.wsgi",
         "--config", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=REPO_ROOT, env=env,
    )
    for _ in range(150):
        try:
            if request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not answer /healthz within 30 s")


def request(method, path, body=None, headers=None, *, address="10.0.0.1", timeout=30):
    """(status, body bytes, headers, seconds) of one request from `address` (the client
    address the trusted proxy reports)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    headers = {"X-Forwarded-For": address, **(headers or {})}
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    started = time.perf_counter()
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        content = response.read()
    except OSError as error:  # a timeout or a reset: status 0
        return 0, str(error).encode(), {}, time.perf_counter() - started
    finally:
        connection.close()
    return response.status, content, dict(response.getheaders()), time.perf_counter() - started


def sign_in(username, password, address):
    """POST /api/token/ from `address`."""
    return request("POST", "/api/token/", urlencode({"username": username, "password": password}),
                   {"Content-Type": "application/x-www-form-urlencoded"}, address=address)


def api(method, path, token, payload=None, raw=None):
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    body = raw if raw is not None else (json.dumps(payload) if payload is not None else None)
    return request(method, path, body, headers)


class Browser:
    """A signed-in session over plain HTTP: cookies and the CSRF token, nothing more."""

    def __init__(self, username, address="10.0.0.2"):
        self.cookies, self.address = {}, address
        status, content, _, _ = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
        form = f"username={username}&password={PASSWORD.replace(' ', '+')}"
        status, _, _, _ = self.post(
            "/accounts/login/", f"{form}&csrfmiddlewaretoken={token.decode()}",
            "application/x-www-form-urlencoded",
        )
        self.signed_in = status == 302

    def _send(self, method, path, body=None, content_type=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers["X-Forwarded-For"] = self.address
        started = time.perf_counter()
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        connection.close()
        return response.status, content, dict(response.getheaders()), time.perf_counter() - started

    def get(self, path):
        return self._send("GET", path)

    def post(self, path, body, content_type):
        return self._send("POST", path, body, content_type)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n")
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     f"{content}\r\n")
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def oversized_anonymous_post():
    """Declare 600 MB to /admin/login/ and send 4 MB of it: the answer must come first."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    started = time.perf_counter()
    connection.putrequest("POST", "/admin/login/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(600 * 1024 * 1024))
    connection.putheader("X-Forwarded-For", "10.0.0.9")
    connection.endheaders()
    try:
        for _ in range(64):
            connection.send(b"x" * 65536)
    except OSError:
        pass  # the server answered and closed: what we want
    response = connection.getresponse()
    response.read()
    return response.status, b"", {}, time.perf_counter() - started


def main():
    checks = []

    def check(name, result, allowed, max_seconds=5.0):
        status, content, _, seconds = result
        ok = status in allowed and seconds <= max_seconds
        checks.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {status} {seconds * 1000:7.0f} ms  {name}"
              + ("" if ok else f"  (wanted {sorted(allowed)}: {content[:200]!r})"))

    with throwaway_database("postgres"):
        from django.db import connections

        tokens, article_id, sentences = setup()
        connections.close_all()
        server = serve()
        try:
            staff, alice = tokens["staff"], tokens["alice"]
            sentence = f"/api/sentences/{sentences[0]}/annotation/"
            bad = {400}
            for published_at in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00",
                                 "1850-06-01T00:00:00Z"):
                check(f"import published_at={published_at}", api(
                    "POST", "/api/articles/", staff,
                    {"body": f"A claim dated {published_at}.", "published_at": published_at},
                ), bad)
            check("import with a lone surrogate in the title", api(
                "POST", "/api/articles/", staff,
                raw='{"body": "A claim is made.", "title": "\\ud800"}'), bad)
            check("import with a NUL in the url", api(
                "POST", "/api/articles/", staff,
                {"body": "Another claim is made.", "url": "https://example.org/\u0000"}), bad)
            check("import of JSON nested 100,000 deep", api(
                "POST", "/api/articles/", staff, raw="[" * 100_000 + "]" * 100_000), bad)
            check("annotation with 50,000 evidence links", api(
                "PUT", sentence, alice,
                {"label": "verified",
                 "evidence": [f"https://example.org/{i}" for i in range(50_000)]},
            ), {400, 413}, max_seconds=2)
            check("annotation with the label \\ud800", api(
                "PUT", sentence, alice, raw='{"label": "\\ud800"}'), bad)
            check("anonymous 600 MB POST to /admin/login/", oversized_anonymous_post(), {413})

            # Sign-in lockout: by user and address together.
            for _ in range(LOGIN_FAILURE_LIMIT):
                sign_in("alice", "wrong", "10.0.1.1")
            check("alice signs in from another address after failures at one",
                  sign_in("alice", PASSWORD, "10.0.1.2"), {200})
            check("alice is locked out at the address that failed",
                  sign_in("alice", PASSWORD, "10.0.1.1"), {429})
            for i in range(LOGIN_FAILURE_LIMIT * 2):
                sign_in(f"sprayed{i}", "wrong", "10.0.2.1")
            # Spraying slows the address (429 with Retry-After) and locks nobody out: once
            # the window passes, a colleague behind the same address signs in.
            slowed = sign_in("colleague0", PASSWORD, "10.0.2.1")
            check("the spraying address is slowed", slowed, {429})
            wait = int(slowed[2].get("Retry-After", "0"))
            checks.append(0 < wait <= 60)
            print(f"{'ok  ' if checks[-1] else 'FAIL'} Retry-After {wait} s")
            time.sleep(wait + 1)
            check("a colleague behind the spraying address then signs in",
                  sign_in("colleague0", PASSWORD, "10.0.2.1"), {200})

            # Throttles hold across gunicorn's workers.
            flood = [api("GET", "/api/projects/", tokens["flooder"])[0] for _ in range(200)]
            accepted = flood.count(200)
            checks.append(accepted <= 120 and 429 in flood)
            print(f"{'ok  ' if checks[-1] else 'FAIL'} 200 x{accepted}, 429 x{flood.count(429)}"
                  "  one token, 200 requests against 120/minute over 3 workers")

            browser = Browser("staff")
            check("staff signs in", (302 if browser.signed_in else 0, b"", {}, 0), {302})
            for path in ("/admin/dashboard/?until=9999-12-31",
                         "/admin/dashboard/?since=0001-01-01",
                         "/admin/annotations/article/?reviewer=abc"):
                status, content, headers, seconds = browser.get(path)
                check(f"staff GET {path}", (status, content, headers, seconds), {200, 302, 400})
            status, content, _, _ = browser.get("/admin/annotations/article/import/")
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
            upload, content_type = multipart(
                {"csrfmiddlewaretoken": token.group(1).decode() if token else "",
                 "project": "default"},
                {"file": ("records.jsonl", json.dumps(
                    {"body": "A record names its project.", "project": "default"}) + "\n")},
            )
            check("admin import of a .jsonl record naming its project",
                  browser.post("/admin/annotations/article/import/", upload, content_type),
                  {200, 302})
            status, content, _, _ = browser.get("/api/articles/?project=default&page_size=500")
            imported = b"A record names its project." in content
            checks.append(imported)
            print(f"{'ok  ' if imported else 'FAIL'} the record naming its project was imported")

            # Every page still answers.
            reviewer = Browser("bob", address="10.0.3.1")
            pages = [(reviewer, "/"), (reviewer, f"/articles/{article_id}/"),
                     (browser, "/adjudicate/"), (browser, "/admin/"),
                     (browser, "/admin/annotations/article/"), (browser, "/admin/dashboard/"),
                     (browser, "/api/articles/"), (browser, "/api/stats/")]
            for who, path in pages:
                check(f"page {path}", who.get(path), {200})
            check("GET /healthz", request("GET", "/healthz"), {200})
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        from django.core.management import CommandError, call_command

        try:
            call_command("rebuild_counts", "--check")  # prints "No drift in N articles"
            checks.append(True)
        except CommandError as error:
            print(f"FAIL rebuild_counts --check: {error}")
            checks.append(False)
    print(f"{sum(checks)} of {len(checks)} checks passed")
    sys.exit(0 if all(checks) else 1)


if __name__ == "__main__":
    main()
