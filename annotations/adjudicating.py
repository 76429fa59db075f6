"""Verdicts: an adjudicator's final label for a sentence, and the sentences that need one."""

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from .annotating import InvalidAnnotation
from .models import Annotation, Label, Sentence, Verdict

RATIONALE_MAX_LENGTH = 10_000


def set_verdict(*, sentence, adjudicator, label, rationale=""):
    """Create or replace the sentence's verdict; return (verdict, created). History keeps
    every earlier verdict."""
    if label not in Label.values:
        raise InvalidAnnotation(f"label must be one of {', '.join(Label.values)}")
    valid = isinstance(rationale, str) and "\x00" not in rationale
    if not valid or len(rationale) > RATIONALE_MAX_LENGTH:
        raise InvalidAnnotation(
            f"rationale must be text of at most {RATIONALE_MAX_LENGTH:,} characters"
        )
    with transaction.atomic():
        return Verdict.objects.update_or_create(
            sentence=sentence,
            defaults={
                "label": label,
                "rationale": rationale,
                "decided_by": adjudicator,
                "decided_at": timezone.now(),
            },
        )


def needing_adjudication(sentences):
    """Sentences whose reviewers disagree, or that anyone marked unclear."""
    # With three labels, two different ones means verified and disputed, or any unclear.
    return sentences.filter(
        Q(unclear_count__gte=1) | Q(verified_count__gte=1, disputed_count__gte=1)
    )


def adjudication_queue(articles, *, include_decided=False):
    """The sentences of `articles` to adjudicate, oldest article first, with their votes
    (and who cast them), their article and their verdict loaded: three queries a page."""
    sentences = needing_adjudication(Sentence.objects.filter(article__in=articles))
    if not include_decided:
        sentences = sentences.filter(verdict__isnull=True)
    return (
        sentences.select_related("article", "article__project", "verdict", "verdict__decided_by")
        .prefetch_related(
            Prefetch(
                "annotations",
                Annotation.objects.select_related("reviewer").order_by("reviewer__username"),
            )
        )
        .order_by("article__created_at", "article_id", "position")
    )
