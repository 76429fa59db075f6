"""Server time of the staff dashboard with many labels, on one database.

    .venv/bin/python bench/dashboard.py postgres|sqlite [--annotations 1000000] [--runs 20]

Builds N annotations like bench/export.py (3 reviewers a sentence, 30 sentences an
article, a verdict on every tenth sentence) spread over the last 365 days, rebuilds the
daily rollups from their new days (a row per project, day and reviewer), then times
/admin/dashboard/ as staff through Django's test client (server time, no network): with
the default period (the last 30 days), for one project, for one article, and with a period
holding every label (the worst case for the activity figures). Prints the median and 95th
percentile of the wall time, the median CPU time of this process (the app's own work: the
rest is the database's, or waiting for a core on a busy machine) and the number of queries.
"""

import argparse
import math
import statistics
import time
from datetime import timedelta

from throwaway import throwaway_database

SPREAD_DAYS = 365


def spread_over_a_year():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE annotations_annotation SET created_at = created_at - "
                f"(id % {SPREAD_DAYS}) * interval '1 day', updated_at = created_at - "
                f"(id % {SPREAD_DAYS}) * interval '1 day'"
            )
            cursor.execute("VACUUM ANALYZE annotations_annotation")
        else:
            cursor.execute(
                "UPDATE annotations_annotation SET "
                f"created_at = datetime(created_at, '-' || (id % {SPREAD_DAYS}) || ' days'), "
                "updated_at = created_at"
            )
    # The rollups count a label on the day it was created: rebuild them from the new days.
    from annotations.counts import rebuild
    from annotations.models import Project

    rebuild(Project.objects.all())


def timed(client, path, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, secure=True)  # warm up
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    p95 = samples[math.ceil(len(samples) * 0.95) - 1]
    return statistics.median(samples), p95, statistics.median(cpu), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=["postgres", "sqlite"])
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with throwaway_database(args.database):
        from django.contrib.auth.models import User
        from django.test import Client
        from django.utils import timezone
        from export import complete_records, populate

        started = time.perf_counter()
        populate("big", args.annotations, first_article=1)
        complete_records()
        spread_over_a_year()
        print(f"built {args.annotations:,} annotations over {SPREAD_DAYS} days in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        staff = User.objects.create_user("bench-staff", is_staff=True, is_superuser=True)
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
        today = timezone.localdate()
        whole_year = today - timedelta(days=SPREAD_DAYS)
        for name, path in (
            ("default period (30 days)", "/admin/dashboard/"),
            ("one project, 30 days", "/admin/dashboard/?project=big"),
            ("one article, 30 days", "/admin/dashboard/?article=1"),
            ("one project, a whole year", f"/admin/dashboard/?project=big&since={whole_year}"),
            ("every label in the period", f"/admin/dashboard/?since={whole_year}&until={today}"),
        ):
            median, p95, cpu, queries = timed(client, path, args.runs)
            print(f"{args.database}: dashboard, {name}: median {median:.0f} ms, "
                  f"p95 {p95:.0f} ms, CPU {cpu:.0f} ms, {queries} queries", flush=True)


if __name__ == "__main__":
    main()
