"""Labeling progress, read from the articles' tallies: one query for a whole list.

A sentence needs `review_target` independent labels (the article's own target, else its
project's). Labels beyond the target do not count towards progress.
"""

from django.db.models import F, Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Annotation, Article, Skip, review_target_of


def count_of(queryset):
    """COUNT(*) of a queryset filtered on OuterRef(...), as a correlated subquery."""
    counted = queryset.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def label_count(prefix=""):
    """A sentence's number of labels, from the counts kept on it."""
    return (
        F(f"{prefix}verified_count") + F(f"{prefix}disputed_count") + F(f"{prefix}unclear_count")
    )


def sum_of(queryset, field):
    summed = queryset.order_by().annotate(total=Func(F(field), function="SUM")).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


def with_progress(articles, user=None):
    """Annotate articles with `target`, `sentence_count`, `reviews_total` (labels needed
    in all), `reviews_done` (labels counted up to the target), `reviews_needed` (labels
    still missing) and, given a user, `labeled_by_user` (the sentences they labeled) and
    `skipped_by_user` (those they skipped: not labels, they count nowhere else)."""
    articles = articles.annotate(
        target=review_target_of(article=""),
        sentence_count=Coalesce(F("tally__sentences"), 0),
        reviews_total=F("sentence_count") * F("target"),
        reviews_done=Coalesce(F("tally__reviews_done"), 0),
        reviews_needed=F("reviews_total") - F("reviews_done"),
    )
    if user is not None:
        articles = articles.annotate(
            labeled_by_user=count_of(
                Annotation.objects.filter(sentence__article=OuterRef("pk"), reviewer=user)
            ),
            skipped_by_user=count_of(
                Skip.objects.filter(sentence__article=OuterRef("pk"), reviewer=user)
            ),
        )
    return articles


def projects_with_progress(projects):
    """Annotate projects with `article_count` and the sums of their articles' progress."""
    articles = with_progress(Article.objects.filter(project=OuterRef("pk")))
    return projects.annotate(
        article_count=count_of(Article.objects.filter(project=OuterRef("pk"))),
        sentence_count=sum_of(articles, "sentence_count"),
        reviews_done=sum_of(articles, "reviews_done"),
        reviews_needed=sum_of(articles, "reviews_needed"),
    )

