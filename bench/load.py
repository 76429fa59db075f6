"""Simulated reviewers labeling through the API, on gunicorn and PostgreSQL.

    .venv/bin/python bench/load.py [--reviewers 50] [--seconds 60] [--pace 1.0]
    .venv/bin/python bench/load.py --flat-out --seconds 20

Builds a throwaway PostgreSQL database (articles of 30 sentences, one token per
reviewer), serves the app with gunicorn as `make serve` does (gunicorn.conf.py; plain HTTP
on loopback), and runs one thread per reviewer, each with its own keep-alive connection:
PUT /api/sentences/{id}/annotation/ on sentence after sentence, at `--pace` labels a second
each, or as fast as the server answers with --flat-out. Every run is bounded in time and
sends traffic to 127.0.0.1 only. Prints requests/s, latency percentiles and errors.
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import threading
import time

from throwaway import REPO_ROOT, bench_port, throwaway_database

PORT = bench_port(8766)
SENTENCES_PER_ARTICLE = 30


def setup(reviewers, sentences):
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from annotations.importing import import_article

    body = " ".join(f"Claim {i} says the figure rose {i}.5% last year." for i in range(30))
    ids = []
    for n in range(-(-sentences // SENTENCES_PER_ARTICLE)):
        article = import_article(body=f"Article {n}. {body}").article
        ids += list(article.sentences.values_list("pk", flat=True))
    group = Group.objects.get(name="reviewer")
    tokens = []
    for i in range(reviewers):
        user = User.objects.create_user(f"load{i}")
        user.groups.add(group)
        tokens.append(Token.objects.create(user=user).key)
    return ids, tokens


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pace", type=float, default=1.0, help="labels a second per reviewer")
    parser.add_argument("--flat-out", action="store_true", help="no pause between labels")
    args = parser.parse_args()
    if args.seconds > 600:
        parser.error("--seconds: at most 600")
    with throwaway_database("postgres"):
        from django.db import connections

        sentence_ids, tokens = setup(args.reviewers, sentences=3000)
        connections.close_all()
        server = serve(args.flat_out)
        try:
            results, lock = [], threading.Lock()
            deadline = time.monotonic() + args.seconds
            pace = None if args.flat_out else args.pace
            threads = [
                threading.Thread(target=reviewer,
                                 args=(token, sentence_ids, deadline, pace, results, lock))
                for token in tokens
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    latencies = sorted(latency for latency, _ in results)
    errors = sum(1 for _, status in results if status not in (200, 201))
    mode = "flat out" if args.flat_out else f"{args.pace:g} label/s each"
    print(f"{args.reviewers} reviewers, {mode}, {elapsed:.0f} s: {len(results)} requests, "
          f"{len(results) / elapsed:.1f} requests/s, {errors} errors")
    print(f"latency ms: p50 {percentile(latencies, 0.50):.1f}, "
          f"p95 {percentile(latencies, 0.95):.1f}, p99 {percentile(latencies, 0.99):.1f}, "
          f"max {latencies[-1]:.1f}, mean {statistics.fmean(latencies):.1f}")
    statuses = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"statuses: {dict(sorted(statuses.items()))}")


if __name__ == "__main__":
    main()
