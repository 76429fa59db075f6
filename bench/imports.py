"""Import speed: sentences per second through the import service, on one database.

    .venv/bin/python bench/imports.py sqlite|postgres [--articles 3000] [--processes N]
        [--paragraph-kb KB ...] [--language CODE]

Builds news-like articles (about 20 sentences each, paragraphs, abbreviations, quotes),
imports them in one all-or-nothing batch as `import_articles` does (split in --processes
worker processes, default: the cores, as that command), and prints articles/s and
sentences/s, with the CPU time it took. With --paragraph-kb, then imports one article of
a single paragraph of each size (the same sentences run together, as `POST /api/articles/`
would) and prints its time (--articles 0 skips the batch). --language gives every article
that language, as a record naming one would, so no time goes to detecting it. Run once
per database: Django settings are per process.
"""

import argparse
import os
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


def make_paragraph(kilobytes, seed=7):
    """One paragraph of the same sentences, as long as fits in `kilobytes` KB (UTF-8)."""
    rng = random.Random(seed)
    sentences, size = [], -1
    while size + len((sentence := rng.choice(SENTENCES)).encode()) + 1 <= kilobytes * 1000:
        sentences.append(sentence)
        size += len(sentence.encode()) + 1
    return " ".join(sentences)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--processes", type=int, default=None, metavar="N")
    parser.add_argument("--paragraph-kb", type=int, nargs="*", default=[], metavar="KB")
    parser.add_argument("--language", help="every article's language (default: detected)")
    args = parser.parse_args()
    records = make_articles(args.articles)
    for _, record in records if args.language else ():
        record["language"] = args.language
    with throwaway_database(args.database):
        from annotations.importing import import_article, import_records
        from annotations.models import Sentence
        from annotations.segmentation import available_cores

        processes = args.processes or available_cores()

        if records:
            started, before = time.perf_counter(), os.times()
            import_records(records, processes=processes)
            seconds, after = time.perf_counter() - started, os.times()
            sentences = Sentence.objects.count()
            own = after.user + after.system - before.user - before.system
            workers = sum(after[2:4]) - sum(before[2:4])
            print(
                f"{args.database}: {args.articles} articles, {sentences} sentences in "
                f"{seconds:.1f} s = {args.articles / seconds:,.0f} articles/s, "
                f"{sentences / seconds:,.0f} sentences/s ({processes} processes splitting; "
                f"CPU: {own:.1f} s in this process, {workers:.1f} s in workers)",
                flush=True,
            )
        for kilobytes in args.paragraph_kb:
            body = make_paragraph(kilobytes)
            started, cpu = time.perf_counter(), time.process_time()
            article = import_article(body=body, title=f"One paragraph of {kilobytes} KB").article
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"{args.database}: one article of a single {kilobytes} KB paragraph, "
                f"{article.sentences.count():,} sentences in {seconds:.2f} s "
                f"({seconds / len(body) * 1e6:.1f} µs a character; {cpu:.2f} s of CPU)",
                flush=True,
            )


if __name__ == "__main__":
    main()
