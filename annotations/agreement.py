"""Agreement between reviewers: Krippendorff's alpha for nominal data, percent agreement,
and the coincidences of labels behind both.

A sentence with m >= 2 labels is pairable. Each ordered pair of its labels from two
different reviewers adds 1/(m-1) to the coincidence o[c][k] of their labels (c, k). Then

    alpha = 1 - (n - 1) * sum(o[c][k], c != k) / sum(n_c * n_k, c != k)

with n_c the row sums of o and n their total (Krippendorff, "Computing Krippendorff's
Alpha-Reliability", 2011). Percent agreement is the share of those pairs whose labels match.
The database sums everything from each sentence's label counts (kept on the sentence), one
aggregate query for any number of labels; Python only does the last arithmetic on a
3 x 3 matrix.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, FloatField, Sum, Value, When
from django.db.models.functions import Cast

from .models import Label
from .progress import label_count

LABELS = Label.values


@dataclass
class Coincidences:
    """Sums over pairable sentences: o[(c, k)], agreeing and all ordered pairs."""

    o: dict = field(default_factory=lambda: defaultdict(float))
    agreeing_pairs: float = 0
    pairs: float = 0
    units: int = 0

    def add_unit(self, counts, times=1):
        """Add one unit (a sentence) given its counts {category: n}; any categories.
        `times`: as many units with those same counts."""
        m = sum(counts.values())
        if m < 2:
            return
        self.units += times
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - (c == k)) * times
                self.o[c, k] += pairs / (m - 1)
                if c == k:
                    self.agreeing_pairs += pairs
        self.pairs += m * (m - 1) * times


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


def _float(expression):
    return Cast(expression, FloatField())


def labels_on(prefix=""):
    """Per-sentence counts: n[label] and their total m, read through `prefix`."""
    return {c: F(f"{prefix}{c}_count") for c in LABELS}, label_count(prefix)


def coincidence_sums(n, m, weight=None, only=None):
    """Sums for o[c][k], agreeing pairs, all pairs and pairable units.

    `weight(c, value)` keeps a term only on rows labeled c (one reviewer's side of each
    pair); `only` (a condition) limits every sum to the rows it holds for.
    """
    sums = {}
    for c in LABELS:
        for k in LABELS:
            others = n[k] - (1 if c == k else 0)
            pairs = n[c] * others if weight is None else weight(c, others)
            sums[f"o_{c}_{k}"] = Sum(_float(pairs) / _float(m - 1), filter=only)
    if weight is None:
        sums["agreeing"] = Sum(sum((n[c] * (n[c] - 1) for c in LABELS), Value(0)), filter=only)
        sums["pairs"] = Sum(m * (m - 1), filter=only)
    else:
        agreeing = sum((weight(c, n[c] - 1) for c in LABELS), Value(0))
        sums["agreeing"] = Sum(agreeing, filter=only)
        sums["pairs"] = Sum(m - 1, filter=only)
    sums["units"] = Count("pk", filter=only)
    return sums


def coincidences_from_sums(row):
    result = Coincidences()
    for c in LABELS:
        for k in LABELS:
            result.o[c, k] = float(row[f"o_{c}_{k}"] or 0)
    result.agreeing_pairs = float(row["agreeing"] or 0)
    result.pairs = float(row["pairs"] or 0)
    result.units = row["units"]
    return result


def reviewer_coincidences(annotations):
    """Each reviewer against the others: the coincidences of the pairs that include them,
    by reviewer id. One aggregate query over the annotations and their sentences' counts.

    A reviewer whose label is c on a sentence with counts n pairs with the others' labels:
    n_k - [k == c] of label k, each pair weighing 1/(m-1). The matrix is made symmetric
    (each pair counted half each way), as the whole data's is.
    """
    n, m = labels_on("sentence__")

    def weight(c, value):
        return Case(When(label=c, then=value), default=Value(0))

    rows = (
        annotations.order_by()
        .alias(m=m)
        .filter(m__gte=2)
        .values("reviewer_id")
        .annotate(**coincidence_sums(n, m, weight))
    )
    result = {}
    for row in rows:
        pairs = coincidences_from_sums(row)
        symmetric = defaultdict(float)
        for (c, k), value in pairs.o.items():
            symmetric[c, k] += value / 2
            symmetric[k, c] += value / 2
        pairs.o = symmetric
        result[row["reviewer_id"]] = pairs
    return result
