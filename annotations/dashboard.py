"""The staff dashboard's figures: a fixed handful of aggregate queries.

State (totals, progress, label mix, agreement, the articles and sentences to look at)
reads the articles' tallies (one row an article); activity (output per day, the last 7 days,
each reviewer's shares and agreement with the others) reads the projects' daily rollups in
the chosen date range (a row per day, reviewer and label), or for one article its labels
themselves (see `rollups.activity`).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast, Greatest
from django.utils import timezone

from . import rollups
from .agreement import LABELS, alpha, labels_on, marginals_of
from .agreement import summary as agreement_summary
from .models import Article, ArticleTally, Sentence, Skip, SkipReason, review_target_of
from .tallies import PAIRS, SUMMED, coincidences_of, field

SLOWEST_ARTICLES = 15
MOST_DISPUTED = 10
MOST_SKIPPED = 10
DEFAULT_DAYS = 30
LONGEST_DAYS = 367  # a year, leap day included, both ends counted
EARLIEST_DAY = date(1900, 1, 1)


class InvalidFilters(ValueError):
    """A dashboard filter out of range; the message says which and why."""


@dataclass(frozen=True)
class DashboardFilters:
    project: str | None = None
    article: int | None = None
    since: date | None = None  # activity from this day (default: 29 days before `until`)
    until: date | None = None  # up to this day, included (default: today)


def period_of(filters: DashboardFilters):
    """The activity period (since, until) the filters choose, both days included.

    Raise InvalidFilters when it runs backwards, is longer than a year, or leaves 1900 to
    next year: no label is older or newer, such dates are typos, and days near the ends of
    the calendar overflow the period's arithmetic.
    """
    today = timezone.localdate()
    latest = date(today.year + 1, 12, 31)
    for day, name in ((filters.since, "From"), (filters.until, "To")):
        if day is not None and not EARLIEST_DAY <= day <= latest:
            raise InvalidFilters(
                f"“{name}” must be a day from {EARLIEST_DAY:%Y-%m-%d} to {latest:%Y-%m-%d}."
            )
    until = filters.until or today
    since = filters.since or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise InvalidFilters("The period must start before it ends.")
    if (until - since).days >= LONGEST_DAYS:
        raise InvalidFilters("Choose a period of at most a year.")
    return since, until


def dashboard(filters: DashboardFilters):
    """Every figure of the dashboard; seven queries whatever the number of labels. Raise
    InvalidFilters for a period `period_of` refuses."""
    since, until = period_of(filters)
    # The tallies joined to their articles (an IN over a subquery of every article cost
    # PostgreSQL a semi-join of each tally).
    tallies = ArticleTally.objects.all()
    if filters.project:
        tallies = tallies.filter(article__project__slug=filters.project)
    if filters.article:
        tallies = tallies.filter(article_id=filters.article)
    tallies = tallies.annotate(
        total=F("sentences") * review_target_of(),
        needed=F("total") - F("reviews_done"),
        disagreement=Case(
            When(
                pairs__gt=0,
                then=1.0 - Cast("agreeing", FloatField()) / Cast("pairs", FloatField()),
            ),
            default=Value(0.0),
        ),
    )
    overall = _overall(tallies)
    most_disputed = [
        _figures(tally)
        for tally in tallies.filter(disagreement__gt=0)
        .select_related("article")
        .order_by("-disagreement", "article_id")[:MOST_DISPUTED]
    ]
    one_article = None
    if filters.article:
        one_article = Article.objects.filter(pk=filters.article)
        if filters.project:
            one_article = one_article.filter(project__slug=filters.project)
    return {
        "since": since,
        "until": until,
        "overall": overall,
        "slowest": [
            _figures(tally)
            for tally in tallies.filter(needed__gt=0)
            .select_related("article")
            .order_by("-needed", "article_id")[:SLOWEST_ARTICLES]
        ],
        "most_disputed": most_disputed,
        "split_sentences": _split_sentences([row["id"] for row in most_disputed]),
        "skips": skipped(filters),
        **_activity(
            # "" (the form's "All projects") is every project, as None is.
            rollups.activity(since, until, project=filters.project or None,
                             articles=one_article),
            since, until, overall["marginals"],
        ),
    }


def _figures(tally):
    """Shape one article's tally (or the sums of many, as a dict)."""
    get = tally.get if isinstance(tally, dict) else lambda name: getattr(tally, name)
    labels = {c: get(c) or 0 for c in LABELS}
    done, total = get("reviews_done") or 0, get("total") or 0
    coincidences = coincidences_of({name: get(name) for name in SUMMED})
    agreement = agreement_summary(coincidences)
    article = None if isinstance(tally, dict) else tally.article
    return {
        "id": getattr(article, "pk", None),
        "title": getattr(article, "title", ""),
        "sentences": get("sentences") or 0,
        "labels": labels,
        "annotations": sum(labels.values()),
        "reviews_done": done,
        "reviews_total": total,
        "reviews_needed": total - done,
        "percent_done": 100 * done / total if total else 0,
        "alpha": agreement["alpha"],
        "agreement_percent": agreement["percent"],
        "disagreement": 1 - agreement["percent"] / 100 if agreement["percent"] is not None else 0,
        "pairable_sentences": agreement["pairable_sentences"],
        "marginals": marginals_of(coincidences.o),
    }


def _overall(tallies):
    names = ["sentences", *LABELS, "reviews_done", "total", *SUMMED, "verdicts"]
    # Aggregates named apart from the annotations they sum (Django mixes up the two).
    sums = tallies.aggregate(
        articles=Count("pk"),
        # Claims that recur: sentences matching a check made before their article came.
        recurring=Sum("article__checked_before"),
        recurring_articles=Count("pk", filter=Q(article__checked_before__gt=0)),
        **{f"sum_{name}": Sum(name) for name in names},
    )
    figures = _figures({name: sums[f"sum_{name}"] for name in names})
    recurring = sums["recurring"] or 0
    return {
        **figures,
        "articles": sums["articles"],
        "verdicts": sums["sum_verdicts"] or 0,
        "recurrence": {
            "sentences": recurring,
            "articles": sums["recurring_articles"],
            "percent": 100 * recurring / figures["sentences"] if figures["sentences"] else 0,
        },
    }


def skipped(filters):
    """Skips in the filters' articles: how many, on how many sentences, and the sentences
    skipped by the most reviewers (a sign the splitter or the selection of articles is
    wrong), with the count of each reason. Two queries."""
    skips = Skip.objects.all()
    if filters.project:
        skips = skips.filter(sentence__article__project__slug=filters.project)
    if filters.article:
        skips = skips.filter(sentence__article_id=filters.article)
    totals = skips.aggregate(skips=Count("pk"), sentences=Count("sentence", distinct=True))
    reasons = {code: Count("pk", filter=Q(reason=code)) for code in SkipReason.values}
    most = (
        skips.order_by().values("sentence_id", "sentence__text", "sentence__article_id")
        .annotate(n=Count("pk"), **reasons)
        .order_by("-n", "sentence_id")[:MOST_SKIPPED]
    )
    return {
        **totals,
        "most_skipped": [
            {
                "sentence_id": row["sentence_id"], "article_id": row["sentence__article_id"],
                "text": row["sentence__text"], "skips": row["n"],
                "reasons": [
                    {"reason": words, "count": row[code]}
                    for code, words in SkipReason.choices if row[code]
                ],
            }
            for row in most
        ],
    }


def _split_sentences(article_ids):
    """The most split sentences of the given articles: the largest share of labels outside
    the top label, then the most labels."""
    n, m = labels_on()
    return list(
        Sentence.objects.filter(article__in=article_ids)
        .annotate(votes=m, top=Greatest(*n.values()))
        .filter(votes__gte=2, top__lt=F("votes"))
        .annotate(split=1.0 - Cast("top", FloatField()) / Cast("votes", FloatField()))
        .select_related("article", "verdict")
        .order_by("-split", "-votes", "pk")[:MOST_DISPUTED]
    )


def _activity(rows, since, until, marginals):
    """Output per day and per reviewer in [since, until], with each reviewer's agreement
    with the others on the labels they gave then, from `rows` per reviewer and day
    (`rollups.activity`).
    """
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    week = until - timedelta(days=6)
    daily = dict.fromkeys(days, 0)
    reviewers = defaultdict(lambda: {
        "daily": dict.fromkeys(days, 0), "labels": dict.fromkeys(LABELS, 0),
        "last_7_days": 0, "o": defaultdict(float), "agreeing": 0, "pairs": 0,
    })
    for row in rows:
        who = reviewers[row["reviewer__username"]]
        labels = sum(row[c] for c in LABELS)
        daily[row["day"]] += labels
        who["daily"][row["day"]] += labels
        who["last_7_days"] += labels if row["day"] >= week else 0
        for c in LABELS:
            who["labels"][c] += row[c]
        for c, k in PAIRS:
            who["o"][c, k] += row[field(c, k)]
            who["o"][k, c] += row[field(c, k)] if c != k else 0
        who["agreeing"] += row["agreeing"]
        who["pairs"] += row["pairs"]
    return {
        "days": days,
        "daily": [daily[day] for day in days],
        "reviewers": [
            {
                "reviewer": name,
                "total": (total := sum(who["labels"].values())),
                "last_7_days": who["last_7_days"],
                "daily": [who["daily"][day] for day in days],
                "labels": who["labels"],
                "disputed_share": 100 * who["labels"]["disputed"] / total,
                "unclear_share": 100 * who["labels"]["unclear"] / total,
                "alpha": alpha(who["o"], marginals),
                "agreement_percent": 100 * who["agreeing"] / who["pairs"] if who["pairs"] else None,
            }
            for name, who in sorted(reviewers.items())
        ],
    }

