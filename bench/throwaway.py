"""A throwaway database for a benchmark: `with throwaway_database("postgres"): ...`.

Sets DATABASE_URL (or SQLITE_PATH) before Django starts, migrates, and drops the
database afterwards. Import this before anything that imports Django settings.

Benchmarks run with production settings (DEBUG off) and read no `.env`, so that a fresh
clone after `make install` and a working copy where `make run` wrote one measure the same
thing. Django's test client calls the app as `localhost`.
"""

import contextlib
import os
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("ENV_FILE", "")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")

POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# Two benchmarks at once on one server each need their own.
BENCH_DB = os.environ.get("BENCH_DATABASE", "factcheck_bench")


def bench_port(default):
    """The port a benchmark serves the app on: BENCH_PORT, else `default` (two benchmarks
    at once on one machine each need their own)."""
    return int(os.environ.get("BENCH_PORT", default))


@contextlib.contextmanager
def throwaway_database(kind):
    """Yield with Django set up on a fresh, migrated database of `kind` (sqlite|postgres)."""
    import psycopg

    if kind == "postgres":
        admin = psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
        os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{BENCH_DB}"
        folder = None
    else:
        folder = tempfile.TemporaryDirectory()
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = f"{folder.name}/bench.sqlite3"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production static files
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if kind == "postgres":
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            admin.close()
        else:
            folder.cleanup()
