"""Saving and removing a reviewer's annotation, safely under concurrent edits."""

from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import EVIDENCE_MAX_LINKS, NOTE_MAX_LENGTH, Annotation, Article, Label, Sentence
from .tallies import apply_change, refresh

URL_MAX_LENGTH = 2000


class InvalidAnnotation(ValueError):
    """Bad input for an annotation; the message says which field and why."""


class StaleVersion(Exception):
    """The client edited an older version than the stored one (or none exists any more)."""

    def __init__(self, current):
        self.current = current  # the stored Annotation, or None if there is none
        super().__init__(
            "this annotation was changed elsewhere; reload it and apply your change again"
        )


def clean_evidence(evidence):
    """A list of distinct http(s) URLs, in the order given."""
    if isinstance(evidence, str) or not isinstance(evidence, list | tuple):
        raise InvalidAnnotation("evidence must be a list of links")
    links = {}  # a dict keeps the order and finds a duplicate at once
    for link in evidence:
        if not isinstance(link, str):
            raise InvalidAnnotation("evidence must be a list of links")
        link = link.strip()
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(
            c.isspace() for c in link
        ):
            raise InvalidAnnotation(f"evidence link {link[:100]!r} must start with http(s)://")
        if len(link) > URL_MAX_LENGTH:
            raise InvalidAnnotation(f"evidence links must be at most {URL_MAX_LENGTH} characters")
        links[link] = None
        if len(links) > EVIDENCE_MAX_LINKS:  # stop at once, however many follow
            raise InvalidAnnotation(f"at most {EVIDENCE_MAX_LINKS} evidence links")
    return list(links)


def clean_annotation(*, label, note, evidence):
    if label not in Label.values:
        raise InvalidAnnotation(f"label must be one of {', '.join(Label.values)}")
    if not isinstance(note, str) or "\x00" in note:
        raise InvalidAnnotation("note must be text (without NUL characters)")
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidAnnotation(f"note must be at most {NOTE_MAX_LENGTH:,} characters")
    return {"label": label, "note": note, "evidence": clean_evidence(evidence)}


def save_annotation(*, sentence, reviewer, label, note="", evidence=(), version=None):
    """Create or update the reviewer's annotation; return (annotation, created).

    `version` is the version the caller last saw: 0 if it saw none, None to skip the
    check. Raise StaleVersion if it is behind, InvalidAnnotation on bad input.
    """
    values = clean_annotation(label=label, note=note, evidence=evidence)
    with transaction.atomic():
        annotation = _locked(sentence, reviewer)
        if annotation is None:
            if version:
                raise StaleVersion(None)
            try:
                with transaction.atomic():
                    created = Annotation.objects.create(
                        sentence=sentence, reviewer=reviewer, **values
                    )
                    apply_change(sentence.pk, {created.label: +1})
                    return created, True
            except IntegrityError:
                # Another request created it first: treat ours as an update of theirs.
                annotation = _locked(sentence, reviewer)
        if version is not None and version != annotation.version:
            raise StaleVersion(annotation)
        if annotation.label != values["label"]:
            apply_change(sentence.pk, {annotation.label: -1, values["label"]: +1})
        for field, value in values.items():
            setattr(annotation, field, value)
        annotation.version += 1
        annotation.save()
        return annotation, False


def delete_annotation(*, sentence, reviewer, version=None):
    """Remove the reviewer's annotation; return False if there was none.

    Raise StaleVersion if `version` is given and behind. History keeps the deleted row.
    """
    with transaction.atomic():
        annotation = _locked(sentence, reviewer)
        if annotation is None:
            return False
        if version is not None and version != annotation.version:
            raise StaleVersion(annotation)
        annotation.delete()
        apply_change(sentence.pk, {annotation.label: -1})
        return True


def _locked(sentence, reviewer):
    return (
        Annotation.objects.select_for_update()
        .filter(sentence=sentence, reviewer=reviewer)
        .first()
    )


def recount_labels(sentences=None):
    """Set the label counts of `sentences` (default: all) from their annotations, and
    their articles' tallies: the repair for rows written behind the services' back (raw
    SQL, bulk loads)."""
    sentences = Sentence.objects.all() if sentences is None else sentences
    counts = {
        f"{label}_count": Coalesce(
            Subquery(
                Annotation.objects.filter(sentence=OuterRef("pk"), label=label)
                .order_by()
                .values("sentence")
                .annotate(n=Count("id"))
                .values("n")
            ),
            Value(0),
        )
        for label in Label.values
    }
    updated = sentences.update(**counts)
    refresh(Article.objects.filter(pk__in=sentences.values("article_id")))
    return updated
