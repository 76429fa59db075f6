"""The counts derived from the annotations, in one list: how to find their drift and how to
rebuild them.

Pages read counts kept beside the annotations rather than group the annotations on each
visit: each sentence's label counts, each article's tally (see `tallies`), each project's
daily rollups (see `rollups`). The services move them in the transaction of every change.
`DERIVED` lists them in the order each is built from the ones before; `check` and
`rebuild` (and `manage.py rebuild_counts`) run the whole list, so a new derived count
registers here and nowhere else. Each works on a batch of articles (what those articles'
annotations make) or, for a count kept per project, of projects.
"""

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from . import rollups, tallies
from .models import Annotation, Article, Label, Project, Sentence

LABELS = Label.values


ARTICLE, PROJECT = "article", "project"


class Drift(NamedTuple):
    """A derived count of one article (or project, `per`) that differs from what its
    annotations make. `stored` is None where no row is stored; `sentences`, for per-sentence
    counts, how many of the article's sentences differ (`stored` and `expected` are then
    their sums)."""

    per: str
    id: int
    count: str
    field: str
    stored: float | None
    expected: float
    sentences: int | None = None


@dataclass(frozen=True)
class Derived:
    """`drift(batch)` yields (id, field, stored, expected[, sentences]) where the count of
    an article of the batch (of a project, for a count kept `per` project) differs, reading
    only; `rebuild(batch)` rewrites it from what it is built from, under the locks of the
    batch's sentences (`tallies.lock_sentences`), which the caller holds."""

    name: str
    drift: Callable[..., Iterable[tuple]]
    rebuild: Callable[..., object]
    per: str = ARTICLE


def label_count_drift(articles):
    """Sentences of `articles` whose label counts differ from their annotations, summed per
    article and label."""
    found = {
        f"found_{label}": Count("annotations", filter=Q(annotations__label=label))
        for label in LABELS
    }
    differs = reduce(
        operator.or_, (~Q(**{f"{label}_count": F(f"found_{label}")}) for label in LABELS)
    )
    rows = (
        Sentence.objects.filter(article__in=articles)
        .annotate(**found)
        .filter(differs)
        .order_by()
        .values_list("article_id", *[f"{label}_count" for label in LABELS], *found)
    )
    sums = defaultdict(lambda: [0, 0, 0])  # (article, label): stored, expected, sentences
    for article_id, *values in rows:
        stored_counts, found_counts = values[: len(LABELS)], values[len(LABELS) :]
        for label, stored, expected in zip(LABELS, stored_counts, found_counts, strict=True):
            if stored != expected:
                total = sums[article_id, label]
                total[0] += stored
                total[1] += expected
                total[2] += 1
    for (article_id, label), (stored, expected, sentences) in sums.items():
        yield article_id, f"{label}_count", stored, expected, sentences


def recount_labels(articles):
    """Set the label counts of the sentences of `articles` from their annotations."""
    counts = {
        f"{label}_count": Coalesce(
            Subquery(
                Annotation.objects.filter(sentence=OuterRef("pk"), label=label)
                .order_by()
                .values("sentence")
                .annotate(n=Count("id"))
                .values("n")
            ),
            Value(0),
        )
        for label in LABELS
    }
    Sentence.objects.filter(article__in=articles).update(**counts)


# Each is built from the ones before it: the rollups from the sentences' label counts.
DERIVED = (
    Derived("sentence label counts", drift=label_count_drift, rebuild=recount_labels),
    Derived("article tallies", drift=tallies.drift, rebuild=tallies.refresh),
    Derived("daily rollups", drift=rollups.drift, rebuild=rollups.refresh, per=PROJECT),
)


def check(batch):
    """The drift of every derived count of `batch` (articles, or projects for the counts
    kept per project), as Drift rows. Reads one consistent state of the database; on
    PostgreSQL without a lock, so saves go on meanwhile (SQLite queues the transaction
    with the writers)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _drift(batch)


def rebuild(batch=None):
    """Rebuild every derived count of `batch` (articles, or projects for the counts kept
    per project; default: every article, then every project) from their annotations, in
    one transaction; return the drift it repaired. Locks the batch's sentences first (see
    `tallies.lock_sentences`): labels saved meanwhile wait, and are counted."""
    if batch is None:
        with transaction.atomic():
            return rebuild(Article.objects.all()) + rebuild(Project.objects.all())
    with transaction.atomic():
        tallies.lock_sentences(
            batch if _per(batch) == ARTICLE else Article.objects.filter(project__in=batch)
        )
        drift = _drift(batch)
        for derived in DERIVED:
            if derived.per == _per(batch):
                derived.rebuild(batch)
    return drift


def _per(batch):
    return PROJECT if batch.model is Project else ARTICLE


def _drift(batch):
    return [Drift(derived.per, row[0], derived.name, *row[1:])
            for derived in DERIVED if derived.per == _per(batch)
            for row in derived.drift(batch)]


def batches(size):
    """The ids of every article, in lists of at most `size`, in id order."""
    last = 0
    while pks := list(
        Article.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
    ):
        last = pks[-1]
        yield pks
