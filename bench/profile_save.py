"""Where a label save's time goes in the application: the real request path (middleware,
DRF, token sign-in, throttle, view, save) through Django's WSGI handler, under cProfile.

    .venv/bin/python bench/profile_save.py [--saves 3000] [--top 40] [--cpu]

A throwaway PostgreSQL database, 100 token reviewers on 3,000 sentences (as bench/load.py),
the production settings. Prints the time a save takes (and how much of it is the
application's own CPU time, the rest being the database's) with and without the profiler,
and the functions that take it, by own time and by cumulative time. Also GET /healthz, the
yardstick bench/load.py compares the saves with. Requests go to the WSGI application as
gunicorn hands them over (no test client in between); `--cpu` profiles this process's CPU
time instead of the wall clock's, leaving out the time spent waiting for the database.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import time

from throwaway import throwaway_database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=3000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--cpu", action="store_true",
                        help="profile this process's CPU time, not the wall clock's")
    args = parser.parse_args()
    os.environ["THROTTLE_USER_RATE"] = "1000000/minute"  # as bench/load.py's flat-out run
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # plain HTTP, as bench/load.py serves it
    # Under wrk's flat-out load each of the 100 tokens comes round several times a second,
    # well within the sign-in cache's 5 s; here, with the profiler on, it would not.
    os.environ.setdefault("ACCESS_CACHE_SECONDS", "3600")
    with throwaway_database("postgres"):
        from django.core.wsgi import get_wsgi_application
        from load import setup

        articles, tokens = setup(100, sentences=3000)
        sentences = [pk for article in articles for pk in article]
        application = get_wsgi_application()
        versions = {}

        def call(method, path, body=b"", **headers):
            """One request through the WSGI application: (status, body)."""
            environ = {
                "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
                "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
                "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
                "wsgi.errors": io.StringIO(), "wsgi.multithread": True,
                "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
                "CONTENT_LENGTH": str(len(body)), **headers,
            }
            answer = []
            chunks = application(environ, lambda status, headers, *_: answer.append(status))
            try:
                content = b"".join(chunks)
            finally:
                getattr(chunks, "close", lambda: None)()
            return int(answer[0].split()[0]), content

        def save(i):
            token, name = tokens[i % len(tokens)]
            sentence = sentences[(i // len(tokens)) % len(sentences)]
            body = json.dumps({"label": ("verified", "disputed", "unclear")[i % 3],
                               "note": "checked against the source",
                               "version": versions.get((name, sentence), 0)})
            status, content = call("PUT", f"/api/sentences/{sentence}/annotation/",
                                   body.encode(), CONTENT_TYPE="application/json",
                                   HTTP_AUTHORIZATION=f"Token {token}")
            assert status in (200, 201), content
            versions[name, sentence] = json.loads(content)["version"]

        def healthz(i):
            status, content = call("GET", "/healthz")
            assert status == 200, content

        for name, work in (("PUT annotation", save), ("GET /healthz", healthz)):
            for i in range(200):  # warm: connections, caches, first labels
                work(i)
            started, cpu = time.perf_counter(), time.process_time()
            for i in range(200, 200 + args.saves):
                work(i)
            plain = (time.perf_counter() - started) / args.saves * 1000
            cpu = (time.process_time() - cpu) / args.saves * 1000
            profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
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
