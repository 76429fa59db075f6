"""A project's guidelines: Markdown written in the admin, shown to reviewers as safe HTML,
and who has seen which version of them.

Markdown goes through markdown-it-py with raw HTML off, then through nh3 (the ammonia
sanitiser) with a short list of tags: whatever the text holds, no tag, attribute or link
outside that list reaches the page. Links keep http(s) and mailto only.
"""

import hashlib
from functools import lru_cache

import nh3
from django.utils import timezone
from markdown_it import MarkdownIt

from .models import GuidelinesSeen

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
LINK_SCHEMES = ("http://", "https://", "mailto:")

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def _keep(tag, attribute, value):
    """nh3's attribute filter: links only to http(s) and mail addresses (nh3 lets relative
    links through, which on this site would lead anywhere in it); table cells their
    alignment only."""
    if attribute == "href":
        return value if value.lower().startswith(LINK_SCHEMES) else None
    if attribute == "style":
        return value if value in ("text-align:left", "text-align:center",
                                  "text-align:right") else None
    return value


@lru_cache(maxsize=64)
def render(text):
    """Safe HTML of guidelines in Markdown. Cached by text: every page view renders the
    same few guidelines."""
    if not text.strip():
        return ""
    return nh3.clean(
        _markdown.render(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_keep,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def digest_of(text):
    """Names one version of the guidelines: what a reviewer is recorded as having seen."""
    return hashlib.sha256(text.encode()).hexdigest()


def state(text, seen_digest):
    """What the article page does with the guidelines on opening: "none" (there are none),
    "new" (never seen: open them), "updated" (changed since seen: open them, say so) or
    "seen"."""
    if not text.strip():
        return "none"
    if not seen_digest:
        return "new"
    return "seen" if seen_digest == digest_of(text) else "updated"


def mark_seen(*, user, project, digest):
    """Record that `user` has seen the version `digest` of `project`'s guidelines."""
    GuidelinesSeen.objects.update_or_create(
        user=user, project=project, defaults={"digest": digest, "seen_at": timezone.now()}
    )
