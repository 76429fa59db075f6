"""Claim memory: the checked sentences that state the same claim as a sentence or a text.

A sentence is *checked* when it has a verdict or when its labels have reached its review
target. `matches_for` finds, among the checked sentences of other articles a user sees,
those most likely to state the same claim; `search_checks` does the same for a typed text.

Two steps: candidates, then one score. On PostgreSQL the candidates come from the claim
memory, a table of the checked sentences kept by triggers (migration 0012), searched by
full text (in the article's language) or trigram similarity, both with GIN indexes. On
other databases every checked sentence the user sees is a candidate. Either way `score`
decides, in Python, so that both databases give the same answers.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from .models import Article, Label, PriorCheck, Sentence, Verdict, review_target_of
from .progress import label_count

MAX_RESULTS = 10
# Below this score two sentences are taken to state different claims (tests/test_matching.py
# holds the paraphrases above it and the unrelated pairs below).
THRESHOLD = 0.45
# A search finds the claims holding this share of the weight of what was typed.
SEARCH_COVERAGE = 0.6
# Candidates a PostgreSQL search hands to the score, per sentence.
CANDIDATES = 40
# Shorter searches than this find nothing: two letters match everything.
MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 1000

# Weights: what two statements of one claim share most surely.
NUMBER_WEIGHT = 3.0
NAME_WEIGHT = 2.0
RARE_WEIGHT = 1.5  # long words are rarer
WORD_WEIGHT = 1.0
RARE_LENGTH = 8

# Function words and the words of reporting, in the languages the desk reads most: they
# say nothing about which claim a sentence makes.
STOPWORDS = frozenset("""
a about above according after again against ago all also am an and another any are as at
be because been before being below between both but by can could did do does doing done
down during each either even ever every few for from further had has have having he her
here hers him his how however i if in into is it its itself just last least less like
made make many may me might more most much must my new no nor not now of off often on
once one only or other our ours out over own per percent said same say saying says she
should since so some still such than that the their theirs them then there these they
this those though through thus to told too under until up upon us very was we were what
when where whether which while who whom whose why will with within without would year
years yet you your week weeks day days today yesterday tomorrow month months time times
monday tuesday wednesday thursday friday saturday sunday
amid told tells tell reported reports report asked added noted stated claimed claims
el la los las de del y en que por para con un una se su al lo como más pero sus le les
des et est au aux du ce qui pas plus sur ne par dans une il elle ont été sont der die
das und ist den dem des ein eine nicht von zu mit sich auf für im auch als an wird
""".split())  # noqa: SIM905

TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?")
THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly")
STEM_LENGTH = 6


def _number(token):
    if THOUSANDS.match(token):
        return token.replace(",", "")
    return token.replace(",", ".")


def _stem(word):
    """A light stem that serves every language well enough to pair word forms: drop a
    common English ending, then keep the first STEM_LENGTH letters."""
    for suffix in SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:STEM_LENGTH]


class Terms(dict):
    """{term: weight}, and `names`: the terms written with a capital."""

    names = frozenset()


def terms(text):
    """Terms of a text with their weights: numbers ("#4.2"), then the stems of names and
    words that are not stopwords. A capitalised word that does not open the sentence
    weighs as a name."""
    text = unicodedata.normalize("NFKC", text)
    found, names = Terms(), set()
    first = True
    for match in TOKEN.finditer(text):
        token = match.group()
        if token[0].isdigit():
            term, weight = "#" + _number(token), NUMBER_WEIGHT
        else:
            word = token.lower().replace("’", "'").split("'")[0]
            opens = first
            if word in STOPWORDS or len(word) < 3:
                first = False
                continue
            if token[0].isupper() and not opens:
                weight = NAME_WEIGHT
            elif len(word) >= RARE_LENGTH:
                weight = RARE_WEIGHT
            else:
                weight = WORD_WEIGHT
            term = _stem(word)
            if token[0].isupper():
                names.add(term)
        first = False
        found[term] = max(weight, found.get(term, 0.0))
    found.names = frozenset(names)
    return found


def score(a, b):
    """How likely texts `a` and `b` (or their `terms`) state the same claim, 0 to 1: the
    weighted share of terms they have in common (Dice). Zero unless they share two terms,
    one of them a number or a word that is not a name (who and where alone are not a
    claim); halved when both give numbers and none is the same (4.2% is not 5.1%)."""
    a = terms(a) if isinstance(a, str) else a
    b = terms(b) if isinstance(b, str) else b
    shared = a.keys() & b.keys()
    if len(shared) < 2 or not shared - a.names - b.names:
        return 0.0
    value = sum(a[t] + b[t] for t in shared) / (sum(a.values()) + sum(b.values()))
    numbers_a = {t for t in a if t.startswith("#")}
    numbers_b = {t for t in b if t.startswith("#")}
    if numbers_a and numbers_b and not numbers_a & numbers_b:
        value /= 2
    return min(1.0, value)


# ---- what is checked, and who sees it -------------------------------------------------------


def checked(sentences=None):
    """The checked sentences among `sentences` (default: all): a verdict, or labels up to
    the review target."""
    sentences = Sentence.objects.all() if sentences is None else sentences
    return sentences.annotate(
        target=review_target_of(),
        has_verdict=Exists(Verdict.objects.filter(sentence=OuterRef("pk"))),
    ).filter(Q(has_verdict=True) | Q(target__lte=label_count()))


@dataclass
class Match:
    sentence_id: int
    article_id: int
    article_title: str
    text: str
    verdict: str | None
    labels: dict
    score: float

    @property
    def url(self):
        return f"/articles/{self.article_id}/#s-{self.sentence_id}"

    @property
    def result(self):
        """The label that stands: the verdict, else the majority of the labels (None on a tie)."""
        if self.verdict:
            return self.verdict
        ranked = sorted(self.labels.items(), key=lambda item: -item[1])
        if ranked[0][1] and ranked[0][1] > ranked[1][1]:
            return ranked[0][0]
        return None

    def as_dict(self):
        return {
            "sentence_id": self.sentence_id,
            "article_id": self.article_id,
            "article_title": self.article_title,
            "text": self.text,
            "verdict": self.verdict,
            "labels": self.labels,
            "score": round(self.score, 3),
            "url": self.url,
        }


def _use_memory():
    return connection.vendor == "postgresql"


def _ranked(query_terms, candidates, limit):
    """Score (id, text) candidates against `query_terms`; the ids above the threshold,
    best first (ties by id), with their scores."""
    scored = []
    for pk, text in candidates:
        value = score(query_terms, terms(text))
        if value >= THRESHOLD:
            scored.append((value, pk))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[:limit]


def _details(scored):
    """Matches for [(score, sentence id)], in that order: one query."""
    if not scored:
        return []
    rows = Sentence.objects.filter(pk__in=[pk for _, pk in scored]).values(
        "pk", "article_id", "article__title", "text", "verdict__label",
        "verified_count", "disputed_count", "unclear_count",
    )
    by_id = {row["pk"]: row for row in rows}
    return [
        Match(
            sentence_id=pk,
            article_id=row["article_id"],
            article_title=row["article__title"],
            text=row["text"],
            verdict=row["verdict__label"],
            labels={label: row[f"{label}_count"] for label in Label.values},
            score=value,
        )
        for value, pk in scored
        if (row := by_id.get(pk))
    ]


def _pool(articles):
    """The checked sentences of `articles` as (id, text, article id), on the portable path."""
    return checked(Sentence.objects.filter(article__in=articles)).values_list(
        "pk", "text", "article_id"
    )


# ---- PostgreSQL: candidates from the claim memory -------------------------------------------

TSQUERY_WORD = re.compile(r"[^\W_]+(?:[.,]\d+)*")
# The full-text query asks for two words in common among this many of the text's words:
# the weightiest (numbers, names, long words), those held by more than COMMON_CLAIMS
# claims last, the rarer first. A common word brings a large share of the memory for every
# claim to rank; the others bring few rows and the restated claims (tests/test_matching.py,
# bench/matches.py, docs/benchmarks.md).
TSQUERY_WORDS = 5
COMMON_CLAIMS = 100


def _query_words(text):
    """The words of `text` that may go into the full-text query, as PostgreSQL's `simple`
    configuration writes them, weightiest first (numbers, names, long words), each once:
    letters, digits and decimal points only, joined by spaces."""
    weights = terms(text)
    words, seen = [], set()
    for match in TSQUERY_WORD.finditer(unicodedata.normalize("NFKC", text)):
        word = match.group().lower()
        key = "#" + _number(word) if word[0].isdigit() else _stem(word)
        word = _number(word) if word[0].isdigit() else word
        if key in weights and word not in seen:
            seen.add(word)
            words.append((weights[key], len(words), word))
    words.sort(key=lambda item: (-item[0], item[1]))
    return " ".join(word for _, _, word in words)


def _memory_candidates(queries, articles, *, search=False):
    """{key: [(id, text, article id)]}: for each (key, text, language, excluded article id)
    of `queries`, the claims in memory among `articles` (a queryset) that share rare words
    or trigrams with the text, at most CANDIDATES, likeliest first. One query for all."""
    queries = [(key, text, language or "", _query_words(text), exclude)
               for key, text, language, exclude in queries]
    if not queries:
        return {}
    articles_sql, articles_params = articles.order_by().values("pk").query.sql_with_params()
    # How many claims hold each word, as ANALYZE (autovacuum) samples the memory: PostgreSQL
    # lists the most common words of the vectors with the share of the claims holding
    # each; a word not listed is rarer than any listed, and before the first ANALYZE every
    # word is. The query: every pair of the chosen words, each pair a `&`, joined by `|`
    # (as `score` asks two terms in common); the word alone when there is only one.
    #
    # Two words in common, in the text's language configuration (the GIN index of the
    # vectors); a search also takes the claims that hold what was typed, typos and all
    # (pg_trgm's `<%` on the GIN trigram index: the two scans joined by a bitmap OR). A
    # whole sentence's trigrams would bring a large share of the memory: matches skip them.
    trigrams, similarity = ("OR src.text <%% m.text", "+ word_similarity(src.text, m.text)") if (
        search
    ) else ("", "")
    sql = f"""
        WITH common AS MATERIALIZED (
            SELECT e.word, e.share * t.reltuples AS claims
            FROM pg_stats s, unnest(s.most_common_elems::text::text[],
                                    s.most_common_elem_freqs) AS e(word, share),
                 pg_class t
            WHERE s.schemaname = current_schema() AND s.attname = 'search_vector'
              AND s.tablename = 'annotations_claimmemory' AND e.word IS NOT NULL
              AND t.oid = 'annotations_claimmemory'::regclass
        ), src AS MATERIALIZED (
            SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::bigint[])
                AS src(key, text, language, words, exclude)
        ), rarest AS MATERIALIZED (
            SELECT key, word, rank FROM (
                SELECT src.key, w.word, row_number() OVER (
                    PARTITION BY src.key
                    ORDER BY CASE WHEN common.claims > %s THEN common.claims ELSE 0 END, w.n
                ) AS rank
                FROM src
                CROSS JOIN unnest(string_to_array(src.words, ' ')) WITH ORDINALITY AS w(word, n)
                LEFT JOIN common ON common.word = w.word
            ) ranked
            WHERE rank <= %s
        ), queries AS (
            SELECT src.*, coalesce(
                (SELECT string_agg(format('(%%s & %%s)', a.word, b.word), ' | ')
                 FROM rarest a JOIN rarest b ON b.key = a.key AND b.rank > a.rank
                 WHERE a.key = src.key),
                (SELECT word FROM rarest WHERE key = src.key AND rank = 1), ''
            ) AS tsquery
            FROM src
        )
        SELECT src.key, c.sentence_id, c.text, c.article_id
        FROM queries src
        CROSS JOIN LATERAL (
            SELECT m.sentence_id, m.text, m.article_id
            FROM annotations_claimmemory m,
                 to_tsquery(factcheck_ts_config(src.language), src.tsquery) AS q
            WHERE (m.search_vector @@ q {trigrams})
              AND m.article_id <> src.exclude
              AND m.article_id IN ({articles_sql})
            ORDER BY ts_rank(m.search_vector, q) {similarity} DESC, m.sentence_id
            LIMIT %s
        ) c
    """
    columns = [list(column) for column in zip(*queries, strict=True)]
    params = [*columns, COMMON_CLAIMS, TSQUERY_WORDS, *articles_params, CANDIDATES]
    found = {key: [] for key, *_ in queries}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, *row in cursor.fetchall():
            found[key].append(tuple(row))
    return found


# ---- the answers ---------------------------------------------------------------------------


def matches_for(sentence, articles, *, limit=MAX_RESULTS):
    """The checked sentences of `articles` (a queryset: those the user sees), outside the
    sentence's own article, that state its claim: Matches best first. Reads
    `sentence.article`; two queries (the candidates, their details)."""
    return matches_for_many([sentence], articles, limit=limit).get(sentence.pk, [])


def matches_for_many(sentences, articles, *, limit=MAX_RESULTS):
    """{sentence id: [Match]} for several sentences (a page's), in two queries: the
    candidates, their details. Reads each `sentence.article`."""
    sentences = list(sentences)
    if not sentences:
        return {}
    found = {}
    if _use_memory():
        pools = _memory_candidates(
            [(s.pk, s.text, s.article.language, s.article_id) for s in sentences], articles
        )
        for sentence in sentences:
            found[sentence.pk] = _ranked(
                terms(sentence.text), [(pk, text) for pk, text, _ in pools[sentence.pk]], limit
            )
    else:
        pool = list(_pool(articles))
        for sentence in sentences:
            found[sentence.pk] = _ranked(
                terms(sentence.text),
                [(pk, text) for pk, text, article in pool if article != sentence.article_id],
                limit,
            )
    details = {m.sentence_id: m for m in _details(sorted({x for v in found.values() for x in v}))}
    result = {}
    for pk, scored in found.items():
        result[pk] = [
            Match(**{**vars(details[sid]), "score": value})
            for value, sid in scored if sid in details
        ]
    return result


def search_score(query_terms, text_terms):
    """How well a checked sentence answers a typed search, 0 to 1: the match score, or,
    where the sentence holds most of what was typed (SEARCH_COVERAGE of its weight, two
    terms at least, or the one typed), the mean of that share and the weighted share of
    terms in common (so that, of the claims holding every word, the shorter come first)."""
    shared = query_terms.keys() & text_terms.keys()
    value = score(query_terms, text_terms)
    if len(shared) < min(2, len(query_terms)):
        return value
    coverage = sum(query_terms[t] for t in shared) / sum(query_terms.values())
    if coverage < SEARCH_COVERAGE:
        return value
    common = sum(query_terms[t] + text_terms[t] for t in shared) / (
        sum(query_terms.values()) + sum(text_terms.values())
    )
    return max(value, (coverage + common) / 2)


def search_checks(text, articles, *, language=None, limit=MAX_RESULTS):
    """The checked sentences of `articles` that answer the search `text`, best first."""
    text = text.strip()[:MAX_QUERY_LENGTH]
    query_terms = terms(text)
    if len(text) < MIN_QUERY_LENGTH or not query_terms:
        return []
    if language:
        articles = articles.filter(language__iexact=language)
    if _use_memory():
        pool = _memory_candidates([(0, text, language, 0)], articles, search=True)[0]
    else:
        pool = _pool(articles)
    scored = []
    for pk, candidate, _ in pool:
        value = search_score(query_terms, terms(candidate))
        if value >= THRESHOLD:
            scored.append((value, pk))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return _details(scored[:limit])


# ---- the stored count of prior checks, for lists and exports ---------------------------------


def remember_prior_checks(articles):
    """For every sentence of the newly imported `articles`, store the ids of its top matches
    among the checked sentences of its own project and of the open projects (what everyone
    who sees the article sees), and count them on the article (`checked_before`). Nothing
    to do, in one query, while nothing is checked; else a few queries a project."""
    from .access import open_or_same_project

    if not articles or not any_checked():
        return
    by_project = {}
    for article in articles:
        by_project.setdefault(article.project_id, []).append(article)
    for group in by_project.values():
        project = group[0].project
        by_id = {article.pk: article for article in group}
        sentences = list(Sentence.objects.filter(article__in=list(by_id)).only(
            "pk", "text", "article_id"
        ))
        for sentence in sentences:
            sentence.article = by_id[sentence.article_id]
        found = matches_for_many(sentences, Article.objects.filter(open_or_same_project(project)))
        PriorCheck.objects.bulk_create(
            PriorCheck(sentence_id=pk, matches=[m.sentence_id for m in matches])
            for pk, matches in found.items() if matches
        )
        counts = {}
        for sentence in sentences:
            if found.get(sentence.pk):
                counts[sentence.article_id] = counts.get(sentence.article_id, 0) + 1
        for article_id, count in counts.items():
            Article.objects.filter(pk=article_id).update(checked_before=count)
            by_id[article_id].checked_before = count


def any_checked():
    """Whether anything has been checked yet: a cheap test before matching an import."""
    if _use_memory():
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM annotations_claimmemory)")
            return cursor.fetchone()[0]
    return Verdict.objects.exists() or Sentence.objects.filter(
        Q(verified_count__gt=0) | Q(disputed_count__gt=0) | Q(unclear_count__gt=0)
    ).exists()


def recurrence(articles):
    """{articles, sentences, recurring, share}: how many sentences of `articles` repeat a
    claim checked before they were imported (from the stored counts: one query)."""
    from django.db.models import Count, Sum

    totals = articles.aggregate(
        sentences=Sum("tally__sentences"), recurring=Sum("checked_before"),
        repeating=Count("pk", filter=Q(checked_before__gt=0)),
    )
    sentences = totals["sentences"] or 0
    recurring = totals["recurring"] or 0
    return {
        "sentences": sentences,
        "recurring": recurring,
        "articles": totals["repeating"] or 0,
        "share": recurring / sentences if sentences else 0.0,
    }
