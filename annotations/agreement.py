"""Agreement between reviewers: Krippendorff's alpha for nominal data, percent agreement,
and the coincidences of labels behind both.

A sentence with m >= 2 labels is pairable. Each ordered pair of its labels from two
different reviewers adds 1/(m-1) to the coincidence o[c][k] of their labels (c, k). Then

    alpha = 1 - (n - 1) * sum(o[c][k], c != k) / sum(n_c * n_k, c != k)

with n_c the row sums of o and n their total (Krippendorff, "Computing Krippendorff's
Alpha-Reliability", 2011). Percent agreement is the share of those pairs whose labels match.
The database sums everything from per-sentence label counts, one aggregate query for any
number of labels; Python only does the last arithmetic on a 3 x 3 matrix.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Q

from .models import Label

LABELS = Label.values


@dataclass
class Coincidences:
    """Sums over pairable sentences: o[(c, k)], agreeing and all ordered pairs."""

    o: dict = field(default_factory=lambda: defaultdict(float))
    agreeing_pairs: float = 0
    pairs: float = 0
    units: int = 0

    def add_unit(self, counts):
        """Add one unit (a sentence) given its counts {category: n}; any categories."""
        m = sum(counts.values())
        if m < 2:
            return
        self.units += 1
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - (c == k))
                self.o[c, k] += pairs / (m - 1)
                if c == k:
                    self.agreeing_pairs += pairs
        self.pairs += m * (m - 1)


def marginals_of(o):
    n_c = defaultdict(float)
    for (c, _), value in o.items():
        n_c[c] += value
    return n_c


def alpha(o, marginals=None):
    """Krippendorff's alpha (nominal) from coincidences {(c, k): o_ck}; None when undefined
    (fewer than two pairable values, or no variation to disagree about).

    `marginals` (n_c) default to the row sums of `o`; pass the whole data's to measure a
    part of it (one reviewer's pairs) against the expected disagreement of the whole.
    """
    n_c = marginals or marginals_of(o)
    n = sum(n_c.values())
    expected = n * n - sum(value * value for value in n_c.values())  # sum of n_c n_k, c != k
    total = sum(o.values())
    if n <= 1 or expected <= 0 or total == 0:
        return None
    observed = sum(value for (c, k), value in o.items() if c != k)
    # 1 - D_o / D_e, with D_o = observed / total and D_e = expected / (n (n - 1)).
    return 1 - (observed / total) * n * (n - 1) / expected


def summary(coincidences, marginals=None):
    """The figures served to users for one set of coincidences."""
    o = coincidences.o
    return {
        "alpha": alpha(o, marginals),
        "percent": (
            100 * coincidences.agreeing_pairs / coincidences.pairs if coincidences.pairs else None
        ),
        "pairable_sentences": coincidences.units,
        "confusion": {c: {k: round(o.get((c, k), 0), 6) for k in LABELS} for c in LABELS},
    }


# ---- summed in the database ----------------------------------------------------------------


def _per_sentence_counts(annotations):
    """SQL of one row per sentence: article_id, one count per label, and m."""
    counts = (
        annotations.order_by()
        .values("sentence_id")
        .annotate(
            article_id=F("sentence__article_id"),
            **{f"n_{c}": Count("id", filter=Q(label=c)) for c in LABELS},
            m=Count("id"),
        )
    )
    return counts.query.sql_with_params()


def _coincidence_sums(counts_alias="t"):
    """SELECT terms summing o[c][k], the agreeing pairs and all pairs over pairable rows."""
    t = counts_alias
    terms = []
    for c in LABELS:
        for k in LABELS:
            self_pairs = " - 1" if c == k else ""
            terms.append(f"SUM({t}.n_{c} * ({t}.n_{k}{self_pairs}) * 1.0 / ({t}.m - 1))")
    terms.append(" + ".join(f"SUM({t}.n_{c} * ({t}.n_{c} - 1))" for c in LABELS))
    terms.append(f"SUM({t}.m * ({t}.m - 1))")
    terms.append("COUNT(*)")
    return ", ".join(terms)


def _coincidences_from_row(row):
    result = Coincidences()
    values = iter(row)
    for c in LABELS:
        for k in LABELS:
            result.o[c, k] = float(next(values) or 0)
    result.agreeing_pairs = float(next(values) or 0)
    result.pairs = float(next(values) or 0)
    result.units = int(next(values) or 0)
    return result


def coincidences(annotations, by_article=False):
    """Coincidences of a queryset of annotations: one Coincidences, or a dict of them by
    article id. One query."""
    sql, params = _per_sentence_counts(annotations)
    group = "t.article_id, " if by_article else ""
    query = (
        f"SELECT {group}{_coincidence_sums()} FROM ({sql}) AS t WHERE t.m >= 2"
        + (" GROUP BY t.article_id" if by_article else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    if not by_article:
        return _coincidences_from_row(rows[0])
    return {row[0]: _coincidences_from_row(row[1:]) for row in rows}


def reviewer_coincidences(annotations):
    """Each reviewer against the others: the coincidences of the pairs that include them,
    by reviewer id. One query joining each label to its sentence's counts.

    A reviewer whose label is c on a sentence with counts n pairs with the others' labels:
    n_k - [k == c] of label k, each pair weighing 1/(m-1). Pairs count both ways, so that
    o stays symmetric as in the whole data's matrix.
    """
    sql, params = _per_sentence_counts(annotations)
    mine_sql, mine_params = (
        annotations.order_by().values("sentence_id", "reviewer_id", "label").query.sql_with_params()
    )
    terms = []
    for c in LABELS:
        for k in LABELS:
            self_pair = " - 1" if c == k else ""
            terms.append(
                f"SUM(CASE WHEN a.label = '{c}' THEN (t.n_{k}{self_pair}) * 1.0 / (t.m - 1) "
                "ELSE 0 END)"
            )
    query = (
        f"SELECT a.reviewer_id, {', '.join(terms)}, "
        + " + ".join(f"SUM(CASE WHEN a.label = '{c}' THEN t.n_{c} - 1 ELSE 0 END)" for c in LABELS)
        + ", SUM(t.m - 1), COUNT(*) "
        f"FROM ({mine_sql}) AS a JOIN ({sql}) AS t ON t.sentence_id = a.sentence_id "
        "WHERE t.m >= 2 GROUP BY a.reviewer_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*mine_params, *params])
        rows = cursor.fetchall()
    result = {}
    for row in rows:
        pairs = _coincidences_from_row(row[1:])
        # Mirror: the reviewer's (c, k) pairs are also (k, c) pairs of the others.
        symmetric = defaultdict(float)
        for (c, k), value in pairs.o.items():
            symmetric[c, k] += value / 2
            symmetric[k, c] += value / 2
        pairs.o = symmetric
        result[row[0]] = pairs
    return result


def agreement_report(annotations):
    """Overall, per-article and per-reviewer agreement for a queryset of annotations."""
    overall = coincidences(annotations)
    marginals = marginals_of(overall.o)
    return {
        "overall": summary(overall),
        "per_article": {
            article_id: summary(value)
            for article_id, value in coincidences(annotations, by_article=True).items()
        },
        "per_reviewer": {
            reviewer_id: summary(value, marginals)
            for reviewer_id, value in reviewer_coincidences(annotations).items()
        },
    }
