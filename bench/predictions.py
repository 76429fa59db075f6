"""Importing a model's predictions, and evaluating it, at a million sentences.

    .venv/bin/python bench/predictions.py postgres|sqlite [--predictions 1000000]

Builds N sentences (30 an article, two reviewers' labels on each, a verdict on every other
one) in a throwaway database, writes a JSONL file of N predictions (half naming the
sentence by id, half by article id and offsets, a score on each), and times:
`manage.py import_predictions` of it (new predictions), the same file again (nothing
changes), a file with every tenth label changed, then `evaluate()` against the verdicts
and against the majority, and the dashboard's Models section.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from io import StringIO

from throwaway import throwaway_database

SENTENCES_PER_ARTICLE = 30
LABELS = ("verified", "disputed", "unclear")


def populate(sentences):
    """Articles, sentences (spans 20 code points apart), two reviewers' labels on each
    sentence and a verdict on every other one, set-wise in SQL both databases speak."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from annotations.counts import rebuild
    from annotations.models import Project

    project = Project.objects.get(slug="default")
    reviewers = [User.objects.create(username=f"bench{i}").pk for i in range(2)]
    judge = User.objects.create(username="judge").pk
    articles = -(-sentences // SENTENCES_PER_ARTICLE)
    now = timezone.now()
    series = "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "
    with connection.cursor() as cursor:
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
    rebuild()


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


def timed(label, work):
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed:8.1f} s", flush=True)
    return result, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database", choices=["postgres", "sqlite"])
    parser.add_argument("--predictions", type=int, default=1_000_000)
    options = parser.parse_args()
    n = options.predictions
    with throwaway_database(options.database), tempfile.TemporaryDirectory() as folder:
        from django.core.management import call_command

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
            message, _ = timed(title, lambda path=path: run(path))
            print(f"  {message}")
        model = PredictionModel.objects.get(name="bench")
        for against in ("verdict", "majority"):
            answer, _ = timed(f"evaluate against the {against}",
                              lambda against=against: evaluate(model, against=against))
            print(f"  n {answer['n']:,}, accuracy {answer['accuracy']:.3f}, "
                  f"macro-F1 {answer['macro_f1']:.3f}, kappa {answer['kappa']:.3f}, "
                  f"reviewers' accuracy {answer['human']['accuracy']:.3f}")
        timed("dashboard Models section (both references)", models_section)


if __name__ == "__main__":
    sys.exit(main())
