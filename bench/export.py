"""Export speed and memory over HTTP, against COPY of the same rows.

    .venv/bin/python bench/export.py postgres|sqlite [--annotations 1000000] [--repeat 3]

Builds N annotations (3 reviewers a sentence, 30 sentences an article, a verdict on every
tenth sentence, a publication date on every article) in a throwaway database, plus a small
project of 10,000 annotations; serves the app with gunicorn (one worker) and downloads each
export over HTTP on loopback. Prints rows/s and, on PostgreSQL, two ratios: to COPY of the
export's own query, and to COPY of the simplest query that gives the same fields (SIMPLEST
below: raw columns, no formatting, ordered by primary key). Then the peak memory (VmHWM) of
the serving worker after the small export and after the big ones. With --repeat N, each
export runs N rounds of (download, COPY of its own query, COPY of the simplest) back to
back; it prints the fastest time of each and the median of the rounds' ratios (the machine
may be busy with other work, its load changing from minute to minute).
"""

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from throwaway import REPO_ROOT, bench_port, throwaway_database

PORT = bench_port(8765)
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
            "author, final_url, language, body, content_hash, split_bucket, created_at) "
            "SELECT %s + n, %s, 'Bench article ' || n, 'Bench wire', 'https://example.org/' || n, "
            "'', '', 'en', 'Body.', %s || n, n %% 100, %s FROM seq",
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


def complete_records(every=10):
    """A publication date on every article and a verdict on every `every`-th sentence, so
    that every column of the exports holds values."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    judge = User.objects.create_user("bench-judge")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO annotations_verdict (sentence_id, label, rationale, decided_by_id, "
            "decided_at) SELECT id, 'disputed', 'The figures say otherwise.', %s, %s "
            "FROM annotations_sentence WHERE id %% %s = 0",
            [judge.pk, timezone.now(), every],
        )
        cursor.execute("UPDATE annotations_article SET published_at = created_at")
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE annotations_verdict")
            cursor.execute("ANALYZE annotations_article")


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


# The yardstick: the simplest query that gives each export's fields, written by hand:
# raw columns (timestamps as PostgreSQL writes them), joins, ordered by primary key.
SIMPLEST = {
    "annotations": (
        {
            "sentence_id": "s.id", "article_id": "s.article_id", "project": "p.slug",
            "language": "ar.language", "position": "s.position", "start": "s.start",
            "end": 's."end"', "text": "s.text", "annotation_id": "a.id", "label": "a.label",
            "reviewer": "u.username",
            "note": "a.note", "evidence": "a.evidence", "version": "a.version",
            "created_at": "a.created_at", "updated_at": "a.updated_at",
            "split": "ar.split_bucket", "first_label": "a.first_label",
            "changed_after_reveal": "a.changed_after_reveal",
        },
        "FROM annotations_annotation a "
        "JOIN annotations_sentence s ON s.id = a.sentence_id "
        "JOIN annotations_article ar ON ar.id = s.article_id "
        "JOIN annotations_project p ON p.id = ar.project_id "
        "JOIN auth_user u ON u.id = a.reviewer_id "
        "ORDER BY a.id",
    ),
    "sentences": (
        {
            "sentence_id": "s.id", "article_id": "s.article_id", "project": "p.slug",
            "language": "ar.language", "position": "s.position", "start": "s.start",
            "end": 's."end"', "text": "s.text", "article_title": "ar.title",
            "article_url": "ar.url",
            "article_source": "ar.source", "article_published_at": "ar.published_at",
            "context_before": "b.text", "context_after": "n.text",
            "votes": "json_agg(json_build_object('reviewer', u.username, 'label', a.label))",
            "vote_count": "s.verified_count + s.disputed_count + s.unclear_count",
            "verified_count": "s.verified_count", "disputed_count": "s.disputed_count",
            "unclear_count": "s.unclear_count", "verdict": "v.label",
            "verdict_rationale": "v.rationale", "verdict_decided_at": "v.decided_at",
            "split": "ar.split_bucket",
        },
        "FROM annotations_sentence s "
        "JOIN annotations_article ar ON ar.id = s.article_id "
        "JOIN annotations_project p ON p.id = ar.project_id "
        "LEFT JOIN annotations_sentence b "
        "ON b.article_id = s.article_id AND b.position = s.position - 1 "
        "LEFT JOIN annotations_sentence n "
        "ON n.article_id = s.article_id AND n.position = s.position + 1 "
        "LEFT JOIN annotations_verdict v ON v.sentence_id = s.id "
        "LEFT JOIN annotations_annotation a ON a.sentence_id = s.id "
        "LEFT JOIN auth_user u ON u.id = a.reviewer_id "
        "GROUP BY s.id, p.id, ar.id, b.id, n.id, v.id "
        "ORDER BY s.id",
    ),
}


def simplest_copy(kind, fmt):
    """COPY of the SIMPLEST query for `kind`: JSON rows (json_build_object) in text format,
    or plain CSV with a header."""
    fields, rest = SIMPLEST[kind]
    if fmt == "csv":
        select = ", ".join(f'{expression} AS "{name}"' for name, expression in fields.items())
        return f"COPY (SELECT {select} {rest}) TO STDOUT WITH (FORMAT csv, HEADER)"
    pairs = ", ".join(f"'{name}', {expression}" for name, expression in fields.items())
    return f"COPY (SELECT json_build_object({pairs}) {rest}) TO STDOUT"


def simplest_copy_seconds(kind, fmt):
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(simplest_copy(kind, fmt)) as copy:
        for _ in copy:
            pass
    return time.perf_counter() - started


def measure(kind, fmt, token, repeat, postgres):
    """`repeat` rounds of: the HTTP download, then on PostgreSQL COPY of the export's own
    query and COPY of the simplest query, back to back. Returns (bytes, [(http, own,
    simplest) seconds per round])."""
    copy_format = "csv" if fmt == "csv" else "jsonl"
    rounds = []
    for _ in range(repeat):
        _, size, http = download(f"/api/export/{kind}/?format={fmt}", token)
        if postgres:
            rounds.append(
                (http, copy_seconds(kind, copy_format), simplest_copy_seconds(kind, copy_format))
            )
        else:
            rounds.append((http, None, None))
    return size, rounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=["postgres", "sqlite"])
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--formats", default="jsonl,csv,json")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of each download and COPY: the fastest time of the "
                        "rounds, the median ratio")
    args = parser.parse_args()
    with throwaway_database(args.database):
        from django.contrib.auth.models import User
        from rest_framework.authtoken.models import Token

        from annotations.exporting import ExportFilters, count_rows

        started = time.perf_counter()
        small_articles = populate("small", SMALL, first_article=1)
        populate("big", args.annotations, first_article=small_articles + 1)
        complete_records()
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
                    postgres = args.database == "postgres"
                    size, rounds = measure(kind, fmt, token, args.repeat, postgres)
                    rows = count_rows(kind, ExportFilters())
                    seconds = min(http for http, _, _ in rounds)
                    line = (
                        f"{args.database} {kind:<11} {fmt:<5} {rows:>9,} rows "
                        f"{size / 1e6:7.1f} MB {seconds:6.2f} s {rows / seconds:>10,.0f} rows/s"
                    )
                    if postgres:
                        # Each ratio from the runs of one round, which ran back to back
                        # (the median of the rounds): the load of a shared machine varies.
                        own = min(own for _, own, _ in rounds)
                        simplest = min(simplest for _, _, simplest in rounds)
                        own_ratio = statistics.median(own / http for http, own, _ in rounds)
                        simplest_ratio = statistics.median(
                            simplest / http for http, _, simplest in rounds
                        )
                        line += (f"  own COPY {rows / own:>9,.0f} rows/s ratio {own_ratio:.2f}"
                                 f"  simplest COPY {rows / simplest:>9,.0f} rows/s"
                                 f" ratio {simplest_ratio:.2f}")
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
