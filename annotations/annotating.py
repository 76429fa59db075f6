"""Saving and removing a reviewer's annotation, safely under concurrent edits."""

import json
from contextlib import nullcontext
from typing import NamedTuple
from urllib.parse import urlsplit

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .access import is_adjudicator, others_counts, sees_others_after_labeling, visible_sentences
from .models import EVIDENCE_MAX_LINKS, NOTE_MAX_LENGTH, Annotation, Label, Skip
from .tallies import apply_change

URL_MAX_LENGTH = 2000


class InvalidAnnotation(ValueError):
    """Bad input for an annotation; the message says which field and why."""


class SentenceNotFound(Exception):
    """No such sentence, or none the reviewer may see."""


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


def clean_claim(claim_start, claim_end):
    """The span's offsets as given, if they can be one (both whole numbers, start before
    end, or both None); whether it lies inside its sentence is `check_claim`'s."""
    if claim_start is None and claim_end is None:
        return None, None
    if claim_start is None or claim_end is None:
        raise InvalidAnnotation("claim_start and claim_end go together: give both, or neither")
    for value in (claim_start, claim_end):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidAnnotation("claim_start and claim_end must be whole numbers (or null)")
    if claim_start >= claim_end:
        raise InvalidAnnotation("claim_start must be less than claim_end")
    return claim_start, claim_end


def check_claim(sentence, claim_start, claim_end):
    """Raise InvalidAnnotation unless the span lies inside `sentence` (offsets in its
    article's body). The database function of migration 0021 says the same on PostgreSQL."""
    if claim_start is not None and not sentence.start <= claim_start < claim_end <= sentence.end:
        raise InvalidAnnotation(claim_outside(sentence.start, sentence.end))


def claim_outside(start, end):
    return (f"the claim must lie inside the sentence: claim_start and claim_end between "
            f"{start} and {end}")


def clean_annotation(*, label, note, evidence, claim_start=None, claim_end=None):
    if label not in Label.values:
        raise InvalidAnnotation(f"label must be one of {', '.join(Label.values)}")
    if not isinstance(note, str) or "\x00" in note:
        raise InvalidAnnotation("note must be text (without NUL characters)")
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidAnnotation(f"note must be at most {NOTE_MAX_LENGTH:,} characters")
    claim_start, claim_end = clean_claim(claim_start, claim_end)
    return {"label": label, "note": note, "evidence": clean_evidence(evidence),
            "claim_start": claim_start, "claim_end": claim_end}


class Saved(NamedTuple):
    """A label as saved (`save_label`): the annotation, whether it is new, its sentence's
    article, and what the reviewer may now see of the others' labels (`others_counts`)."""

    annotation: Annotation
    created: bool
    article_id: int
    others: dict | None


def save_annotation(*, sentence, reviewer, label, note="", evidence=(), claim_start=None,
                    claim_end=None, version=None):
    """Create or update the reviewer's annotation; return (annotation, created).

    `version` is the version the caller last saw: 0 if it saw none, None to skip the
    check. Raise StaleVersion if it is behind, InvalidAnnotation on bad input (a claim
    span outside the sentence too). A label changed where the reviewer could see the
    others' labels (`access`) is marked `changed_after_reveal`; `first_label` keeps the
    first label ever given. Like note and evidence, the claim span is replaced: None
    clears it.
    """
    values = clean_annotation(label=label, note=note, evidence=evidence,
                              claim_start=claim_start, claim_end=claim_end)
    if connection.vendor == "postgresql":
        saved = _save_in_postgres(sentence.pk, reviewer, values, version, check=False)
        return saved.annotation, saved.created
    return _save_portable(sentence, reviewer, values, version)


def save_label(*, sentence_id, reviewer, label, note="", evidence=(), claim_start=None,
               claim_end=None, version=None):
    """`save_annotation` on the sentence `sentence_id` if `reviewer` (who holds a role) may
    see it, else SentenceNotFound; return a Saved. On PostgreSQL in one statement (the
    function of migration 0021), which checks who may see the sentence too."""
    values = clean_annotation(label=label, note=note, evidence=evidence,
                              claim_start=claim_start, claim_end=claim_end)
    if connection.vendor == "postgresql":
        return _save_in_postgres(sentence_id, reviewer, values, version, check=True)
    sentence = (
        visible_sentences(reviewer).select_related("article__project")
        .filter(pk=sentence_id).first()
    )
    if sentence is None:
        raise SentenceNotFound(sentence_id)
    annotation, created = _save_portable(sentence, reviewer, values, version)
    return Saved(annotation, created, sentence.article_id, others_counts(reviewer, sentence))


# A label replaces the reviewer's skip of the sentence (`skipping`): the skip is deleted in
# the same statement, so that a refused save (409, 404) keeps it.
_SAVE = (
    "WITH unskipped AS (DELETE FROM annotations_skip WHERE sentence_id = %s AND reviewer_id = %s)"
    " SELECT * FROM factcheck_save_annotation(" + ", ".join(["%s"] * 13) + ")"
)


def _save_in_postgres(sentence_id, reviewer, values, version, *, check):
    """`_save_portable`, step for step, in the database: one round trip (two for a 409, to
    read what is stored). `check`: refuse (SentenceNotFound) a sentence `reviewer` may not
    see, as `visible_sentences` does."""
    now = timezone.now()
    adjudicator = is_adjudicator(reviewer)
    params = [
        sentence_id, reviewer.pk,
        sentence_id, reviewer.pk, values["label"], values["note"],
        json.dumps(values["evidence"]), version, adjudicator, check, _history_user_id(), now,
        timezone.get_default_timezone_name(), values["claim_start"], values["claim_end"],
    ]
    try:
        # Inside a transaction, a savepoint keeps a refusal from spoiling it; outside, the
        # statement is a transaction of its own.
        inner = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with inner, connection.cursor() as cursor:
            cursor.execute(_SAVE, params)
            row = cursor.fetchone()
    except DatabaseError as error:
        code = getattr(error.__cause__, "sqlstate", None)
        if code == "FC409":
            raise StaleVersion(
                Annotation.objects.filter(sentence_id=sentence_id, reviewer=reviewer).first()
            ) from None
        if code == "FC404":
            raise SentenceNotFound(sentence_id) from None
        if code == "FC400":  # the claim span lies outside the sentence
            start, end = error.__cause__.diag.message_detail.split()
            raise InvalidAnnotation(claim_outside(start, end)) from None
        raise
    (pk, created, version, created_at, first_label, changed, article_id, sees, *counts) = row
    annotation = Annotation(
        id=pk, sentence_id=sentence_id, reviewer=reviewer, version=version,
        created_at=created_at, updated_at=now, first_label=first_label,
        changed_after_reveal=changed, **values,
    )
    annotation._state.adding, annotation._state.db = False, connection.alias
    others = None
    if sees:  # `others_counts`: the sentence's counts but for the reviewer's own label
        others = dict(zip(Label.values, counts, strict=True))
        others[values["label"]] -= 1
    return Saved(annotation, created, article_id, others)


def _history_user_id():
    """Who simple-history records as making a change now: the signed-in user of the
    request being answered (its middleware), else nobody."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _save_portable(sentence, reviewer, values, version):
    """`save_annotation` through the ORM, on any database."""
    check_claim(sentence, values["claim_start"], values["claim_end"])
    with transaction.atomic():
        # A label replaces the reviewer's skip; a refused save rolls this back.
        Skip.objects.filter(sentence=sentence, reviewer=reviewer).delete()
        annotation = _locked(sentence, reviewer)
        if annotation is None:
            if version:
                raise StaleVersion(None)
            try:
                with transaction.atomic():
                    created = Annotation.objects.create(
                        sentence=sentence, reviewer=reviewer,
                        **_first_label(sentence, reviewer, values["label"]), **values,
                    )
                    apply_change(sentence.pk, {created.label: +1}, created)
                    return created, True
            except IntegrityError:
                # Another request created it first: treat ours as an update of theirs.
                annotation = _locked(sentence, reviewer)
        if version is not None and version != annotation.version:
            raise StaleVersion(annotation)
        if annotation.label != values["label"]:
            apply_change(sentence.pk, {annotation.label: -1, values["label"]: +1}, annotation)
            if sees_others_after_labeling(reviewer, sentence.article.project):
                annotation.changed_after_reveal = True
        for field, value in values.items():
            setattr(annotation, field, value)
        annotation.version += 1
        annotation.save()
        return annotation, False


def _first_label(sentence, reviewer, label):
    """`first_label` and `changed_after_reveal` of an annotation created now. A reviewer who
    deleted an earlier one keeps its first label (from the history, which keeps deleted
    rows), so that deleting and labeling again launders nothing. One query, two if there
    was an earlier one."""
    history = Annotation.history.filter(sentence_id=sentence.pk, reviewer_id=reviewer.pk)
    earliest = history.order_by("history_date", "history_id").first()
    if earliest is None:
        return {"first_label": label}
    first_label = earliest.first_label or earliest.label  # rows older than first_label
    changed = history.filter(changed_after_reveal=True).exists() or (
        label != first_label and sees_others_after_labeling(reviewer, sentence.article.project)
    )
    return {"first_label": first_label, "changed_after_reveal": changed}


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
        apply_change(sentence.pk, {annotation.label: -1}, annotation)
        return True


def _locked(sentence, reviewer):
    return (
        Annotation.objects.select_for_update()
        .filter(sentence=sentence, reviewer=reviewer)
        .first()
    )

