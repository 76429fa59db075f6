"""Importing articles: validate, segment and store, all or nothing.

`clean_record` checks one article record and `store_article` stores it; `import_article`
does both. `read_records` parses a `.txt`, `.json` or `.jsonl` file into (where, record)
pairs; `import_records` checks every record, then stores them all in one transaction, or
raises InvalidRecords naming each invalid one by file and line. The API, the admin and the
command all go through these. A record with a `url` and no body is fetched and extracted
first (`fetched_record`); a `.html` file is extracted like a fetched page.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .fetching import FetchError, PageTooLarge, fetch_page
from .languages import UnknownLanguage, clean_language, detect_language
from .matching import remember_prior_checks
from .models import DEFAULT_PROJECT_SLUG, Article, ArticleTally, Project, Sentence
from .segmentation import split_many, split_sentences
from .webpages import NoArticle, page_record

FIELDS = ("body", "title", "source", "url", "published_at", "language", "project", "author")
TITLE_MAX_LENGTH = 500
DERIVED_TITLE_LENGTH = 120
# A publication date before this year or after next year is a typo. The bound also keeps
# every stored date inside what Python, SQLite and PostgreSQL can all hold in any time zone.
EARLIEST_YEAR = 1900
# An import names at most this many invalid records (and counts the rest).
ERRORS_LISTED = 50
# import_records stores the articles of a batch this many at a time.
STORED_AT_A_TIME = 250


class InvalidArticle(ValueError):
    """A record that cannot be imported; the message says what and where."""


class UnknownProject(InvalidArticle):
    pass


class ArticleTooLarge(InvalidArticle):
    pass


class InvalidRecords(InvalidArticle):
    """Every invalid record of an import, each as "where: what"."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.listed()))

    @property
    def heading(self):
        count = len(self.errors)
        return f"{count} invalid record{'s' if count != 1 else ''}; nothing was imported"

    def listed(self, limit=None):
        """The first `limit` errors (default ERRORS_LISTED), then "and N more"."""
        limit = limit or ERRORS_LISTED
        more = len(self.errors) - limit
        return self.errors[:limit] + ([f"and {more} more"] if more > 0 else [])


@dataclass(frozen=True)
class ImportResult:
    article: Article
    created: bool


def content_hash(body):
    """SHA-256 of the body with its line endings made \\n: a text pasted in a browser
    (\\r\\n) and the same text from a file are the same article. A text without \\r
    hashes as it always did (migration 0010 rehashed the stored ones with \\r)."""
    normalised = body.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def split_bucket(digest):
    """A stable number 0-99 from the content hash: the same text lands in the same
    dataset split (train/validation/test) in every database and every export."""
    return int(digest[:8], 16) % 100


def derive_title(body):
    """The first line of the body, cut at a word boundary when long."""
    first_line = body.strip().splitlines()[0].strip()
    if len(first_line) <= DERIVED_TITLE_LENGTH:
        return first_line
    cut = first_line[:DERIVED_TITLE_LENGTH].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def get_project(slug):
    try:
        return Project.objects.get(slug=slug)
    except Project.DoesNotExist:
        known = ", ".join(Project.objects.order_by("slug").values_list("slug", flat=True))
        raise UnknownProject(
            f"unknown project {slug!r}; existing projects: {known or 'none'}"
        ) from None


def clean_record(record, *, project=None):
    """Check one article record (a dict) and return it with normalised values and
    `project`, the Project it goes to: the record's own `project` slug, else `project`
    (a Project or a slug), else the `default` project.

    Raises InvalidArticle naming the first problem found.
    """
    unknown = sorted(set(record) - set(FIELDS))
    if unknown:
        raise InvalidArticle(
            f"unknown field {unknown[0]!r}; allowed fields: {', '.join(FIELDS)}"
        )
    if record.get("body") in (None, "") and record.get("url") not in (None, ""):
        record = fetched_record(record, project=project)
    body = record.get("body")
    if not isinstance(body, str) or not body.strip():
        raise InvalidArticle("body is missing or empty")
    _check_text("body", body)
    size = len(body.encode("utf-8"))
    if size > settings.ARTICLE_MAX_BYTES:
        raise ArticleTooLarge(
            f"body is {size:,} bytes; the limit is {settings.ARTICLE_MAX_BYTES:,} "
            "(set ARTICLE_MAX_BYTES to raise it)"
        )
    cleaned = {"body": body}
    for name, limit in (("title", TITLE_MAX_LENGTH), ("source", 200), ("author", 200)):
        value = record.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise InvalidArticle(f"{name} must be a string")
        if len(value) > limit:
            raise InvalidArticle(f"{name} is longer than {limit} characters")
        cleaned[name] = _check_text(name, value).strip()
    cleaned["url"] = _clean_url(record.get("url"))
    if "fetched_at" in record:  # set by fetched_record, never by the caller
        cleaned["final_url"] = _clean_url(record["final_url"])
        cleaned["fetched_at"] = record["fetched_at"]
    cleaned["published_at"] = _clean_datetime(record.get("published_at"))
    own = record.get("project")
    cleaned["project"] = _clean_project(project if own in (None, "") else own)
    cleaned["language"] = _clean_language(record.get("language"), body, cleaned["project"])
    return cleaned


def fetched_record(record, *, project=None):
    """The record of a `url` without a body: the page fetched and its article extracted,
    the record's own values winning over the page's. A URL already imported into the
    project is not fetched again: the stored body stands in, so the import finds that
    article and changes nothing. Raises InvalidArticle naming the URL."""
    url = _clean_url(record["url"])
    own = record.get("project")
    target = _clean_project(project if own in (None, "") else own)
    given = {name: value for name, value in record.items() if value not in (None, "")}
    existing = Article.objects.filter(project=target, url=url).values_list("body", flat=True)
    if body := existing.first():
        return {**given, "body": body}
    try:
        page = fetch_page(url)
        extracted = page_record(page.content, url=page.final_url, charset=page.charset)
    except PageTooLarge as error:
        raise ArticleTooLarge(str(error)) from None
    except FetchError as error:
        raise InvalidArticle(str(error)) from None
    except NoArticle as error:
        raise InvalidArticle(f"{url}: {error}") from None
    return {**extracted, **given, "final_url": page.final_url, "fetched_at": page.fetched_at}


def _clean_language(value, body, project):
    """The given language checked and normalised, else the body's detected language (the
    project's default when the body is too short or mixed to tell)."""
    if value in (None, ""):
        return detect_language(body, default=project.default_language)
    if not isinstance(value, str) or len(value) > 16:
        raise InvalidArticle("language must be an ISO 639-1 code such as en or pt-BR")
    try:
        return clean_language(_check_text("language", value))
    except UnknownLanguage as error:
        raise InvalidArticle(str(error)) from None


def _check_text(name, value):
    """Refuse what no database stores as text and what cannot be written as UTF-8: a NUL
    character or a lone surrogate (JSON escapes such as \\u0000 and \\ud800 carry both)."""
    if "\x00" in value:
        raise InvalidArticle(f"{name} contains a NUL character")
    if surrogate := _SURROGATE.search(value):
        raise InvalidArticle(
            f"{name} contains a lone surrogate (U+{ord(surrogate.group()):04X}), which is "
            "not a character: check the text's \\u escapes"
        )
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_project(value):
    if isinstance(value, Project):
        return value
    if value in (None, ""):
        return get_project(DEFAULT_PROJECT_SLUG)
    if not isinstance(value, str):
        raise InvalidArticle("project must be a project slug")
    return get_project(_check_text("project", value))


def _clean_url(value):
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > 2000:
        raise InvalidArticle("url must be a string of at most 2000 characters")
    _check_text("url", value)
    # urlsplit silently drops tabs and newlines; a stored link must be the one given.
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidArticle(
            f"url must be an http(s) address without spaces or control characters, "
            f"not {value!r}"
        )
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArticle(f"url must be an http(s) address, not {value!r}")
    return value


def _clean_datetime(value):
    """An aware datetime in UTC. A date alone is that day at 00:00 UTC, so that every
    export (always in UTC) writes the date given; a time without an offset is read in
    TIME_ZONE."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise InvalidArticle("published_at must be an ISO 8601 date or date-time string")
    _check_text("published_at", value)
    try:
        if day := parse_date(value):
            moment = datetime.combine(day, time(), tzinfo=UTC)
        else:
            moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise InvalidArticle(f"published_at {value!r} is not an ISO 8601 date or date-time")
    latest = timezone.now().year + 1
    if not EARLIEST_YEAR <= moment.year <= latest:
        raise InvalidArticle(
            f"published_at {value!r} is out of range: the year must be "
            f"{EARLIEST_YEAR} to {latest}"
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # In UTC: PostgreSQL refuses offsets past 15:59 that Python accepts (up to 23:59).
    return moment.astimezone(UTC)


def import_article(*, project=None, imported_by=None, **record):
    """Segment and store one article; return ImportResult(article, created).

    `record` holds the article's fields (body, title, ...); `project` is a Project or a
    slug (None: the `default` project). The same body in the same project again returns
    the existing article with created=False. Raises InvalidArticle.
    """
    return store_article(clean_record(record, project=project), imported_by=imported_by)


def store_article(cleaned, *, imported_by=None, spans=None):
    """Store a record checked by clean_record; return ImportResult(article, created).

    `spans`: the body's sentence spans when already split (else they are split here)."""
    cleaned = dict(cleaned)
    project, body = cleaned.pop("project"), cleaned["body"]
    digest = content_hash(body)
    same_text = Article.objects.filter(project=project, content_hash=digest)
    existing = same_text.select_related("project").first()
    if existing:
        return ImportResult(existing, created=False)
    cleaned.setdefault("title", derive_title(body))
    try:
        with transaction.atomic():
            article = Article.objects.create(
                project=project,
                content_hash=digest,
                split_bucket=split_bucket(digest),
                imported_by=imported_by,
                **cleaned,
            )
            if spans is None:
                spans = split_sentences(body, article.language)
            _insert_sentences([article], [spans])
            remember_prior_checks([article])
    except IntegrityError:
        # Someone imported the same body at the same moment: theirs stands.
        existing = same_text.select_related("project").first()
        if existing is None:
            raise
        return ImportResult(existing, created=False)
    return ImportResult(article, created=True)


def store_articles(checked, *, imported_by=None, progress=None, processes=1):
    """Store records checked by clean_record, in bulk; return their ImportResults in order.

    As store_article on each in turn (a body already in its project, or earlier in the
    batch, gives that article with created=False), in one transaction. The new bodies are
    split in `processes` worker processes while this one stores what they return.
    `progress` is called once a record.
    """
    digests = [content_hash(cleaned["body"]) for cleaned in checked]
    known = _existing_articles(checked, digests)
    new, keys = [], set()
    for cleaned, digest in zip(checked, digests, strict=True):
        key = (cleaned["project"].pk, digest)
        if key not in known and key not in keys:
            keys.add(key)
            new.append((cleaned, digest))
    for _ in range(len(checked) - len(new)) if progress else ():
        progress()
    texts = [(cleaned["body"], _language(cleaned)) for cleaned, _ in new]
    stored = []
    with transaction.atomic():
        batch = []
        for item, spans in zip(new, split_many(texts, processes=processes), strict=True):
            batch.append((*item, spans))
            if len(batch) == STORED_AT_A_TIME:
                stored += _store_batch(batch, imported_by, progress)
                batch = []
        stored += _store_batch(batch, imported_by, progress)
    by_key = {(c["project"].pk, d): result for (c, d), result in zip(new, stored, strict=True)}
    results = []
    for cleaned, digest in zip(checked, digests, strict=True):
        key = (cleaned["project"].pk, digest)
        if key in known:
            results.append(ImportResult(known[key], created=False))
        elif key in keys:
            keys.remove(key)
            results.append(by_key[key])
        else:  # the same body earlier in the batch
            results.append(ImportResult(by_key[key].article, created=False))
    return results


def _existing_articles(checked, digests):
    """{(project id, content hash): Article} of the bodies already stored."""
    wanted = {}
    for cleaned, digest in zip(checked, digests, strict=True):
        wanted.setdefault(cleaned["project"].pk, set()).add(digest)
    found = {}
    for project_id, project_digests in wanted.items():
        project_digests = sorted(project_digests)
        for i in range(0, len(project_digests), 1000):  # SQLite's limit on parameters
            for article in Article.objects.filter(
                project_id=project_id, content_hash__in=project_digests[i : i + 1000]
            ).select_related("project"):
                found.setdefault((project_id, article.content_hash), article)
    return found


def _language(cleaned):
    return cleaned.get("language") or Article._meta.get_field("language").get_default()


def _store_batch(batch, imported_by, progress):
    """Store (cleaned, digest, spans) triples of new bodies: three statements in all."""
    if not batch:
        return []
    try:
        with transaction.atomic():
            articles = []
            for cleaned, digest, _ in batch:
                fields = dict(cleaned)
                fields.pop("project")
                fields.setdefault("title", derive_title(cleaned["body"]))
                articles.append(Article(
                    project=cleaned["project"],
                    content_hash=digest,
                    split_bucket=split_bucket(digest),
                    imported_by=imported_by,
                    **fields,
                ))
            articles = Article.objects.bulk_create(articles)
            _insert_sentences(articles, [spans for _, _, spans in batch])
            remember_prior_checks(articles)
        results = [ImportResult(article, created=True) for article in articles]
    except IntegrityError:
        # Someone imported one of these bodies at the same moment: one at a time, theirs stands.
        results = [
            store_article(cleaned, imported_by=imported_by, spans=spans)
            for cleaned, _, spans in batch
        ]
    for _ in results if progress else ():
        progress()
    return results


def _insert_sentences(articles, spans):
    """Insert the sentences of `articles` (`spans` being each one's) and their tallies."""
    _insert_rows(
        Sentence,
        ("article", "position", "text", "start", "end"),
        (
            (article.pk, i, article.body[start:end], start, end)
            for article, article_spans in zip(articles, spans, strict=True)
            for i, (start, end) in enumerate(article_spans)
        ),
    )
    _insert_rows(
        ArticleTally,
        ("article", "sentences"),
        (
            (article.pk, len(article_spans))
            for article, article_spans in zip(articles, spans, strict=True)
        ),
    )


def _insert_rows(model, names, rows):
    """Insert `rows` of values for the fields `names` of `model`, the other columns taking
    their database defaults: COPY on PostgreSQL, one prepared INSERT elsewhere. (The ORM's
    bulk_create spends most of an import building each row's defaults.)"""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            return
        with connection.wrap_database_errors, cursor.cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)


def import_records(records, *, project=None, imported_by=None, progress=None, processes=1):
    """Import (where, record) pairs in one transaction: any invalid record stores nothing.

    `project` (a Project or slug; None: `default`) takes the records that name none; a
    record's own `project` wins. Every record is checked before any is stored; invalid
    ones raise InvalidRecords listing each, named by `where` ("file.jsonl line 3"). A
    record may be an InvalidArticle already (a line that is not JSON). `progress` is
    called after each stored record; `processes` split the bodies (see store_articles).
    Returns the ImportResults.
    """
    project = _clean_project(project)
    checked, errors = [], []
    for where, record in records:
        try:
            if isinstance(record, InvalidArticle):
                raise record
            if not isinstance(record, dict):
                raise InvalidArticle(
                    f"expected an object with a body, got {type(record).__name__}"
                )
            checked.append(clean_record(record, project=project))
        except InvalidArticle as error:
            errors.append(f"{where}: {error}")
    if errors:
        raise InvalidRecords(errors)
    return store_articles(
        checked, imported_by=imported_by, progress=progress, processes=processes
    )


def read_records(path, *, title=None):
    """Parse a .txt, .json or .jsonl file into (where, record) pairs.

    A .txt file is one article (`title` optional). A .jsonl line that is not JSON comes
    as (where, InvalidArticle), for import_records to report with the other invalid
    records; any other problem with the file raises InvalidArticle naming file and line.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidArticle(f"{path.name}: cannot read the file ({error.strerror})") from None
    return parse_records(data, path.name, title=title)


def parse_records(data, name, *, title=None):
    """Parse the bytes of a file called `name` (.txt, .json, .jsonl or .html) like
    read_records."""
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm"):
        return [(name, _html_record(data, name, title=title))]
    text = _decode(data, name)
    if suffix == ".txt":
        record = {"body": text}
        if title:
            record["title"] = title
        return [(f"{name} line 1", record)]
    if title:
        raise InvalidArticle(f"{name}: --title applies to .txt and .html files only")
    if suffix == ".jsonl":
        return list(_jsonl_records(text, name))
    if suffix == ".json":
        return list(_json_records(text, name))
    raise InvalidArticle(
        f"{name}: unsupported file type {suffix!r}; use .txt, .json, .jsonl or .html"
    )


def _html_record(data, name, *, title=None):
    """A saved web page as a record: the article extracted as from a fetched page (its
    charset guessed from the page itself)."""
    try:
        record = page_record(data)
    except NoArticle as error:
        raise InvalidArticle(f"{name}: {error}") from None
    if title:
        record["title"] = title
    return record


def _decode(data, name):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidArticle(
            f"{name} line {line}: not valid UTF-8 (byte {error.start}); save the file as UTF-8"
        ) from None


def _parse_int(digits):
    # Python refuses to convert more than 4,300 digits (a ValueError, not a JSON error);
    # no field takes a number, so a float (inf if need be) lets the record be refused
    # by name and line like any other.
    return int(digits) if len(digits) <= 4000 else float(digits)


_DECODER = json.JSONDecoder(parse_int=_parse_int)


def _jsonl_records(text, name):
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = _DECODER.decode(line)
        except json.JSONDecodeError as error:
            record = InvalidArticle(f"invalid JSON ({error.msg})")
        except RecursionError:
            record = InvalidArticle("invalid JSON (nested too deeply)")
        yield f"{name} line {number}", record


def _json_records(text, name):
    """An object, or a list of objects; each record is named by the line it starts on."""
    decoder = _DECODER
    try:
        document = decoder.decode(text)
    except json.JSONDecodeError as error:
        raise InvalidArticle(f"{name} line {error.lineno}: invalid JSON ({error.msg})") from None
    except RecursionError:
        raise InvalidArticle(
            f"{name} line {_line_of_depth(text)}: invalid JSON (nested too deeply)"
        ) from None
    if isinstance(document, dict):
        return [(f"{name} line {_line_of_first(text, '{')}", document)]
    if not isinstance(document, list):
        raise InvalidArticle(f"{name} line 1: expected an object or a list of objects")
    # Walk the array again to learn where each item starts, for error messages.
    records = []
    index = text.index("[") + 1
    for item in document:
        while text[index] in " \t\r\n,":
            index += 1
        line = text.count("\n", 0, index) + 1
        _, index = decoder.raw_decode(text, index)
        records.append((f"{name} line {line}", item))
    return records


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
# A record is an object in a list: anything nested this deep is not one.
_ABSURD_DEPTH = 100


def _line_of_depth(text):
    """The line where the JSON text first nests deeper than _ABSURD_DEPTH (strings skipped)."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        if token.group() in ("[", "{"):
            depth += 1
            if depth > _ABSURD_DEPTH:
                return text.count("\n", 0, token.start()) + 1
        elif token.group() in ("]", "}"):
            depth -= 1
    return 1


def _line_of_first(text, char):
    return text.count("\n", 0, text.index(char)) + 1
