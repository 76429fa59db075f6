"""Importing a model's predictions, and evaluating it, at a million sentences.

    .venv/bin/python bench/predictions.py postgres|sqlite [--predictions 1000000] [--profile]

Builds N sentences (30 an article, two reviewers' labels on each, a verdict on every other
one) in a throwaway database, writes a JSONL file of N predictions (half naming the
sentence by id, half by article id and offsets, a score on each), and times:
`manage.py import_predictions` of it (new predictions), the same file again (nothing
changes), a file with every tenth label changed, then `evaluate()` against the verdicts
and against the majority, and the dashboard's Models section. `--profile` adds where the
first import's and the evaluations' time went (cProfile) and the evaluation's query plans.
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import tempfile
import time
from io import StringIO

from throwaway import throwaway_database

SENTENCES_PER_ARTICLE = 30
LABELS = ("verified", "disputed", "unclear")
CLAIM_TRIGGERS = ("annotations_sentence", "annotations_verdict")


def populate(sentences):
    """Articles, sentences (spans 20 code points apart), two reviewers' labels on each
    sentence and a verdict on every other one, set-wise in SQL both databases speak."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone

    from annotations.counts import DERIVED, PROJECT
    from annotations.models import Article, Project

    project = Project.objects.get(slug="default")
    reviewers = [User.objects.create(username=f"bench{i}").pk for i in range(2)]
    judge = User.objects.create(username="judge").pk
    articles = -(-sentences // SENTENCES_PER_ARTICLE)
    now = timezone.now()
    series = "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "
    # On PostgreSQL triggers keep the claim memory (matching.py) in step with verdicts and
    # label counts, a row at a time: behind them, a million sentences take the better part
    # of an hour. The predictions never read that memory: it is left empty here.
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            for table in CLAIM_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(
            series + "INSERT INTO annotations_article (id, project_id, title, source, url, "
            "final_url, author, language, body, content_hash, split_bucket, created_at) "
            "SELECT 1 + n, %s, 'Bench article ' || n, 'Bench wire', 'https://example.org/' || n, "
            "'', '', 'en', 'Body.', 'bench-' || n, n %% 100, %s FROM seq",
            [articles - 1, project.pk, now],
        )
        cursor.execute(
            series
            + "INSERT INTO annotations_sentence (id, article_id, position, text, start, \"end\") "
            "SELECT 1 + n, 1 + n / %s, n %% %s, 'Sentence ' || n || ' says the figure rose.', "
            "(n %% %s) * 20, (n %% %s) * 20 + 10 FROM seq",
            [sentences - 1] + [SENTENCES_PER_ARTICLE] * 4,
        )
        for i, reviewer in enumerate(reviewers):
            # The second reviewer agrees with the first on two sentences in three.
            label = f"CASE (id * 7 + {i} * (id %% 3 / 2)) %% 3 WHEN 0 THEN 'verified' " \
                "WHEN 1 THEN 'disputed' ELSE 'unclear' END"
            cursor.execute(
                "INSERT INTO annotations_annotation (sentence_id, reviewer_id, label, note, "
                "evidence, created_at, updated_at, version, first_label, changed_after_reveal) "
                f"SELECT id, %s, {label}, '', '[]', %s, %s, 1, {label}, false "
                "FROM annotations_sentence",
                [reviewer, now, now],
            )
        cursor.execute(
            "INSERT INTO annotations_verdict (sentence_id, label, rationale, decided_by_id, "
            "decided_at) SELECT id, CASE (id * 7) %% 3 WHEN 0 THEN 'verified' WHEN 1 THEN "
            "'disputed' ELSE 'unclear' END, '', %s, %s FROM annotations_sentence "
            "WHERE id %% 2 = 0",
            [judge, now],
        )
    # Every derived count built from the labels just loaded; counts.rebuild() would also
    # read every label into Python to report the drift, a quarter of an hour here.
    with transaction.atomic():
        for derived in DERIVED:
            derived.rebuild(Project.objects.all() if derived.per == PROJECT
                            else Article.objects.all())
    with connection.cursor() as cursor:
        if postgres:
            for table in CLAIM_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        cursor.execute("ANALYZE")


def predictions_file(path, sentences, changed_every=0, seed=1):
    """N predictions, right about two times in three; with `changed_every`, that share of
    them gets another label."""
    rng = random.Random(seed)
    with open(path, "w") as out:
        for n in range(sentences):
            sentence = n + 1
            truth = LABELS[(sentence * 7) % 3]
            label = truth if rng.random() < 0.67 else rng.choice(LABELS)
            if changed_every and n % changed_every == 0:
                label = LABELS[(LABELS.index(label) + 1) % 3]
            score = round(rng.random(), 3)
            if n % 2:
                row = {"sentence_id": sentence, "label": label, "score": score}
            else:
                position = n % SENTENCES_PER_ARTICLE
                row = {"article_id": 1 + n // SENTENCES_PER_ARTICLE, "start": position * 20,
                       "end": position * 20 + 10, "label": label, "score": score}
            out.write(json.dumps(row) + "\n")


def timed(label, work, profile=False):
    """Run work(), print the wall-clock and CPU seconds it took (CPU: this process only,
    the database's share is the difference); with `profile`, where the time went."""
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    result = profiler.runcall(work) if profile else work()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label:<44} {elapsed:8.2f} s  (CPU here {cpu:.2f} s)", flush=True)
    if profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return result, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database", choices=["postgres", "sqlite"])
    parser.add_argument("--predictions", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true",
                        help="run the first import and the evaluations under cProfile and "
                        "print where their time went")
    options = parser.parse_args()
    n = options.predictions
    with throwaway_database(options.database), tempfile.TemporaryDirectory() as folder:
        from django.core.management import call_command
        from django.db import connection

        from annotations.evaluation import evaluate, models_section
        from annotations.models import PredictionModel

        timed(f"build {n:,} sentences, labels, verdicts", lambda: populate(n))
        first, again = os.path.join(folder, "p.jsonl"), os.path.join(folder, "q.jsonl")
        predictions_file(first, n)
        predictions_file(again, n, changed_every=10)
        print(f"predictions file: {os.path.getsize(first) / 1e6:.0f} MB")

        def run(path):
            out = StringIO()
            call_command("import_predictions", "--model", "bench", path, stdout=out,
                         stderr=StringIO())
            return out.getvalue().strip()

        for title, path in (("import, all new", first), ("import again, nothing changes", first),
                            ("import, every tenth changed", again)):
            message, _ = timed(title, lambda path=path: run(path),
                               options.profile and path == first and "new" in title)
            print(f"  {message}")
        model = PredictionModel.objects.get(name="bench")
        for against in ("verdict", "majority"):
            answer, _ = timed(f"evaluate against the {against}",
                              lambda against=against: evaluate(model, against=against),
                              options.profile)
            print(f"  n {answer['n']:,}, accuracy {answer['accuracy']:.3f}, "
                  f"macro-F1 {answer['macro_f1']:.3f}, kappa {answer['kappa']:.3f}, "
                  f"reviewers' accuracy {answer['human']['accuracy']:.3f}")
        timed("dashboard Models section (both references)", models_section)
        if options.profile and connection.vendor == "postgresql":
            explain(lambda: evaluate(model, against="verdict"))


def explain(work):
    """Print the plan of every query `work` runs, as PostgreSQL ran it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        work()
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print(query["sql"][:300], "...")
            print("\n".join(row[0] for row in cursor.fetchall()), "\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
