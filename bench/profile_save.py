"""Where a label save's time goes in the application: the real request path (middleware,
DRF, token sign-in, throttle, view, save) through Django's test handler, under cProfile.

    .venv/bin/python bench/profile_save.py [--saves 3000] [--top 40]

A throwaway PostgreSQL database, 100 token reviewers on 3,000 sentences (as bench/load.py),
the production settings. Prints the time a save takes (and how much of it is the
application's own CPU time, the rest being the database's) with and without the profiler,
and the functions that take it, by own time and by cumulative time. Also GET /healthz, the
yardstick bench/load.py compares the saves with.
"""

import argparse
import cProfile
import json
import os
import pstats
import time

from throwaway import throwaway_database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=3000)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    os.environ["THROTTLE_USER_RATE"] = "1000000/minute"  # as bench/load.py's flat-out run
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # plain HTTP, as bench/load.py serves it
    with throwaway_database("postgres"):
        from django.test import Client
        from load import setup

        articles, tokens = setup(100, sentences=3000)
        sentences = [pk for article in articles for pk in article]
        client = Client(HTTP_HOST="localhost")
        versions = {}

        def save(i):
            token, name = tokens[i % len(tokens)]
            sentence = sentences[(i // len(tokens)) % len(sentences)]
            body = json.dumps({"label": ("verified", "disputed", "unclear")[i % 3],
                               "note": "checked against the source",
                               "version": versions.get((name, sentence), 0)})
            response = client.put(f"/api/sentences/{sentence}/annotation/", body,
                                  content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Token {token}")
            assert response.status_code in (200, 201), response.content
            versions[name, sentence] = response.json()["version"]

        def healthz(i):
            assert client.get("/healthz").status_code == 200

        for name, work in (("PUT annotation", save), ("GET /healthz", healthz)):
            for i in range(200):  # warm: connections, caches, first labels
                work(i)
            started, cpu = time.perf_counter(), time.process_time()
            for i in range(200, 200 + args.saves):
                work(i)
            plain = (time.perf_counter() - started) / args.saves * 1000
            cpu = (time.process_time() - cpu) / args.saves * 1000
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for i in range(200 + args.saves, 200 + 2 * args.saves):
                work(i)
            profiler.disable()
            profiled = (time.perf_counter() - started) / args.saves * 1000
            print(f"\n== {name}: {plain:.2f} ms a request, {cpu:.2f} ms of it on this "
                  f"process's CPU ({profiled:.2f} ms profiled), load {os.getloadavg()[0]:.2f}")
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
