"""The staff dashboard's figures: a fixed handful of aggregate queries.

State (totals, progress, label mix, agreement, the articles and sentences to look at)
reads the label counts kept on each sentence; activity (output per day, the last 7 days,
each reviewer's shares and agreement with the others) reads the annotations created in
the chosen date range, grouped by reviewer, label and day.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, F, FloatField, IntegerField, Q, Sum, Value, When, Window
from django.db.models.functions import Cast, Coalesce, Greatest, Least, RowNumber, TruncDate
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from .agreement import LABELS, _coincidence_sums, _from_sums, _labels_on, alpha, marginals_of
from .agreement import summary as agreement_summary
from .models import Annotation, Article, Sentence, Verdict

SLOWEST_ARTICLES = 15
MOST_DISPUTED = 10
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class DashboardFilters:
    project: str | None = None
    article: int | None = None
    since: date | None = None  # activity from this day (default: 29 days before `until`)
    until: date | None = None  # up to this day, included (default: today)


def dashboard(filters: DashboardFilters):
    """Every figure of the dashboard; five queries whatever the number of labels."""
    until = filters.until or timezone.localdate()
    since = filters.since or until - timedelta(days=DEFAULT_DAYS - 1)
    articles = Article.objects.all()
    if filters.project:
        articles = articles.filter(project__slug=filters.project)
    if filters.article:
        articles = articles.filter(pk=filters.article)
    sentences = Sentence.objects.filter(article__in=articles).order_by()
    overall = _overall(sentences)
    return {
        "since": since,
        "until": until,
        "overall": {
            **overall,
            "verdicts": Verdict.objects.filter(sentence__article__in=articles).count(),
        },
        **_articles_to_watch(sentences),
        "split_sentences": _split_sentences(sentences),
        **_activity(articles, since, until, overall["marginals"]),
    }


def _state_sums():
    """Sums over sentences: how many, their labels, progress against the target, and the
    coincidences of the pairable ones (two labels or more)."""
    n, m = _labels_on()
    target = Coalesce(
        F("article__review_target"), F("article__project__review_target"),
        output_field=IntegerField(),
    )
    return {
        "sentences": Count("pk"),
        **{f"n_{c}": Sum(n[c]) for c in LABELS},
        "reviews_done": Sum(Least(m, target)),
        "reviews_total": Sum(target),
        **_coincidence_sums(n, m, only=GreaterThanOrEqual(m, 2)),
    }


def _figures(row):
    """Shape one row of state sums."""
    labels = {c: row[f"n_{c}"] or 0 for c in LABELS}
    done, total = row["reviews_done"] or 0, row["reviews_total"] or 0
    coincidences = _from_sums(row)
    agreement = agreement_summary(coincidences)
    return {
        "sentences": row["sentences"],
        "labels": labels,
        "annotations": sum(labels.values()),
        "reviews_done": done,
        "reviews_total": total,
        "reviews_needed": total - done,
        "percent_done": 100 * done / total if total else 0,
        "alpha": agreement["alpha"],
        "agreement_percent": agreement["percent"],
        "pairable_sentences": agreement["pairable_sentences"],
        "marginals": marginals_of(coincidences.o),
    }


def _overall(sentences):
    row = sentences.aggregate(**_state_sums(), articles=Count("article", distinct=True))
    return {**_figures(row), "articles": row["articles"]}


def _articles_to_watch(sentences):
    """The articles furthest from their target and those whose reviewers disagree most:
    one grouped query, ranked twice in the database."""
    rows = (
        sentences.values("article_id", "article__title")
        .annotate(**_state_sums())
        .annotate(
            needed=F("reviews_total") - F("reviews_done"),
            disagreement=Case(
                When(pairs__gt=0, then=1.0 - Cast("agreeing", FloatField()) / F("pairs")),
                default=Value(-1.0),
            ),
        )
        .annotate(
            by_need=Window(RowNumber(), order_by=[F("needed").desc(), F("article_id").asc()]),
            by_dispute=Window(
                RowNumber(), order_by=[F("disagreement").desc(), F("article_id").asc()]
            ),
        )
        .filter(Q(by_need__lte=SLOWEST_ARTICLES) | Q(by_dispute__lte=MOST_DISPUTED))
    )
    shaped = [
        {"id": row["article_id"], "title": row["article__title"], **row, **_figures(row)}
        for row in rows
    ]
    return {
        "slowest": sorted(
            (r for r in shaped if r["by_need"] <= SLOWEST_ARTICLES and r["reviews_needed"]),
            key=lambda r: r["by_need"],
        ),
        "most_disputed": sorted(
            (r for r in shaped if r["by_dispute"] <= MOST_DISPUTED and r["disagreement"] > 0),
            key=lambda r: r["by_dispute"],
        ),
    }


def _split_sentences(sentences):
    """The sentences whose labels are most split: the largest share outside the top label."""
    n, m = _labels_on()
    top = Greatest(*n.values())
    return list(
        sentences.annotate(votes=m, top=top)
        .filter(votes__gte=2, top__lt=F("votes"))
        .annotate(split=1.0 - Cast("top", FloatField()) / Cast("votes", FloatField()))
        .select_related("article", "verdict")
        .order_by("-split", "-votes", "pk")[:MOST_DISPUTED]
    )


def _activity(articles, since, until, marginals):
    """Output per day and per reviewer in [since, until], with each reviewer's agreement
    with the others on the labels they gave then.

    One query grouped by reviewer, label and day. A label c on a sentence with counts n
    pairs with n_k - [k == c] other labels k, each pair weighing 1/(m-1).
    """
    n, m = _labels_on("sentence__")
    pairable = GreaterThanOrEqual(m, 2)
    per_pair = Cast(Value(1.0), FloatField()) / Cast(m - 1, FloatField())
    rows = (
        Annotation.objects.filter(
            sentence__article__in=articles,
            created_at__date__gte=since,
            created_at__date__lte=until,
        )
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values("reviewer_id", "reviewer__username", "label", "day")
        .annotate(
            labels=Count("pk"),
            **{f"with_{k}": Sum(Cast(n[k], FloatField()) * per_pair, filter=pairable)
               for k in LABELS},
            with_self=Sum(per_pair, filter=pairable),
            agreeing=Sum(
                Case(*[When(label=c, then=n[c] - 1) for c in LABELS], default=Value(0)),
                filter=pairable,
            ),
            pairs=Sum(m - 1, filter=pairable),
        )
    )
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    week = until - timedelta(days=6)
    daily = dict.fromkeys(days, 0)
    reviewers = defaultdict(lambda: {
        "daily": dict.fromkeys(days, 0), "labels": dict.fromkeys(LABELS, 0),
        "last_7_days": 0, "o": defaultdict(float), "agreeing": 0, "pairs": 0,
    })
    for row in rows:
        who = reviewers[row["reviewer__username"]]
        c = row["label"]
        daily[row["day"]] += row["labels"]
        who["daily"][row["day"]] += row["labels"]
        who["labels"][c] += row["labels"]
        who["last_7_days"] += row["labels"] if row["day"] >= week else 0
        for k in LABELS:
            # Half each way, so that the reviewer's matrix is symmetric like the whole's.
            value = (row[f"with_{k}"] or 0) - ((row["with_self"] or 0) if k == c else 0)
            who["o"][c, k] += value / 2
            who["o"][k, c] += value / 2
        who["agreeing"] += row["agreeing"] or 0
        who["pairs"] += row["pairs"] or 0
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
