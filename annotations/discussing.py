"""Each sentence's discussion: short comments among those who may talk about it
(`access.may_discuss`), and how far each user has read them, for the landing page's
"new replies"."""

from django.db.models import Count, Exists, Max, OuterRef, Q

from .access import is_adjudicator, visible_sentences
from .models import COMMENT_MAX_LENGTH, Annotation, Comment, CommentRead


class InvalidComment(ValueError):
    """Bad text for a comment; the message says why."""


def clean_comment(text):
    if not isinstance(text, str) or "\x00" in text:
        raise InvalidComment("text must be text (without NUL characters)")
    text = text.strip()
    if not text:
        raise InvalidComment("text must not be empty")
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidComment(f"text must be at most {COMMENT_MAX_LENGTH:,} characters")
    return text


def add_comment(*, sentence, author, text):
    """Add `author`'s comment to the discussion of `sentence` (who may is the caller's
    check: `access.may_discuss`); history records it. Their own comment is not new to
    them: their read mark moves past it."""
    comment = Comment.objects.create(sentence=sentence, author=author, text=clean_comment(text))
    mark_read(author, sentence, comment.pk)
    return comment


def comments_of(sentence):
    """The discussion of `sentence`, oldest first, with each author."""
    return Comment.objects.filter(sentence=sentence).select_related("author").order_by("id")


def mark_read(user, sentence, last_id):
    """`user` has been shown the comments of `sentence` up to the id `last_id`. One query:
    an upsert, so that two tabs reading at once make one row."""
    CommentRead.objects.bulk_create(
        [CommentRead(user=user, sentence=sentence, last_read_id=last_id)],
        update_conflicts=True, unique_fields=["user", "sentence"], update_fields=["last_read_id"],
    )


def new_replies(user, *, limit=10):
    """The sentences `user` takes part in whose discussion has comments by others they
    have not been shown, latest first, at most `limit`: dicts of sentence_id, article_id,
    article_title, position, text, count (new comments) and latest. One query.

    A reviewer takes part in the sentences they have labeled (without a label they may
    not read the discussion); an adjudicator also in those they have commented on."""
    of_sentence = {"sentence": OuterRef("sentence")}
    takes_part = Exists(Annotation.objects.filter(reviewer=user, **of_sentence))
    if is_adjudicator(user):
        takes_part |= Exists(Comment.objects.filter(author=user, **of_sentence))
    seen = CommentRead.objects.filter(user=user, last_read_id__gte=OuterRef("pk"), **of_sentence)
    rows = (
        Comment.objects.filter(sentence__in=visible_sentences(user))
        .filter(takes_part)
        .filter(~Q(author=user), ~Exists(seen))
        .values("sentence_id")
        .annotate(
            article_id=Max("sentence__article_id"),
            article_title=Max("sentence__article__title"),
            position=Max("sentence__position"),
            text=Max("sentence__text"),
            count=Count("id"),
            latest=Max("created_at"),
        )
        .order_by("-latest", "sentence_id")
    )
    return list(rows[:limit])
