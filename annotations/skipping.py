"""Skipping a sentence: a reviewer's "not for me" that is not a label.

A skip counts nowhere in progress, agreement or the review target; the queue does not
offer the sentence to that reviewer again. A reviewer holds a label or a skip on a
sentence, never both: labeling removes the skip (`annotating`), and skipping a sentence
one has labeled is refused (remove the label first), so that no label is lost by a key.
"""

from django.db import IntegrityError, transaction

from .access import visible_sentences
from .annotating import SentenceNotFound
from .models import Annotation, Hold, Skip, SkipReason

# The reasons as the page shows them, in order; the API takes either the code or the words.
REASONS = [(code, words) for code, words in SkipReason.choices]
_BY_WORDS = {words: code for code, words in SkipReason.choices}


class InvalidSkip(ValueError):
    """A reason outside the list."""


class AlreadyLabeled(Exception):
    """The reviewer has labeled the sentence: a skip would contradict the label."""

    def __init__(self):
        super().__init__(
            "you have labeled this sentence; remove your label before skipping it"
        )


def clean_reason(reason):
    """The stored code of a reason given as its code or its words ("" or None: no reason)."""
    if reason is None:
        return ""
    if not isinstance(reason, str):
        raise InvalidSkip("reason must be text")
    reason = reason.strip()
    if reason in ("", *SkipReason.values):
        return reason
    if reason.lower() in _BY_WORDS:
        return _BY_WORDS[reason.lower()]
    raise InvalidSkip(
        "reason must be one of " + ", ".join(SkipReason.values)
        + " (or its words: " + ", ".join(f'"{w}"' for w in _BY_WORDS) + "), or empty"
    )


def skip_sentence(*, sentence_id, reviewer, reason=""):
    """Skip the sentence `sentence_id` for `reviewer` (who holds a role), or change the
    reason of their skip; return (skip, created). Raise SentenceNotFound for a sentence
    they may not see, AlreadyLabeled if they labeled it, InvalidSkip for a bad reason.
    Their hold on it goes: the queue may send someone else."""
    reason = clean_reason(reason)
    with transaction.atomic():
        sentence = (
            visible_sentences(reviewer).select_for_update(of=("self",))
            .filter(pk=sentence_id).first()
        )
        if sentence is None:
            raise SentenceNotFound(sentence_id)
        if Annotation.objects.filter(sentence=sentence, reviewer=reviewer).exists():
            raise AlreadyLabeled()
        try:
            with transaction.atomic():
                skip, created = Skip.objects.update_or_create(
                    sentence=sentence, reviewer=reviewer, defaults={"reason": reason}
                )
        except IntegrityError:  # created by a request at the same moment
            skip, created = Skip.objects.get(sentence=sentence, reviewer=reviewer), False
            if skip.reason != reason:
                skip.reason = reason
                skip.save(update_fields=["reason", "updated_at"])
        Hold.objects.filter(sentence=sentence, reviewer=reviewer).delete()
        return skip, created


def unskip_sentence(*, sentence_id, reviewer):
    """Undo the reviewer's skip; False if there was none (or the sentence is not theirs
    to see: SentenceNotFound)."""
    if not visible_sentences(reviewer).filter(pk=sentence_id).exists():
        raise SentenceNotFound(sentence_id)
    deleted, _ = Skip.objects.filter(sentence_id=sentence_id, reviewer=reviewer).delete()
    return bool(deleted)
