"""Simulated reviewers labeling through the API, on gunicorn and PostgreSQL.

    .venv/bin/python bench/load.py [--reviewers 50] [--seconds 60] [--pace 1.0]
    .venv/bin/python bench/load.py --flat-out [--reviewers 100] [--connections 50] [--seconds 15]

Builds a throwaway PostgreSQL database (articles of 30 sentences, one token per
reviewer), serves the app with gunicorn as `make serve` does (gunicorn.conf.py; plain HTTP
on loopback), and saves labels with PUT /api/sentences/{id}/annotation/.

At a pace (the default): one thread per reviewer, each with its own keep-alive connection,
`--pace` labels a second each. Flat out (--flat-out): with wrk when it is installed (a
Python client saturates a core of its own on two), in three phases of `--seconds` each on
the same server: GET /healthz, the labels spread over every article, then every reviewer
on one article; each request carries its reviewer's token, a sentence and the version last
seen (load.lua), over `--connections` connections. Without wrk, the Python client runs flat
out. Each wrk phase also prints the CPU time a request cost the server's processes and the
database's backends. Either way the run ends with `rebuild_counts --check`. Every run is
bounded in time and sends traffic to 127.0.0.1 only. Prints requests/s, latency percentiles
and errors.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path

from throwaway import REPO_ROOT, bench_port, throwaway_database

PORT = bench_port(8766)
SENTENCES_PER_ARTICLE = 30
BENCH = Path(__file__).resolve().parent


def setup(reviewers, sentences):
    """Articles of 30 sentences and `reviewers` reviewers with a token each: returns the
    sentence ids by article and (token, username) pairs."""
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from annotations.importing import import_article

    body = " ".join(f"Claim {i} says the figure rose {i}.5% last year." for i in range(30))
    articles = []
    for n in range(-(-sentences // SENTENCES_PER_ARTICLE)):
        article = import_article(body=f"Article {n}. {body}").article
        articles.append(list(article.sentences.order_by("position")
                             .values_list("pk", flat=True)[:SENTENCES_PER_ARTICLE]))
    group = Group.objects.get(name="reviewer")
    tokens = []
    for i in range(reviewers):
        user = User.objects.create_user(f"load{i}")
        user.groups.add(group)
        tokens.append((Token.objects.create(user=user).key, user.username))
    return articles, tokens


def serve(flat_out):
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "HOST": "127.0.0.1",
        "PORT": str(PORT),
        "LOG_LEVEL": "WARNING",
    }
    if flat_out:
        env["THROTTLE_USER_RATE"] = "1000000/minute"  # measure the server, not the throttle
    server = subprocess.Popen(
        [str(REPO_ROOT / ".venv" / "bin" / "gunicorn"), "factcheck.wsgi",
         "--config", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=REPO_ROOT, env=env,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    return server


def reviewer(token, sentence_ids, deadline, pace, results, lock):
    """Label sentences one after another until the deadline; record (latency, status)."""
    rng = random.Random(token)
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    mine = []
    # People do not click in step: each reviewer starts at a random moment of the first
    # second, then labels every 1/pace seconds.
    next_at = time.monotonic() + (rng.random() / pace if pace else 0)
    for sentence in rng.sample(sentence_ids, len(sentence_ids)):
        if time.monotonic() >= deadline:
            break
        if pace:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += 1 / pace
        body = json.dumps({"label": rng.choice(["verified", "disputed", "unclear"]),
                           "note": "checked against the source"})
        started = time.perf_counter()
        try:
            connection.request("PUT", f"/api/sentences/{sentence}/annotation/", body, headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine.append(((time.perf_counter() - started) * 1000, status))
    with lock:
        results.extend(mine)


def percentile(values, share):
    return values[min(len(values) - 1, int(len(values) * share))]


def python_client(tokens, sentence_ids, seconds, pace):
    """One thread per reviewer; prints and returns requests/s."""
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=reviewer,
                         args=(token, sentence_ids, deadline, pace, results, lock))
        for token, _ in tokens
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(latency for latency, _ in results)
    errors = sum(1 for _, status in results if status not in (200, 201))
    mode = "flat out" if pace is None else f"{pace:g} label/s each"
    print(f"python client: {len(tokens)} reviewers, {mode}, {elapsed:.0f} s: "
          f"{len(results)} requests, {len(results) / elapsed:.1f} requests/s, {errors} errors")
    print(f"  latency ms: p50 {percentile(latencies, 0.50):.1f}, "
          f"p95 {percentile(latencies, 0.95):.1f}, p99 {percentile(latencies, 0.99):.1f}, "
          f"max {latencies[-1]:.1f}, mean {statistics.fmean(latencies):.1f}")
    statuses = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"  statuses: {dict(sorted(statuses.items()))}")
    return len(results) / elapsed


WRK_THREADS = 2
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, children=False):
    """CPU time of process `pid` (and of its children it has waited for), 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    times = fields[11:15] if children else fields[11:13]  # utime stime [cutime cstime]
    return sum(map(int, times)) / TICKS


class CPUMeter:
    """CPU seconds the server (gunicorn's processes, those ended included) and the
    database (the backends connected to the benchmark's database, sampled every 0.2 s:
    one that ends between samples loses at most that much) spend while it runs."""

    def __init__(self, server):
        self.server, self.backends, self.stop = server, {}, threading.Event()

    def __enter__(self):
        self.app = self._app()
        self.thread = threading.Thread(target=self._sample)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.app = self._app() - self.app
        self.database = sum(now - first for first, now in self.backends.values())

    def _app(self):
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        pids = children.read_text().split() if children.exists() else []
        return cpu_seconds(self.server.pid, children=True) + sum(map(cpu_seconds, pids))

    def _sample(self):
        from django.db import connection

        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = "
                               "current_database() AND pid <> pg_backend_pid()")
                for (pid,) in cursor.fetchall():
                    now = cpu_seconds(pid)
                    first, _ = self.backends.get(pid, (now, now))
                    if now:
                        self.backends[pid] = (first, now)
            if self.stop.wait(0.2):
                connection.close()
                return


def wrk(name, url, script, seconds, connections, args=(), *, server):
    """One wrk run; prints wrk's own report and the figures read from it (load.lua's
    RESULT line), and the CPU time per request of the server and of the database;
    returns requests/s."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds:g}s",
               "--latency", "--timeout", "10s", "-s", str(script), url]
    if args:
        command += ["--", *args]
    with CPUMeter(server) as cpu:
        output = subprocess.run(command, capture_output=True, text=True, check=True,
                                timeout=seconds + 60).stdout
    print(f"== {name}: {' '.join(command)}")
    print("   " + output.strip().replace("\n", "\n   "))
    found = dict(re.findall(r"(\w+)=([\d.]+)", output.split("RESULT", 1)[1]))
    rate = float(found["requests"]) / float(found["seconds"])
    errors = sum(int(found[k]) for k in ("non2xx", "connect", "read", "write", "timeout"))
    requests = int(found["requests"])
    print(f"   => {name}: {rate:.0f} requests/s, p50 {found['p50']} ms, "
          f"p99 {found['p99']} ms, max {found['max']} ms, errors {errors}; CPU a request: "
          f"server {cpu.app / requests * 1000:.2f} ms, database "
          f"{cpu.database / requests * 1000:.2f} ms; load {os.getloadavg()[0]:.1f}")
    return rate


def wrk_phases(server, articles, tokens, seconds, connections):
    """/healthz, then labels spread over every article, then on one article; first 2 s of
    /healthz, not counted, so that no phase pays for the workers' first requests."""
    folder = Path(tempfile.mkdtemp())
    try:
        reviewers = folder / "reviewers"
        reviewers.write_text("".join(f"{token} {name}\n" for token, name in tokens))
        spread, one = folder / "spread", folder / "one"
        # Sentence after sentence across the articles but the first (the one-article
        # phase's): neighbouring requests hit different articles.
        spread.write_text("".join(f"{articles[a][i]}\n" for i in range(SENTENCES_PER_ARTICLE)
                                  for a in range(1, len(articles))))
        one.write_text("".join(f"{pk}\n" for pk in articles[0]))
        base = f"http://127.0.0.1:{PORT}"
        url = f"{base}/api/sentences/"
        wrk("warm-up", f"{base}/healthz", BENCH / "healthz.lua", 2, connections,
            server=server)
        rates = {"healthz": wrk("GET /healthz", f"{base}/healthz", BENCH / "healthz.lua",
                                seconds, connections, server=server)}
        for name, sentences in (("spread", spread), ("one article", one)):
            rates[name] = wrk(f"PUT, {len(tokens)} reviewers, {name}", url,
                              BENCH / "load.lua", seconds, connections,
                              [str(reviewers), str(sentences), str(WRK_THREADS)],
                              server=server)
        for name in ("spread", "one article"):
            print(f"PUT {name}: {rates[name]:.0f}/s = {rates[name] / rates['healthz']:.2f} x "
                  f"/healthz ({rates['healthz']:.0f}/s)")
    finally:
        shutil.rmtree(folder)


def check_counts():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    report = StringIO()
    try:
        call_command("rebuild_counts", "--check", stdout=report, stderr=report)
        print("rebuild_counts --check: no drift")
    except CommandError as error:
        print(f"rebuild_counts --check: DRIFT\n{report.getvalue()}{error}")
        raise SystemExit(1) from None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=None,
                        help="default 50 at a pace, 100 flat out")
    parser.add_argument("--sentences", type=int, default=3100)
    parser.add_argument("--seconds", type=float, default=None,
                        help="default 60 at a pace; flat out with wrk, 15 a phase")
    parser.add_argument("--pace", type=float, default=1.0, help="labels a second per reviewer")
    parser.add_argument("--flat-out", action="store_true", help="no pause between labels")
    parser.add_argument("--connections", type=int, default=50, help="wrk's, flat out")
    parser.add_argument("--python-client", action="store_true",
                        help="flat out with the Python client even when wrk is installed")
    args = parser.parse_args()
    use_wrk = args.flat_out and not args.python_client and shutil.which("wrk")
    reviewers = args.reviewers or (100 if args.flat_out else 50)
    seconds = args.seconds or (15 if use_wrk else 60)
    if seconds > 600:
        parser.error("--seconds: at most 600")
    with throwaway_database("postgres"):
        from django.db import connections

        articles, tokens = setup(reviewers, sentences=args.sentences)
        connections.close_all()
        print(f"{len(articles)} articles, {sum(map(len, articles))} sentences, "
              f"{reviewers} reviewers; load: {os.getloadavg()[0]:.2f}")
        server = serve(args.flat_out)
        try:
            if use_wrk:
                wrk_phases(server, articles, tokens, seconds, args.connections)
            else:
                pace = None if args.flat_out else args.pace
                python_client(tokens, [pk for a in articles for pk in a], seconds, pace)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        check_counts()


if __name__ == "__main__":
    main()
