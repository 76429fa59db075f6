"""Export speed and memory over HTTP, against COPY of the same rows.

    .venv/bin/python bench/export.py postgres|sqlite [--annotations 1000000]

Builds N annotations (3 reviewers a sentence, 30 sentences an article) in a throwaway
database, plus a small project of 10,000 annotations; serves the app with gunicorn (one
worker) and downloads each export over HTTP on loopback. Prints rows/s, the ratio to
COPY of the same query on PostgreSQL, and the peak memory (VmHWM) of the serving worker
after the small export and after the big ones.
"""

import argparse
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from throwaway import REPO_ROOT, throwaway_database

PORT = 8765
REVIEWERS = 3
SENTENCES_PER_ARTICLE = 30
SMALL = 10_000
NOTES = ['Says "no" \\ twice', "Line one\nline two", "tab\there", "é 中文 🎉", "=1+1", ""]


def populate(project_slug, annotations, first_article):
    """Insert articles, sentences and annotations set-wise, in SQL both databases speak."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from annotations.counts import rebuild
    from annotations.models import Project

    project, _ = Project.objects.get_or_create(slug=project_slug, defaults={"name": project_slug})
    reviewers = [
        User.objects.get_or_create(username=f"bench{i}")[0].pk for i in range(REVIEWERS)
    ]
    sentences = annotations // REVIEWERS
    articles = -(-sentences // SENTENCES_PER_ARTICLE)
    now = timezone.now()
    series = "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "
    with connection.cursor() as cursor:
        cursor.execute(
            series + "INSERT INTO annotations_article (id, project_id, title, source, url, "
            "language, body, content_hash, split_bucket, created_at) "
            "SELECT %s + n, %s, 'Bench article ' || n, 'Bench wire', 'https://example.org/' || n, "
            "'en', 'Body.', %s || n, n %% 100, %s FROM seq",
            [articles - 1, first_article, project.pk, f"{project_slug}-", now],
        )
        cursor.execute(
            series
            + "INSERT INTO annotations_sentence (article_id, position, text, start, \"end\") "
            "SELECT %s + n / %s, n %% %s, 'Sentence ' || n || ' says the figure rose 3.5%%.', "
            "0, 10 FROM seq",
            [sentences - 1, first_article, SENTENCES_PER_ARTICLE, SENTENCES_PER_ARTICLE],
        )
        for i, reviewer in enumerate(reviewers):
            note = NOTES[i % len(NOTES)]
            cursor.execute(
                "INSERT INTO annotations_annotation (sentence_id, reviewer_id, label, note, "
                "evidence, created_at, updated_at, version, first_label, changed_after_reveal) "
                "SELECT id, %s, label, %s, '[\"https://example.org/evidence\"]', %s, %s, 1, "
                "label, false FROM (SELECT s.id, CASE (s.id + %s) %% 3 WHEN 0 THEN 'verified' "
                "WHEN 1 THEN 'disputed' ELSE 'unclear' END AS label "
                "FROM annotations_sentence s JOIN annotations_article a ON a.id = s.article_id "
                "WHERE a.project_id = %s) AS labeled",
                [reviewer, note, now, now, i, project.pk],
            )
    rebuild(project.articles.all())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return articles


def serve(env):
    command = [
        str(REPO_ROOT / ".venv" / "bin" / "gunicorn"),
        "factcheck.wsgi",
        "--bind", f"127.0.0.1:{PORT}",
        "--workers", "1",
        "--worker-class", "gthread",
        "--threads", "2",
        "--timeout", "600",
        "--no-control-socket",
        "--log-level", "warning",
    ]
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    worker = int(
        subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0]
    )
    return server, worker


def peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def download(path, token):
    """GET over HTTP, reading 1 MiB at a time; (lines, bytes, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    connection.request("GET", path, headers={"Authorization": f"Token {token}"})
    response = connection.getresponse()
    assert response.status == 200, (response.status, response.read()[:300])
    lines = size = 0
    while chunk := response.read(1 << 20):
        lines += chunk.count(b"\n")
        size += len(chunk)
    return lines, size, time.perf_counter() - started


def copy_seconds(kind, fmt):
    """Time of COPY of the export's own query, read by this process and thrown away."""
    from annotations.exporting import ExportFilters, _copy_chunks, export_query

    values, columns = export_query(kind, ExportFilters())
    started = time.perf_counter()
    for _ in _copy_chunks(values, columns, fmt):
        pass
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=["postgres", "sqlite"])
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--formats", default="jsonl,csv,json")
    args = parser.parse_args()
    with throwaway_database(args.database):
        from django.contrib.auth.models import User
        from rest_framework.authtoken.models import Token

        from annotations.exporting import ExportFilters, count_rows

        started = time.perf_counter()
        small_articles = populate("small", SMALL, first_article=1)
        populate("big", args.annotations, first_article=small_articles + 1)
        print(f"built {args.annotations + SMALL:,} annotations in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        staff = User.objects.create_user("bench-staff", is_staff=True, is_superuser=True)
        token = Token.objects.create(user=staff).key
        from django.db import connections

        connections.close_all()

        env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false"}
        server, worker = serve(env)
        try:
            _, _, seconds = download("/api/export/annotations/?project=small", token)
            rows = count_rows("annotations", ExportFilters(project="small"))
            small_peak = peak_rss_mb(worker)
            print(f"small export: {rows:,} rows in {seconds:.2f} s; "
                  f"worker peak {small_peak:.1f} MB", flush=True)
            for kind in ("annotations", "sentences"):
                for fmt in args.formats.split(","):
                    _, size, seconds = download(f"/api/export/{kind}/?format={fmt}", token)
                    rows = count_rows(kind, ExportFilters())
                    line = (
                        f"{args.database} {kind:<11} {fmt:<5} {rows:>9,} rows "
                        f"{size / 1e6:7.1f} MB {seconds:6.2f} s {rows / seconds:>10,.0f} rows/s"
                    )
                    if args.database == "postgres":
                        copy_format = "csv" if fmt == "csv" else "jsonl"
                        baseline = copy_seconds(kind, copy_format)
                        line += (f"  COPY {rows / baseline:>10,.0f} rows/s"
                                 f"  ratio {baseline / seconds:.2f}")
                    line += f"  worker peak {peak_rss_mb(worker):.1f} MB"
                    print(line, flush=True)
            growth = peak_rss_mb(worker) - small_peak
            print(f"worker peak memory growth from {SMALL:,} to "
                  f"{args.annotations + SMALL:,} rows: {growth:.1f} MB")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
