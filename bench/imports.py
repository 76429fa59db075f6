"""Import speed: sentences per second through the import service, on one database.

    .venv/bin/python bench/imports.py sqlite|postgres [--articles 3000]

Builds news-like articles (about 20 sentences each, paragraphs, abbreviations, quotes),
imports them in one all-or-nothing batch as `import_articles` does, and prints
articles/s and sentences/s. Run once per database: Django settings are per process.
"""

import argparse
import random
import time

from throwaway import throwaway_database

SENTENCES = [
    "Officials in Washington said on Tuesday that the U.S. plan had 28 points.",
    "The talks lasted nearly five hours, according to Mr. Ushakov.",
    "Inflation rose 3.2% in October, the highest since Jan. 2023.",
    "“We can discuss this, but we can’t agree to that,” he said.",
    "Critics, e.g. the opposition, called the deal premature.",
    "The meeting starts at 9 a.m. Tuesday in Geneva.",
    "Dr. Jane R. Smith of St. Mary’s Hospital declined to comment.",
    "Analysts expect a decision by Dec. 15, though nothing is certain.",
    "Is this the end of the war?",
    "More details are at https://example.org/report.html for readers.",
]


def make_articles(count, seed=7):
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        paragraphs = [
            " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 5)))
            for _ in range(rng.randint(4, 7))
        ]
        body = f"Report number {n}\n" + "\n".join(paragraphs)
        articles.append((f"article {n}", {"body": body, "source": "Bench wire"}))
    return articles


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args()
    records = make_articles(args.articles)
    with throwaway_database(args.database):
        from annotations.importing import import_records
        from annotations.models import Sentence

        started = time.perf_counter()
        import_records(records)
        seconds = time.perf_counter() - started
        sentences = Sentence.objects.count()
        print(
            f"{args.database}: {args.articles} articles, {sentences} sentences in {seconds:.1f} s "
            f"= {args.articles / seconds:,.0f} articles/s, {sentences / seconds:,.0f} sentences/s"
        )


if __name__ == "__main__":
    main()
