"""The figures of /api/stats/ and the dashboard: totals, label mix, progress, agreement."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum

from .agreement import marginals_of, reviewer_coincidences, summary
from .models import Annotation, ArticleTally, Label, Skip, SkipReason
from .progress import with_progress
from .tallies import coincidences


def agreement_report(articles, annotations):
    """Overall, per-article and per-reviewer agreement; `annotations` are those of
    `articles`. Three aggregate queries."""
    overall = coincidences(articles)
    return {
        "overall": summary(overall),
        "per_article": {
            pk: summary(value) for pk, value in coincidences(articles, by_article=True).items()
        },
        "per_reviewer": {
            pk: summary(value, marginals_of(overall.o))
            for pk, value in reviewer_coincidences(annotations).items()
        },
    }


def collection_stats(articles):
    """Figures for a queryset of articles; a handful of aggregate queries whatever its size."""
    annotations = Annotation.objects.filter(sentence__article__in=articles)
    tallied = ArticleTally.objects.filter(article__in=articles).aggregate(
        n_sentences=Sum("sentences"), n_verdicts=Sum("verdicts"),
        **{f"n_{label}": Sum(label) for label in Label.values},
    )
    labels = {label: tallied[f"n_{label}"] or 0 for label in Label.values}
    progress = with_progress(articles).aggregate(
        done=Sum("reviews_done"), total=Sum("reviews_total")
    )
    done, total = progress["done"] or 0, progress["total"] or 0
    report = agreement_report(articles, annotations)
    titles = dict(articles.filter(pk__in=report["per_article"]).values_list("pk", "title"))
    usernames = dict(
        get_user_model()
        .objects.filter(pk__in=report["per_reviewer"])
        .values_list("pk", "username")
    )
    per_reviewer_labels = dict(
        annotations.order_by().values_list("reviewer_id").annotate(n=Count("id"))
    )
    # Skips are not labels: counted apart, never in progress or agreement.
    skips = Skip.objects.filter(sentence__article__in=articles).order_by()
    skips_by_reason = dict(skips.values_list("reason").annotate(n=Count("id")))
    per_reviewer_skips = dict(skips.values_list("reviewer_id").annotate(n=Count("id")))
    return {
        "totals": {
            "articles": articles.count(),
            "sentences": tallied["n_sentences"] or 0,
            "annotations": sum(labels.values()),
            "verdicts": tallied["n_verdicts"] or 0,
            "reviewers": len(per_reviewer_labels),
            "skips": sum(skips_by_reason.values()),
        },
        "skips": {
            "total": sum(skips_by_reason.values()),
            "by_reason": {
                code or "none": skips_by_reason.get(code, 0) for code in [*SkipReason.values, ""]
            },
        },
        "labels": labels,
        "progress": {
            "reviews_done": done,
            "reviews_total": total,
            "reviews_needed": total - done,
            "percent": round(100 * done / total, 1) if total else None,
        },
        "agreement": report["overall"],
        "per_article": [
            {"article_id": pk, "title": titles.get(pk, ""), **figures}
            for pk, figures in sorted(report["per_article"].items())
        ],
        "per_reviewer": [
            {
                "reviewer": usernames.get(pk, ""),
                "annotations": per_reviewer_labels.get(pk, 0),
                "skips": per_reviewer_skips.get(pk, 0),
                **figures,
            }
            for pk, figures in sorted(
                report["per_reviewer"].items(), key=lambda item: usernames.get(item[0], "")
            )
        ],
    }
