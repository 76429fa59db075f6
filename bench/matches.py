"""Earlier checks of a claim at scale: GET /api/sentences/{id}/matches/ and /api/checks/.

    .venv/bin/python bench/matches.py [--sentences 1000000] [--checked-every 10]
                                      [--probes 200] [--explain]

On PostgreSQL (the claim memory is PostgreSQL's): builds N sentences of generated news-like
text (30 an article; words drawn from a vocabulary of 30,000 with Zipf frequencies, 3,000
names, numbers, and the function words of English) and a verdict on every tenth, so that
N / 10 are checked. Then imports one article of probe sentences: half restate a checked
sentence (words dropped, replaced and moved), half are new. A reviewer labels every probe,
and each probe's matches are fetched as that reviewer through Django's test client
(server time, no network). Prints the import time, the median, 95th percentile and
maximum of the matches, their queries, the CPU a request took (app and database backend:
what load on the machine does not inflate much), the same for a baseline API request on
each probe, the recall on the restated probes and the false matches of the new ones; then
the same for /api/checks/ with a few words of a checked sentence. --explain prints the plan
of one candidate query.
"""

import argparse
import os
import random
import statistics
import time
from itertools import accumulate
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "factcheck_bench_matches")

from throwaway import throwaway_database  # noqa: E402

SENTENCES_PER_ARTICLE = 30
VERDICT_TRIGGER = "factcheck_claims_on_verdict"
VOCABULARY = 30_000
ZIPF_OFFSET = int(os.environ.get("ZIPF_OFFSET", "20"))
NAMES = 3_000
FUNCTION_WORDS = frozenset("""
the of and to in a that for on with as was said by at from is it his be has have are but not
its were an had which will their after this been would also who more than
""".split())  # noqa: SIM905
FUNCTION_LIST = sorted(FUNCTION_WORDS)
SYLLABLES = [c + v for c in "bcdfghklmnprstvwz" for v in "aeiou"] + ["str", "ph", "th", "qu"]


def vocabulary(rng):
    words, names = set(), set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    while len(names) < NAMES:
        name = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))).capitalize()
        if name.lower() not in words:
            names.add(name)
    return sorted(words), sorted(names)


class Writer:
    """Random news-like sentences: function words, Zipf-distributed words and names, numbers."""

    def __init__(self, rng):
        self.rng = rng
        self.words, self.names = vocabulary(rng)
        # Zipf from rank ZIPF_OFFSET on: the most frequent words of news are function words,
        # which the stopwords take out; with rank 1 a single word would be in most sentences.
        self.word_weights = list(accumulate(
            1 / rank for rank in range(ZIPF_OFFSET, ZIPF_OFFSET + len(self.words))
        ))
        self.name_weights = list(accumulate(1 / rank for rank in range(1, len(self.names) + 1)))

    def token(self):
        r = self.rng.random()
        if r < 0.4:
            return self.rng.choice(FUNCTION_LIST)
        if r < 0.9:
            return self.rng.choices(self.words, cum_weights=self.word_weights)[0]
        if r < 0.97:
            return self.rng.choices(self.names, cum_weights=self.name_weights)[0]
        if self.rng.random() < 0.5:
            return str(self.rng.randint(2, 2000))
        return f"{self.rng.randint(1, 99)}.{self.rng.randint(1, 9)}%"

    def sentence(self):
        tokens = [self.token() for _ in range(self.rng.randint(10, 28))]
        return " ".join(tokens).capitalize() + "."

    def restate(self, text):
        """The same claim in other words: some words dropped, two replaced, halves swapped."""
        tokens = text.rstrip(".").split()
        tokens = [t for t in tokens if t not in FUNCTION_WORDS or self.rng.random() < 0.6]
        for _ in range(2):
            tokens[self.rng.randrange(len(tokens))] = self.rng.choices(
                self.words, cum_weights=self.word_weights
            )[0]
        middle = len(tokens) // 2
        tokens = tokens[middle:] + ["and", "said", "that"] + tokens[:middle]
        return " ".join(tokens).capitalize() + "."


def build(writer, sentences, checked_every):
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from annotations.models import Project

    project = Project.objects.create(slug="big", name="Big")
    articles = -(-sentences // SENTENCES_PER_ARTICLE)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO annotations_article (id, project_id, title, source, author, final_url, "
            "url, language, body, content_hash, split_bucket, created_at) "
            "SELECT n, %s, 'Bench article ' || n, 'Bench wire', '', '', '', 'en', 'Body.', "
            "'big-' || n, n %% 100, %s FROM generate_series(1, %s) AS n",
            [project.pk, now, articles],
        )
        cursor.execute("SELECT setval('annotations_article_id_seq', %s)", [articles])
        texts = []
        with cursor.copy(
            'COPY annotations_sentence (article_id, position, text, start, "end") FROM STDIN'
        ) as copy:
            for i in range(sentences):
                text = writer.sentence()
                if i % checked_every == 0:
                    texts.append(text)
                copy.write_row((1 + i // SENTENCES_PER_ARTICLE, i % SENTENCES_PER_ARTICLE,
                                text, 0, len(text)))
        cursor.execute(
            "INSERT INTO annotations_articletally (article_id, sentences) "
            "SELECT id, %s FROM annotations_article", [SENTENCES_PER_ARTICLE],
        )
        judge = User.objects.create_user("bench-judge")
        # Loaded behind the trigger, then the memory rebuilt in one statement (timed).
        cursor.execute(f"ALTER TABLE annotations_verdict DISABLE TRIGGER {VERDICT_TRIGGER}")
        cursor.execute(
            "INSERT INTO annotations_verdict (sentence_id, label, rationale, decided_by_id, "
            "decided_at) SELECT id, 'disputed', '', %s, %s FROM annotations_sentence "
            "WHERE (id - 1) %% %s = 0",
            [judge.pk, now, checked_every],
        )
        cursor.execute(f"ALTER TABLE annotations_verdict ENABLE TRIGGER {VERDICT_TRIGGER}")
        started = time.perf_counter()
        cursor.execute("SELECT factcheck_refresh_claims()")
        refreshed = time.perf_counter() - started
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM annotations_claimmemory")
        remembered = cursor.fetchone()[0]
    return texts, remembered, refreshed


def backend_cpu():
    """CPU seconds the database backend of Django's connection has used, where the server
    runs on this machine (None elsewhere): with the app's own CPU time, the cost of a
    request whatever else loads the machine."""
    from django.db import connection

    connection.ensure_connection()
    try:
        fields = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text()
    except OSError:
        return None
    utime, stime = fields.rsplit(")", 1)[1].split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def timed(client, paths):
    """Fetch `paths`; print the candidate query's own times and the CPU a request took;
    return the median, 95th percentile and maximum (ms), the most queries a request made,
    and the answers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples, answers, queries, candidates = [], [], 0, []
    app, database = time.process_time(), backend_cpu()
    for path in paths:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, secure=True)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.content)
        answers.append(response.json().get("results"))
        queries = max(queries, len(captured))
        candidates += [float(q["time"]) * 1000 for q in captured if "claimmemory" in q["sql"]]
    app = (time.process_time() - app) * 1000 / len(paths)
    cpu = f"CPU a request: app {app:.1f} ms"
    if database is not None and (after := backend_cpu()) is not None:
        cpu += f", database {(after - database) * 1000 / len(paths):.1f} ms"
    print(f"  {cpu}", flush=True)
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    if candidates:
        candidates.sort()
        print(f"  the candidate query alone: median {statistics.median(candidates):.1f} ms, "
              f"p95 {candidates[max(0, int(len(candidates) * 0.95) - 1)]:.1f} ms", flush=True)
    return statistics.median(samples), p95, ordered[-1], queries, answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--checked-every", type=int, default=10)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    rng = random.Random(14)
    writer = Writer(rng)
    with throwaway_database("postgres"):
        from django.db import connection
        from django.test import Client

        from annotations.annotating import save_annotation
        from annotations.importing import import_article
        from annotations.models import Project, Sentence

        def make_user(username, role):
            from django.contrib.auth.models import Group, User

            user = User.objects.create_user(username)
            user.groups.add(Group.objects.get(name=role))
            return user

        started = time.perf_counter()
        checked, remembered, refreshed = build(writer, args.sentences, args.checked_every)
        print(f"built {args.sentences:,} sentences, {remembered:,} checked, in "
              f"{time.perf_counter() - started:.0f} s (claim memory rebuilt in "
              f"{refreshed:.1f} s)", flush=True)

        sources = rng.sample(checked, args.probes // 2)
        restated = [writer.restate(text) for text in sources]
        fresh = [writer.sentence() for _ in range(args.probes - len(restated))]
        probes = restated + fresh
        rng.shuffle(probes)
        started = time.perf_counter()
        article = import_article(body="\n".join(probes), project=Project.objects.get(slug="big"),
                                 title="Probes").article
        print(f"imported the {len(probes)}-sentence probe article in "
              f"{(time.perf_counter() - started) * 1000:.0f} ms "
              f"({article.checked_before} sentences checked before)", flush=True)
        by_text = {s.text: s for s in Sentence.objects.filter(article=article)}
        assert len(by_text) == len(probes), "a probe was split or merged"

        reviewer = make_user("bench-reviewer", role="reviewer")
        for sentence in by_text.values():
            save_annotation(sentence=sentence, reviewer=reviewer, label="verified")
        client = Client(HTTP_HOST="localhost")
        client.force_login(reviewer)
        client.get(f"/api/sentences/{by_text[probes[0]].pk}/matches/", secure=True)  # warm up
        paths = [f"/api/sentences/{by_text[text].pk}/matches/" for text in probes]
        median, p95, worst, queries, answers = timed(client, paths)
        print(f"matches: median {median:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms, "
              f"{queries} queries", flush=True)
        # The same sign-in, throttle and sentence lookup without the matching: what any API
        # request costs on this machine now.
        base = timed(client, [path.replace("/matches/", "/annotation/") for path in paths])
        print(f"baseline GET /api/sentences/{{id}}/annotation/: median {base[0]:.1f} ms, "
              f"p95 {base[1]:.1f} ms", flush=True)
        source_of = dict(zip(restated, sources, strict=True))
        found = sum(
            1 for text, results in zip(probes, answers, strict=True)
            if text in source_of and results and results[0]["text"] == source_of[text]
        )
        false = sum(
            1 for text, results in zip(probes, answers, strict=True)
            if text not in source_of and results
        )
        print(f"recall on restated probes {found}/{len(restated)}, "
              f"false matches on new ones {false}/{len(fresh)}", flush=True)

        judge = make_user("bench-adjudicator", role="adjudicator")
        client.force_login(judge)
        searches = []
        for text in rng.sample(checked, args.probes):
            words = [w for w in text.rstrip(".").split() if w not in FUNCTION_WORDS]
            searches.append(" ".join(rng.sample(words, min(3, len(words)))))
        median, p95, worst, queries, answers = timed(
            client, [f"/api/checks/?q={q}" for q in searches]
        )
        hits = sum(1 for results in answers if results)
        print(f"checks search (3 words): median {median:.1f} ms, p95 {p95:.1f} ms, "
              f"max {worst:.1f} ms, {queries} queries, {hits}/{len(searches)} found", flush=True)

        if args.explain:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                client.get(paths[0], secure=True)
            sql = next(q["sql"] for q in captured if "claimmemory" in q["sql"])
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
