"""Verdicts: an adjudicator's final label for a sentence, and the sentences that need one."""

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from . import tallies
from .annotating import InvalidAnnotation, check_claim, clean_claim
from .models import Annotation, Comment, Label, Sentence, Verdict

RATIONALE_MAX_LENGTH = 10_000


def set_verdict(*, sentence, adjudicator, label, rationale="", claim_start=None, claim_end=None):
    """Create or replace the sentence's verdict; return (verdict, created). History keeps
    every earlier verdict; a new one counts in its article's tally. The adjudicator's own
    claim span is checked as a reviewer's is (`annotating.check_claim`); None: none."""
    if label not in Label.values:
        raise InvalidAnnotation(f"label must be one of {', '.join(Label.values)}")
    valid = isinstance(rationale, str) and "\x00" not in rationale
    if not valid or len(rationale) > RATIONALE_MAX_LENGTH:
        raise InvalidAnnotation(
            f"rationale must be text of at most {RATIONALE_MAX_LENGTH:,} characters"
        )
    claim_start, claim_end = clean_claim(claim_start, claim_end)
    check_claim(sentence, claim_start, claim_end)
    with transaction.atomic():
        article_id = _lock(sentence)
        verdict, created = Verdict.objects.update_or_create(
            sentence=sentence,
            defaults={
                "label": label,
                "rationale": rationale,
                "claim_start": claim_start,
                "claim_end": claim_end,
                "decided_by": adjudicator,
                "decided_at": timezone.now(),
            },
        )
        if created:
            tallies.count_verdict(article_id, +1)
    return verdict, created


def clear_verdict(*, sentence, adjudicator):
    """Remove the sentence's verdict, so that it needs adjudication again; return whether
    there was one. History keeps the verdict and who removed it."""
    with transaction.atomic():
        article_id = _lock(sentence)
        verdict = Verdict.objects.select_for_update().filter(sentence=sentence).first()
        if verdict is None:
            return False
        verdict._history_user = adjudicator  # simple_history: who, outside a request too
        verdict.delete()
        tallies.count_verdict(article_id, -1)
    return True


def _lock(sentence):
    """Lock the sentence, as label changes do, so that a rebuild of the counts
    (`tallies.lock_sentences`) waits for the verdict's count or comes first; return its
    article's id."""
    return (
        Sentence.objects.select_for_update().values_list("article_id", flat=True)
        .get(pk=sentence.pk)
    )


def needing_adjudication(sentences):
    """Sentences whose reviewers disagree, or that anyone marked unclear."""
    # With three labels, two different ones means verified and disputed, or any unclear.
    return sentences.filter(
        Q(unclear_count__gte=1) | Q(verified_count__gte=1, disputed_count__gte=1)
    )


def adjudication_queue(articles, *, include_decided=False):
    """The sentences of `articles` to adjudicate, oldest article first, with their votes
    (and who cast them), their article, their verdict and the text of the sentences before
    and after them (`text_before`, `text_after`, for context) and their discussion loaded:
    four queries a page."""
    sentences = needing_adjudication(Sentence.objects.filter(article__in=articles))
    if not include_decided:
        sentences = sentences.filter(verdict__isnull=True)
    neighbour = Sentence.objects.filter(article=OuterRef("article"))
    return (
        sentences.annotate(
            text_before=Subquery(
                neighbour.filter(position=OuterRef("position") - 1).values("text")[:1]
            ),
            text_after=Subquery(
                neighbour.filter(position=OuterRef("position") + 1).values("text")[:1]
            ),
        )
        .select_related("article", "article__project", "verdict", "verdict__decided_by")
        .prefetch_related(
            Prefetch(
                "annotations",
                Annotation.objects.select_related("reviewer").order_by("reviewer__username"),
            ),
            Prefetch("comments", Comment.objects.select_related("author").order_by("id")),
        )
        .order_by("article__created_at", "article_id", "position")
    )
