"""The dashboard's running sums (DailyRollup): the labels each reviewer gave each day in
each project, with what their agreement with the others needs; how each label change moves
them, and how to check and rebuild them from the annotations.

A label counts on the day it was first given (its `created_at`, in TIME_ZONE), as the
label it is now: relabeling moves it within its row, deleting takes it out. A label c on a
sentence with label counts n (m labels in all, its own included) adds 1 to its label's
count and, when m >= 2, its pairs with the other labels there, as the dashboard has always
counted them: n_k - [k == c] pairs with label k, each weighing 1/(m-1), to the coincidences
(half to o_ck, half to o_kc, so that a reviewer's matrix is symmetric like the whole's),
m - 1 to `pairs` and n_c - 1 to `agreeing`. Those depend on the others' labels, so a change
on a sentence also moves the rows of the labels already there. Rows are kept per project
(a year of a project is a row per reviewer and day, however many labels), so the labels of
one article cannot be told apart in them: the dashboard groups a single article's labels
itself, and an article deleted or moved to another project takes its labels out of its
project's rows first (`withdraw`, `restore`).
"""

import math
from collections import defaultdict
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast, TruncDate
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from .agreement import labels_on
from .models import Annotation, DailyRollup, Label
from .tallies import PAIRS, field, lock_sentences

LABELS = Label.values
SUMS = [*LABELS, "pairs", "agreeing", *[field(c, k) for c, k in PAIRS]]
COLUMNS = ["project_id", "day", "reviewer_id", *SUMS]


def terms(counts, label):
    """What one label `label` on a sentence with label counts `counts` adds to its row."""
    m = sum(counts.values())
    result = {**{c: int(c == label) for c in LABELS}, "pairs": 0, "agreeing": 0}
    for c, k in PAIRS:
        result[field(c, k)] = 0.0
        if m >= 2 and label in (c, k):
            other = k if label == c else c
            result[field(c, k)] = (
                (counts[c] - 1) / (m - 1) if c == k else counts[other] / (m - 1) / 2
            )
    if m >= 2:
        result["pairs"], result["agreeing"] = m - 1, counts[label] - 1
    return result


def day_of(moment):
    """The day a label created at `moment` counts on."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def apply_change(*, project_id, sentence_id, annotation, before, after):
    """Move the rows of a sentence of `project_id` whose label counts go from `before` to
    `after` by one label of `annotation` (given, changed or removed: the counts say which;
    `annotation.label` is not read). One statement; call it under the sentence's lock
    (`tallies.apply_change`), which keeps the changes of a sentence in order.

    The reviewer's row loses the label's terms under `before` and gains those under
    `after`; every other label on the sentence moves its reviewer's row by the difference
    of its terms (one row per reviewer: the sentence has one label of each)."""
    old = next((c for c in LABELS if after[c] < before[c]), None)
    new = next((c for c in LABELS if after[c] > before[c]), None)
    own = dict.fromkeys(SUMS, 0)
    for label, counts, sign in ((old, before, -1), (new, after, +1)):
        if label is not None:
            for name, value in terms(counts, label).items():
                own[name] += sign * value
    parts = ["SELECT " + ", ".join(f"%s AS {name}" for name in COLUMNS)]
    day = connection.ops.adapt_datefield_value(day_of(annotation.created_at))
    params = [project_id, day, annotation.reviewer_id, *own.values()]
    # The others' labels move by the difference of their terms, by label.
    moves = {c: {name: terms(after, c)[name] - terms(before, c)[name] for name in SUMS}
             for c in LABELS}
    if any(any(values.values()) for values in moves.values()):
        day_sql, day_params = connection.ops.datetime_cast_date_sql(
            "created_at", (), timezone.get_default_timezone_name()
        )
        whens = " ".join(f"WHEN '{c}' THEN %s" for c in LABELS[:-1])  # the last: ELSE
        parts.append(
            f"SELECT %s AS project_id, {day_sql} AS day, reviewer_id, "
            + ", ".join(f"CASE label {whens} ELSE %s END AS {name}" for name in SUMS)
            + f" FROM {connection.ops.quote_name(Annotation._meta.db_table)} "
            "WHERE sentence_id = %s AND reviewer_id <> %s"
        )
        params += [project_id, *day_params,
                   *[moves[c][name] for name in SUMS for c in LABELS],
                   sentence_id, annotation.reviewer_id]
    _add(" UNION ALL ".join(parts), params)


def _add(rows, params, sign=1):
    """Add `rows` (SQL selecting COLUMNS, so named), times `sign`, to the stored rows,
    creating those missing. One statement."""
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    with connection.cursor() as cursor:
        # In key order, so that two changes that move the same rows lock them in the same
        # order (no deadlock); `WHERE true` keeps SQLite from reading ON as a join's.
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) "
            "SELECT project_id, day, reviewer_id, "
            + ", ".join(f"%s * {name}" for name in SUMS)
            + f" FROM ({rows}) AS moves WHERE true ORDER BY day, reviewer_id "
            "ON CONFLICT (project_id, day, reviewer_id) DO UPDATE SET "
            + ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in SUMS),
            [*[sign] * len(SUMS), *params],
        )


def label_sums(prefix="sentence__"):
    """The sums of a row (SUMS), as aggregates over annotations, their sentences' counts
    read through `prefix`."""
    n, m = labels_on(prefix)
    pairable = GreaterThanOrEqual(m, 2)
    per_pair = Cast(Value(1.0), FloatField()) / Cast(m - 1, FloatField())

    def share(c, k):  # what a label c adds to o_ck: its pairs with the labels k
        if c == k:
            return When(label=c, then=Cast(n[c] - 1, FloatField()) * per_pair)
        return When(label=c, then=Cast(n[k], FloatField()) * per_pair / 2)

    return {
        **{c: Count("pk", filter=Q(label=c)) for c in LABELS},
        "pairs": Sum(m - 1, filter=pairable, default=0),
        "agreeing": Sum(Case(*[When(label=c, then=n[c] - 1) for c in LABELS]),
                        filter=pairable, default=0),
        **{field(c, k): Sum(Case(*[share(c, k)] + [share(k, c)] * (c != k),
                                 default=Value(0.0)), filter=pairable, default=0.0)
           for c, k in PAIRS},
    }


def _day():
    return TruncDate("created_at", tzinfo=timezone.get_default_timezone())


def activity(since, until, *, project=None, articles=None):
    """The labels given in [since, until] (days, both included), per reviewer and day:
    dicts of reviewer_id, reviewer__username, day and SUMS. From the rows of every project,
    or of `project` (a slug); or, given `articles` (a queryset of a few), from their labels
    themselves. One query."""
    keys = ["reviewer_id", "reviewer__username", "day"]
    if articles is not None:
        return (
            Annotation.objects.filter(sentence__article__in=articles)
            .annotate(day=_day())
            .filter(day__gte=since, day__lte=until)
            .order_by()
            .values(*keys)
            .annotate(**label_sums())
        )
    rows = DailyRollup.objects.filter(day__gte=since, day__lte=until).exclude(
        **dict.fromkeys(LABELS, 0)
    )
    if project is not None:
        rows = rows.filter(project__slug=project)
    # Sums named apart from the fields they sum (Django refuses the same name).
    return (
        {**{key: row[key] for key in keys}, **{name: row[f"sum_{name}"] for name in SUMS}}
        for row in rows.order_by().values(*keys)
        .annotate(**{f"sum_{name}": Sum(name) for name in SUMS})
    )


def refresh(projects):
    """Rebuild the rows of `projects` from their labels and the label counts of their
    sentences (which must be right: `counts.rebuild` rebuilds those first). The caller holds
    the locks of the projects' sentences (`tallies.lock_sentences`) in its transaction."""
    DailyRollup.objects.filter(project__in=projects).delete()
    _add(*_rows_of(Annotation.objects.filter(sentence__article__project__in=projects)))


def drift(projects):
    """Where the rows of `projects` differ from what their labels make: yields (project_id,
    "field (day, reviewer)", stored, expected), stored None for a missing row. Sums the
    `terms` of each label (the steps `apply_change` takes) over label counts read from the
    labels themselves, a sentence at a time, so it checks the running sums and `refresh`'s
    SQL alike."""
    expected = defaultdict(lambda: dict.fromkeys(SUMS, 0))
    labels = (
        Annotation.objects.filter(sentence__article__project__in=projects)
        .order_by("sentence_id")
        .values_list("sentence_id", "sentence__article__project_id", "reviewer_id", "label",
                     "created_at")
    )
    for _, on_sentence in groupby(labels.iterator(chunk_size=5000), key=lambda row: row[0]):
        on_sentence = list(on_sentence)
        counts = dict.fromkeys(LABELS, 0)
        for *_, label, _ in on_sentence:
            counts[label] += 1
        for _, project_id, reviewer_id, label, created_at in on_sentence:
            row = expected[project_id, day_of(created_at), reviewer_id]
            for name, value in terms(counts, label).items():
                row[name] += value
    stored = {
        (row.pop("project_id"), row.pop("day"), row.pop("reviewer_id")): row
        for row in DailyRollup.objects.filter(project__in=projects).values(
            "project_id", "day", "reviewer_id", *SUMS
        )
    }
    missing, zeros = dict.fromkeys(SUMS), dict.fromkeys(SUMS, 0)  # a missing row is zeros
    differing = [
        (key, name, found[name], made[name])
        for key in sorted(expected.keys() | stored.keys())
        for found, made in [(stored.get(key, missing), expected.get(key, zeros))]
        for name in SUMS
        if not math.isclose(found[name] or 0, made[name], rel_tol=1e-9, abs_tol=1e-9)
    ]
    names = dict(
        get_user_model().objects.filter(pk__in={key[2] for key, *_ in differing})
        .values_list("pk", "username")
    )
    for (project_id, day, reviewer_id), name, found, made in differing:
        yield project_id, f"{name} ({day}, {names.get(reviewer_id)})", found, made


def withdraw(articles):
    """Take the labels of `articles` out of their projects' rows: before the articles are
    deleted, or moved to another project (then `restore` them there). Locks the articles'
    sentences until the transaction ends, so that no label changes meanwhile."""
    _move(articles, -1)


def restore(articles):
    """Put the labels of `articles` into their projects' rows; see `withdraw`."""
    _move(articles, +1)


def _move(articles, sign):
    lock_sentences(articles)
    _add(*_rows_of(Annotation.objects.filter(sentence__article__in=articles)), sign=sign)


def _rows_of(annotations):
    """The rows `annotations` make: SQL selecting COLUMNS, and its parameters."""
    rows = (
        annotations.annotate(project_id=F("sentence__article__project_id"), day=_day())
        .order_by()
        .values("project_id", "day", "reviewer_id")
        .annotate(**label_sums())
    )
    return rows.query.sql_with_params()
