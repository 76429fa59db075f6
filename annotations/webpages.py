"""A news page's HTML to an article record, with trafilatura.

`page_record(html, url=...)` keeps the main text (no navigation, adverts, comments or
footers) as the body and reads the title, publication date, author and site name (as
`source`) from the page's metadata; the language from `<html lang>`. The record goes
through the import's usual checks like any other.
"""

import re

import trafilatura

from .languages import ISO_639_1

# Less main text than this (the headline aside) is a section front or a teaser, not an
# article: trafilatura returns whatever text it finds, even a lone heading.
MIN_ARTICLE_CHARACTERS = 80
# A short first line naming the author is a byline ("Lucía Fernández · Madrid").
_BYLINE_MAX_CHARACTERS = 100

# <html lang="pt-BR"> -> "pt"; only two-letter primary tags are ISO 639-1.
_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2})(?![A-Za-z])", re.I)


class NoArticle(ValueError):
    """No article text was found in the page."""


def page_record(content, *, url=None, charset=None):
    """An import record {body, title, source, published_at, author, language} from the
    page's bytes; values not found are left out. Raises NoArticle."""
    html = _decoded(content, charset)
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, favor_precision=True,
        # Dates from the page's markup only: a search of the visible text takes a
        # copyright line ("© 2025") for the publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = (document.text or "").strip() if document else ""
    title = (document.title or "").strip() if document else ""
    author = (document.author or "").strip() if document else ""
    lines = body.split("\n")
    if lines and title and lines[0].strip() == title:
        lines.pop(0)  # the headline is the title, not a sentence of the body
    if lines and author and author in lines[0] and len(lines[0]) <= _BYLINE_MAX_CHARACTERS:
        lines.pop(0)
    body = "\n".join(lines).strip()
    if len(body) < MIN_ARTICLE_CHARACTERS:
        raise NoArticle("no article text found in the page")
    record = {
        "body": body,
        "title": title[:500],
        "source": (document.sitename or "").strip()[:200],
        "author": author[:200],
        "published_at": document.date or "",
    }
    if match := _HTML_LANG.search(content[:65536]):
        code = match.group(1).decode("ascii").lower()
        if code in ISO_639_1:  # else detected from the body, as for a record without one
            record["language"] = code
    return {name: value for name, value in record.items() if value}


def _decoded(content, charset):
    """The text as the header's charset says, else the bytes (trafilatura guesses)."""
    if charset:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return content
