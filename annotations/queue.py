"""The labeling queue: which sentence a reviewer should label next."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, IntegerField, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from .access import visible_articles
from .models import Annotation, Article, Claim, Sentence
from .progress import count_of, label_count

CLAIM_DURATION = timedelta(minutes=30)
# A reviewer works through an article in order: the queue holds the sentences that follow
# the one it hands out, so that two reviewers are not sent to the same ones.
CLAIM_BATCH = 20


def open_sentences(user, articles, now):
    """Sentences of `articles` the user has not labeled and that still need a reviewer:
    their labels plus the live claims of others who have not labeled them stay below the
    review target. The user's own claimed sentences come first, then the oldest article's."""
    others_holding = (
        Claim.objects.filter(sentence=OuterRef("pk"), expires_at__gt=now)
        .exclude(reviewer=user)
        .exclude(
            Exists(
                Annotation.objects.filter(
                    sentence=OuterRef("sentence"), reviewer=OuterRef("reviewer")
                )
            )
        )
    )
    return (
        Sentence.objects.filter(article__in=articles)
        .exclude(Exists(Annotation.objects.filter(sentence=OuterRef("pk"), reviewer=user)))
        .annotate(
            target=Coalesce(
                F("article__review_target"),
                F("article__project__review_target"),
                output_field=IntegerField(),
            ),
            taken=label_count() + count_of(others_holding),
            mine=Exists(
                Claim.objects.filter(sentence=OuterRef("pk"), reviewer=user, expires_at__gt=now)
            ),
        )
        .filter(taken__lt=F("target"))
        .order_by("-mine", "article__created_at", "article_id", "position")
    )


def next_sentence(user, *, project=None):
    """The sentence that most needs this user's label, or None; claims it and the
    sentences after it in its article for CLAIM_DURATION."""
    now = timezone.now()
    articles = visible_articles(user)
    if project:
        articles = articles.filter(project__slug=project)
    with transaction.atomic():
        Claim.objects.filter(expires_at__lte=now).delete()
        first = open_sentences(user, articles, now).select_related("article").first()
        if first is None:
            return None
        # Lock the article: two reviewers asking at once are served one after the other,
        # each seeing the other's claims.
        article = Article.objects.select_for_update().get(pk=first.article_id)
        batch = list(
            open_sentences(user, Article.objects.filter(pk=article.pk), now)
            .filter(position__gte=first.position)
            .values_list("pk", flat=True)[:CLAIM_BATCH]
        )
        if not batch:  # taken by someone else meanwhile
            return next_sentence(user, project=project)
        Claim.objects.bulk_create(
            [Claim(sentence_id=pk, reviewer=user, expires_at=now + CLAIM_DURATION) for pk in batch],
            update_conflicts=True,
            unique_fields=["sentence", "reviewer"],
            update_fields=["expires_at"],
        )
        return Sentence.objects.select_related("article").get(pk=batch[0])
