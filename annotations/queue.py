"""The labeling queue: which sentence a reviewer should label next."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from .access import visible_articles
from .models import Annotation, Article, Hold, Sentence, Skip, review_target_of
from .progress import count_of, label_count

HOLD_DURATION = timedelta(minutes=30)
# A reviewer works through an article in order: the queue holds the sentences that follow
# the one it hands out, so that two reviewers are not sent to the same ones.
HOLD_BATCH = 20


def open_sentences(user, articles, now):
    """Sentences of `articles` the user has neither labeled nor skipped and that still need a
    reviewer:
    their labels plus the live holds of others who have not labeled them stay below the
    review target. The user's own held sentences come first, then the oldest article's."""
    others_holding = (
        Hold.objects.filter(sentence=OuterRef("pk"), expires_at__gt=now)
        .exclude(reviewer=user)
        .exclude(
            Exists(
                Annotation.objects.filter(
                    sentence=OuterRef("sentence"), reviewer=OuterRef("reviewer")
                )
            )
        )
        # A reviewer who skipped it does not take it either (their hold is gone anyway).
        .exclude(
            Exists(
                Skip.objects.filter(sentence=OuterRef("sentence"), reviewer=OuterRef("reviewer"))
            )
        )
    )
    return (
        Sentence.objects.filter(article__in=articles)
        .exclude(Exists(Annotation.objects.filter(sentence=OuterRef("pk"), reviewer=user)))
        # Never again to a reviewer who skipped it.
        .exclude(Exists(Skip.objects.filter(sentence=OuterRef("pk"), reviewer=user)))
        .annotate(
            target=review_target_of(),
            taken=label_count() + count_of(others_holding),
            mine=Exists(
                Hold.objects.filter(sentence=OuterRef("pk"), reviewer=user, expires_at__gt=now)
            ),
        )
        .filter(taken__lt=F("target"))
        .order_by("-mine", "article__created_at", "article_id", "position")
    )


def next_sentence(user, *, project=None):
    """The sentence that most needs this user's label, or None; holds it and the
    sentences after it in its article for HOLD_DURATION."""
    now = timezone.now()
    articles = visible_articles(user)
    if project:
        articles = articles.filter(project__slug=project)
    with transaction.atomic():
        Hold.objects.filter(expires_at__lte=now).delete()
        first = open_sentences(user, articles, now).select_related("article").first()
        if first is None:
            return None
        # Lock the article: two reviewers asking at once are served one after the other,
        # each seeing the other's holds.
        article = Article.objects.select_for_update().get(pk=first.article_id)
        batch = list(
            open_sentences(user, Article.objects.filter(pk=article.pk), now)
            .filter(position__gte=first.position)
            .values_list("pk", flat=True)[:HOLD_BATCH]
        )
        if not batch:  # taken by someone else meanwhile
            return next_sentence(user, project=project)
        Hold.objects.bulk_create(
            [Hold(sentence_id=pk, reviewer=user, expires_at=now + HOLD_DURATION) for pk in batch],
            update_conflicts=True,
            unique_fields=["sentence", "reviewer"],
            update_fields=["expires_at"],
        )
        return Sentence.objects.select_related("article").get(pk=batch[0])
