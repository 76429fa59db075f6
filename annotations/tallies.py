"""Per-article running sums (ArticleTally): how each label change moves them, and how to
rebuild them from the sentences' label counts.

A sentence with label counts n (m labels in all) under a review target t adds to its
article: n to the label totals, min(m, t) to reviews_done and, when m >= 2, one pairable
sentence, m(m-1) ordered pairs, sum n_c(n_c-1) agreeing ones and n_c (n_k - [c == k]) / (m-1)
to the coincidence o_ck. Each verdict on it adds one to `verdicts`.
"""

import math
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import Least
from django.db.models.lookups import GreaterThanOrEqual

from .agreement import Coincidences, coincidence_sums, labels_on
from .models import (
    Annotation,
    Article,
    ArticleTally,
    Label,
    Sentence,
    Verdict,
    review_target_of,
)

LABELS = Label.values
SHORT = {"verified": "v", "disputed": "d", "unclear": "u"}
# The stored coincidences: the diagonal and one side of each symmetric pair.
PAIRS = [("verified", "verified"), ("disputed", "disputed"), ("unclear", "unclear"),
         ("verified", "disputed"), ("verified", "unclear"), ("disputed", "unclear")]


def field(c, k):
    return f"o_{SHORT[c]}{SHORT[k]}"


NAMES = ["sentences", *LABELS, "reviews_done", "pairable", "pairs", "agreeing",
         *[field(c, k) for c, k in PAIRS], "verdicts"]


def terms(counts, target):
    """What one sentence with these label counts adds to its article's tally."""
    m = sum(counts.values())
    result = {label: counts[label] for label in LABELS}
    result["reviews_done"] = min(m, target)
    pairable = m >= 2
    result["pairable"] = int(pairable)
    result["pairs"] = m * (m - 1) if pairable else 0
    result["agreeing"] = sum(n * (n - 1) for n in counts.values()) if pairable else 0
    for c, k in PAIRS:
        same = 1 if c == k else 0
        result[field(c, k)] = counts[c] * (counts[k] - same) / (m - 1) if pairable else 0.0
    return result


def apply_change(sentence_id, deltas, annotation):
    """Move a sentence's label counts by `deltas` ({label: +1/-1}), a change of
    `annotation`'s label, and its article's tally and its project's rollups by the
    difference it makes. Locks the sentence: changes to it are applied one by one, and wait
    for a rebuild that holds it (see `lock_sentences`)."""
    sentence = (
        Sentence.objects.select_for_update()
        .only("article_id", "verified_count", "disputed_count", "unclear_count")
        .get(pk=sentence_id)
    )
    # Read after the lock, in a query of its own: a rebuild for a new review target holds
    # the lock until it commits, and the locking query's own joins would still see the old.
    article = (
        Article.objects.select_related("project")
        .only("review_target", "project__review_target")
        .get(pk=sentence.article_id)
    )
    before = {label: getattr(sentence, f"{label}_count") for label in LABELS}
    after = {label: before[label] + deltas.get(label, 0) for label in LABELS}
    Sentence.objects.filter(pk=sentence_id).update(
        **{f"{label}_count": F(f"{label}_count") + delta for label, delta in deltas.items()}
    )
    target = article.effective_review_target
    old, new = terms(before, target), terms(after, target)
    moves = {name: new[name] - old[name] for name in new if new[name] != old[name]}
    if moves:
        ArticleTally.objects.filter(article_id=sentence.article_id).update(
            **{name: F(name) + change for name, change in moves.items()}
        )
    from . import rollups  # which imports this module

    rollups.apply_change(project_id=article.project_id, sentence_id=sentence_id,
                         annotation=annotation, before=before, after=after)


def count_verdict(article_id, delta):
    """Move the article's verdict count by `delta` (a verdict given: +1, taken back: -1).
    Call it under the sentence's lock (see `lock_sentences`), like the label changes."""
    ArticleTally.objects.filter(article_id=article_id).update(verdicts=F("verdicts") + delta)


def drift(articles):
    """Where the tallies of `articles` differ from what their annotations make: yields
    (article_id, name, stored, expected), stored None for a missing tally. Sums the
    `terms` of each sentence (the steps `apply_change` takes) over label counts read
    from the annotations themselves, so it checks the running sums and `refresh`'s SQL
    alike. Five queries."""
    found = defaultdict(dict)
    for sentence_id, label, n in (
        Annotation.objects.filter(sentence__article__in=articles)
        .order_by()
        .values_list("sentence_id", "label")
        .annotate(n=Count("pk"))
    ):
        found[sentence_id][label] = n
    targets = dict(articles.annotate(t=review_target_of(article="")).values_list("pk", "t"))
    expected = {pk: dict.fromkeys(NAMES, 0) for pk in targets}
    for sentence_id, article_id in (
        Sentence.objects.filter(article__in=articles).order_by().values_list("pk", "article_id")
    ):
        counts = {label: found[sentence_id].get(label, 0) for label in LABELS}
        sums = expected[article_id]
        sums["sentences"] += 1
        for name, value in terms(counts, targets[article_id]).items():
            sums[name] += value
    for article_id, n in (
        Verdict.objects.filter(sentence__article__in=articles)
        .order_by()
        .values_list("sentence__article_id")
        .annotate(n=Count("pk"))
    ):
        expected[article_id]["verdicts"] = n
    stored = {
        row.pop("article_id"): row
        for row in ArticleTally.objects.filter(article__in=articles).values("article_id", *NAMES)
    }
    for article_id, sums in expected.items():
        tally = stored.get(article_id)
        for name in NAMES:
            value = None if tally is None else tally[name]
            if value is None or not math.isclose(value, sums[name], abs_tol=1e-9):
                yield article_id, name, value, sums[name]


def lock_sentences(articles):
    """Lock the sentences of `articles`, in id order, until the transaction ends.

    Every change of a label holds its sentence's lock while it moves the counts
    (save_annotation locks the annotation, then the sentence, then writes the tally). A
    rebuild that locks the sentences before it reads a count waits for the labels being
    saved, and the labels saved after wait for it: none is read stale or overwritten."""
    list(
        Sentence.objects.filter(article__in=articles)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )


def refresh(articles=None):
    """Rebuild the tallies of `articles` (default: all) from their sentences' label counts:
    after a change of review target, or rows written behind the services' back. Locks the
    articles' sentences (see `lock_sentences`), in the caller's transaction if there is
    one."""
    articles = Article.objects.all() if articles is None else articles
    with transaction.atomic():
        lock_sentences(articles)
        _rebuild(articles)


def _rebuild(articles):
    n, m = labels_on()
    target = review_target_of()
    sums = coincidence_sums(n, m, only=GreaterThanOrEqual(m, 2))
    rows = (
        Sentence.objects.filter(article__in=articles)
        .order_by()
        .values("article_id")
        .annotate(
            n_sentences=Count("pk"),
            **{f"n_{label}": Sum(n[label]) for label in LABELS},
            done=Sum(Least(m, target)),
            n_verdicts=Count("verdict"),
            **sums,
        )
    )
    tallies = [
        ArticleTally(
            article_id=row["article_id"],
            sentences=row["n_sentences"],
            **{label: row[f"n_{label}"] for label in LABELS},
            reviews_done=row["done"],
            pairable=row["units"],
            pairs=row["pairs"] or 0,
            agreeing=row["agreeing"] or 0,
            **{field(c, k): row[f"o_{c}_{k}"] or 0.0 for c, k in PAIRS},
            verdicts=row["n_verdicts"],
        )
        for row in rows
    ]
    ArticleTally.objects.bulk_create(
        tallies, batch_size=1000, update_conflicts=True, unique_fields=["article"],
        update_fields=NAMES,
    )
    # Articles without sentences still get an empty tally.
    ArticleTally.objects.bulk_create(
        [ArticleTally(article_id=pk) for pk in articles.filter(tally__isnull=True)
         .values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


def coincidences_of(row):
    result = Coincidences()
    for c, k in PAIRS:
        value = float(row[field(c, k)] or 0)
        result.o[c, k] = value
        if c != k:
            result.o[k, c] = value
    result.agreeing_pairs = float(row["agreeing"] or 0)
    result.pairs = float(row["pairs"] or 0)
    result.units = int(row["pairable"] or 0)
    return result


SUMMED = ["pairable", "pairs", "agreeing", *[field(c, k) for c, k in PAIRS]]


def coincidences(articles, by_article=False):
    """Coincidences of the sentences of `articles`, from their tallies: one Coincidences,
    or a dict of them by article id. One query."""
    tallies = ArticleTally.objects.filter(article__in=articles)
    if not by_article:
        return coincidences_of(tallies.aggregate(**{name: Sum(name) for name in SUMMED}))
    rows = tallies.values("article_id", *SUMMED)
    return {row["article_id"]: coincidences_of(row) for row in rows}
