"""Dataset exports: one query builder, two ways to stream its rows.

`export_query(kind, filters)` builds the rows as a Django queryset of plain values, one
column per output field, ordered by output fields. `stream_export(kind, fmt, filters)`
turns it into chunks of bytes: on PostgreSQL the database formats the rows itself
(`COPY (SELECT ...) TO STDOUT` of that same query's SQL), elsewhere a chunked iterator
formats them in Python. Both write the same rows; tests hold them to it.
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connections
from django.db.models import (
    Aggregate,
    CharField,
    Exists,
    F,
    Func,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, Left, Substr
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .languages import UnknownLanguage, clean_language
from .models import (
    MAX_ID,
    Annotation,
    Label,
    Prediction,
    PredictionModel,
    Project,
    Sentence,
    Skip,
)
from .progress import label_count

KINDS = ("annotations", "sentences", "skips")
FORMATS = ("jsonl", "csv", "json")
SPLITS = ("train", "validation", "test")
# An article's split comes from its split_bucket (0-99): below 80 train, below 90
# validation, the rest test.
SPLIT_BOUNDS = (("train", 80), ("validation", 90))
CONTENT_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
CHUNK_BYTES = 256 * 1024
ROWS_PER_FETCH = 2000

# How each column is written: PLAIN as it is; TEXT is free text (guarded against formula
# injection in CSV); TIMESTAMP as ISO 8601 in UTC (json_timestamp); LINKS a list of URLs
# (one cell in CSV, joined by spaces); JSON any JSON value (JSON text in a CSV cell); FLAG a
# boolean (true or false in CSV).
PLAIN, TEXT, TIMESTAMP, LINKS, JSON = "plain", "text", "timestamp", "links", "json"
FLAG = "flag"


@dataclass(frozen=True)
class ExportFilters:
    project: str | None = None
    article: int | None = None
    articles: object = None  # several articles (the admin's export action); None: any
    label: str | None = None
    reviewer: str | None = None
    updated_since: datetime | None = None
    has_verdict: bool | None = None
    split: str | None = None
    language: str | None = None  # the articles' ISO 639-1 code
    anonymize: bool = False
    # The projects the exporter may export (a Project queryset); None: every project.
    projects: object = None
    # CSV only: quote text cells a spreadsheet would run as a formula (see neutralise_formula);
    # False writes every text exactly, for programs rather than spreadsheets.
    csv_guard: bool = True
    # Seconds the replica may be behind before the export reads the primary instead.
    max_lag: float | None = None
    # The DATABASES entry to read (export_source.choose); None: settings.EXPORT_DATABASE.
    database: str | None = None
    # Sentence exports: the names of the models whose predictions to add (model_predictions).
    models: tuple[str, ...] = ()


class JSONArrayAgg(Aggregate):
    """A JSON array of the values in each group (jsonb_agg / json_group_array)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class SHA256Hex(Func):
    """Hex SHA-256 of a text. Django's own SHA256 needs pgcrypto on PostgreSQL; this uses
    the built-in sha256(); on SQLite, the function Django registers on every connection."""

    function = "SHA256"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def pseudonym_salt():
    """Derived from SECRET_KEY, so pseudonyms stay the same from export to export
    without revealing the key."""
    return hashlib.sha256(f"reviewer-pseudonym:{settings.SECRET_KEY}".encode()).hexdigest()[:16]


def reviewer_name(user_id_field, username_field, anonymize):
    if not anonymize:
        return F(username_field)
    digest = SHA256Hex(Concat(Value(pseudonym_salt()), Cast(user_id_field, CharField())))
    return Concat(Value("reviewer-"), Left(digest, 10), output_field=CharField())


def split_of(bucket_field):
    return CaseWhen(
        *[When(**{f"{bucket_field}__lt": bound}, then=Value(name)) for name, bound in SPLIT_BOUNDS],
        default=Value("test"),
        output_field=CharField(),
    )


def split_filter(bucket_field, split):
    """The rows of one split: the same bounds as split_of."""
    bounds = [0, *(bound for _, bound in SPLIT_BOUNDS), 100]
    i = SPLITS.index(split)
    return Q(**{f"{bucket_field}__gte": bounds[i], f"{bucket_field}__lt": bounds[i + 1]})


def sentence_columns(prefix=""):
    """The columns every row starts with; `prefix` leads from the row's model to Sentence."""
    return {
        "sentence_id": (F(f"{prefix}id"), PLAIN),
        "article_id": (F(f"{prefix}article_id"), PLAIN),
        "project": (F(f"{prefix}article__project__slug"), PLAIN),
        "language": (F(f"{prefix}article__language"), PLAIN),
        "position": (F(f"{prefix}position"), PLAIN),
        "start": (F(f"{prefix}start"), PLAIN),
        "end": (F(f"{prefix}end"), PLAIN),
        "text": (F(f"{prefix}text"), TEXT),
    }


def in_scope(rows, filters, prefix=""):
    """`rows` whose article the filters keep (projects, project, articles, split, language),
    `prefix` the path from the rows' model to Sentence; the evaluation's scope too."""
    if filters.projects is not None:
        rows = rows.filter(**{f"{prefix}article__project__in": filters.projects})
    if filters.project:
        rows = rows.filter(**{f"{prefix}article__project__slug": filters.project})
    if filters.articles is not None:
        rows = rows.filter(**{f"{prefix}article__in": filters.articles})
    if filters.split:
        rows = rows.filter(split_filter(f"{prefix}article__split_bucket", filters.split))
    if filters.language:
        rows = rows.filter(**{f"{prefix}article__language": filters.language})
    return rows


def by_article(rows, filters, prefix=""):
    """`rows` in scope (in_scope), of the one article and with or without a verdict as asked."""
    rows = in_scope(rows, filters, prefix)
    if filters.article:
        rows = rows.filter(**{f"{prefix}article_id": filters.article})
    if filters.has_verdict is not None:
        rows = rows.filter(**{f"{prefix}verdict__isnull": not filters.has_verdict})
    return rows


def by_reviewer(rows, filters):
    """The reviewer and updated_since filters, on rows of one reviewer's (annotations, skips)."""
    if filters.reviewer:
        rows = rows.filter(reviewer__username=filters.reviewer)
    if filters.updated_since:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    return rows


def annotation_query(filters):
    """One row per annotation, in the order of their ids (ANNOTATION_ORDER)."""
    rows = by_reviewer(by_article(Annotation.objects.all(), filters, "sentence__"), filters)
    if filters.label:
        rows = rows.filter(label=filters.label)
    columns = {
        **sentence_columns("sentence__"),
        "annotation_id": (F("id"), PLAIN),
        "label": (F("label"), PLAIN),
        "reviewer": (reviewer_name("reviewer_id", "reviewer__username", filters.anonymize), TEXT),
        "note": (F("note"), TEXT),
        "evidence": (F("evidence"), LINKS),
        "version": (F("version"), PLAIN),
        "created_at": (F("created_at"), TIMESTAMP),
        "updated_at": (F("updated_at"), TIMESTAMP),
        "split": (split_of("sentence__article__split_bucket"), PLAIN),
        # Blind agreement is computed on first labels (see access.sees_others_after_labeling).
        "first_label": (F("first_label"), PLAIN),
        "changed_after_reveal": (F("changed_after_reveal"), FLAG),
        **claim_columns("", "sentence__"),
    }
    return rows, columns, ANNOTATION_ORDER


def claim_columns(span, sentence, name=""):
    """claim_start, claim_end and claim_text (`body[claim_start:claim_end]`, null without a
    span) of the span at `span` (the path to its claim_start and claim_end), cut from the
    sentence's text at `sentence` (the path to Sentence): the span lies inside it, and the
    body is never read. `name` goes before each column's name."""
    start, end = F(f"{span}claim_start"), F(f"{span}claim_end")
    text = Substr(F(f"{sentence}text"), start - F(f"{sentence}start") + 1, end - start)
    return {
        f"{name}claim_start": (start, PLAIN),
        f"{name}claim_end": (end, PLAIN),
        f"{name}claim_text": (text, TEXT),
    }


def skip_query(filters):
    """One row per skip (a sentence a reviewer chose not to label, and why), in the order of
    their ids. A skip has no label: the `label` filter does not apply (the API refuses it)."""
    rows = by_reviewer(by_article(Skip.objects.all(), filters, "sentence__"), filters)
    columns = {
        **sentence_columns("sentence__"),
        "skip_id": (F("id"), PLAIN),
        "reviewer": (reviewer_name("reviewer_id", "reviewer__username", filters.anonymize), TEXT),
        "reason": (F("reason"), PLAIN),
        "created_at": (F("created_at"), TIMESTAMP),
        "updated_at": (F("updated_at"), TIMESTAMP),
        "split": (split_of("sentence__article__split_bucket"), PLAIN),
    }
    return rows, columns, ("skip_id",)


def sentence_query(filters):
    """One row per sentence, in the order of the article and the position: its context,
    every vote, the counts, majority and verdict."""
    # The counts are kept on the sentence; the votes are one correlated subquery, so that
    # the rows need no GROUP BY and come in the order of the (article, position) index.
    of_sentence = Annotation.objects.filter(sentence=OuterRef("pk"))
    neighbour = Sentence.objects.filter(article=OuterRef("article"))
    votes = of_sentence.order_by().values("sentence").values(
        votes=JSONArrayAgg(JSONObject(
            reviewer=reviewer_name("reviewer_id", "reviewer__username", filters.anonymize),
            label=F("label"),
        ))
    )
    rows = Sentence.objects.annotate(
        votes=Subquery(votes, output_field=JSONField()),
        majority=CaseWhen(
            *[
                When(
                    Q(**{f"{label}_count__gt": F(f"{a}_count")})
                    & Q(**{f"{label}_count__gt": F(f"{b}_count")}),
                    then=Value(label),
                )
                for label, a, b in (
                    ("verified", "disputed", "unclear"),
                    ("disputed", "verified", "unclear"),
                    ("unclear", "verified", "disputed"),
                )
            ],
            default=None,
            output_field=CharField(),
        ),
    )
    rows = by_article(rows, filters)
    if filters.label:
        # The sentence's final label: the verdict where there is one, else the majority.
        rows = rows.filter(
            Q(verdict__label=filters.label) | Q(verdict__isnull=True, majority=filters.label)
        )
    if filters.reviewer:
        rows = rows.filter(Exists(of_sentence.filter(reviewer__username=filters.reviewer)))
    if filters.updated_since:
        rows = rows.filter(
            Exists(of_sentence.filter(updated_at__gte=filters.updated_since))
            | Q(verdict__decided_at__gte=filters.updated_since)
        )
    columns = {
        **sentence_columns(),
        "article_title": (F("article__title"), TEXT),
        "article_url": (F("article__url"), TEXT),
        "article_source": (F("article__source"), TEXT),
        "article_published_at": (F("article__published_at"), TIMESTAMP),
        "context_before": (
            Subquery(neighbour.filter(position=OuterRef("position") - 1).values("text")),
            TEXT,
        ),
        "context_after": (
            Subquery(neighbour.filter(position=OuterRef("position") + 1).values("text")),
            TEXT,
        ),
        "votes": (Coalesce(F("votes"), Value([], JSONField())), JSON),
        "vote_count": (label_count(), PLAIN),
        "verified_count": (F("verified_count"), PLAIN),
        "disputed_count": (F("disputed_count"), PLAIN),
        "unclear_count": (F("unclear_count"), PLAIN),
        "majority_label": (F("majority"), PLAIN),
        "verdict": (F("verdict__label"), PLAIN),
        "verdict_rationale": (F("verdict__rationale"), TEXT),
        "verdict_decided_at": (F("verdict__decided_at"), TIMESTAMP),
        **claim_columns("verdict__", "", "verdict_"),
        "split": (split_of("article__split_bucket"), PLAIN),
        # The ids of the checked sentences stating the same claim (matching.remember_prior_checks).
        "checked_before": (Coalesce(F("prior_check__matches"), Value([], JSONField())), JSON),
        **model_predictions(filters.models),
    }
    return rows, columns, ("article_id", "position")


def model_predictions(names):
    """The columns model_labels and model_scores, {model name: its label or score} for each
    model named (null where it made no prediction), when any is."""
    if not names:
        return {}

    def of(name, field):
        return Subquery(
            Prediction.objects.filter(model__name=name, sentence=OuterRef("pk")).values(field)[:1]
        )

    return {
        "model_labels": (JSONObject(**{name: of(name, "label") for name in names}), JSON),
        "model_scores": (JSONObject(**{name: of(name, "score") for name in names}), JSON),
    }


# The order of the primary key: the cheapest to sort (by article and position cost 5-10 %
# more, docs/benchmarks.md, Export), and a row keeps its place as labels are added.
ANNOTATION_ORDER = ("annotation_id",)
QUERIES = {"annotations": annotation_query, "sentences": sentence_query, "skips": skip_query}


def export_query(kind, filters):
    """(queryset of value rows, {column: kind of value}) for an export of `kind`, ordered by
    output columns (which the COPY path moves out of the query it formats)."""
    rows, columns, order = QUERIES[kind](filters)
    # Internal aliases keep the output names free of clashes with model fields.
    values = rows.using(filters.database or settings.EXPORT_DATABASE).values(
        **{f"x_{name}": expression for name, (expression, _) in columns.items()}
    ).order_by(*[f"x_{name}" for name in order])
    return values, {name: kind_of_value for name, (_, kind_of_value) in columns.items()}


def count_rows(kind, filters):
    return export_query(kind, filters)[0].count()


def stream_export(kind, fmt, filters):
    """Yield the export as chunks of UTF-8 bytes of about CHUNK_BYTES each."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    values, columns = export_query(kind, filters)
    if connections[values.db].vendor == "postgresql":
        chunks = _copy_chunks(values, columns, fmt, guard=filters.csv_guard)
    else:
        chunks = _python_chunks(values, columns, fmt, guard=filters.csv_guard)
    yield from gather(chunks, fmt)


# ---- the portable path: rows from a chunked iterator, formatted in Python -------------------


def _python_chunks(values, columns, fmt, *, guard=True):
    names = list(columns)
    aliases = [f"x_{name}" for name in names]
    rows = values.values_list(*aliases).iterator(chunk_size=ROWS_PER_FETCH)
    if fmt == "csv":
        buffer = io.StringIO()
        # Python's csv quotes a field holding a lone carriage return only when its line
        # terminator has one (COPY always quotes it): rows are written with "\r\n", then
        # end in "\n" as COPY's do.
        writer = csv.writer(buffer, lineterminator="\r\n")

        def write(row):
            writer.writerow(row)
            buffer.seek(buffer.tell() - 2)
            buffer.truncate()
            buffer.write("\n")

        write(names)
        cells = _CSV_CELL if guard else _CSV_CELL_EXACT
        formatters = [cells[columns[name]] for name in names]
        for row in rows:
            write([cell(value) for cell, value in zip(formatters, row, strict=True)])
            if buffer.tell() >= CHUNK_BYTES:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
        return
    timestamps = [i for i, name in enumerate(names) if columns[name] == TIMESTAMP]
    for row in rows:
        row = list(row)
        for i in timestamps:
            row[i] = json_timestamp(row[i])
        # json_build_object's separators: both paths write the same bytes.
        yield json.dumps(
            dict(zip(names, row, strict=True)), ensure_ascii=False, separators=(", ", " : ")
        ) + "\n"


def json_timestamp(value):
    """A moment as PostgreSQL writes a timestamp with time zone into JSON in a UTC session
    (Django's sessions are): ISO 8601 such as `2025-05-01T12:00:00.25+00:00`, the fraction
    of a second without trailing zeros, and none when it is zero."""
    if value is None:
        return None
    moment = value.astimezone(UTC)
    text = moment.replace(microsecond=0, tzinfo=None).isoformat()
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "+00:00"


def iso_timestamp(value):
    """ISO 8601 in UTC, with microseconds and a Z: the form of the ClaimReview documents."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def neutralise_formula(value):
    """Spreadsheets run a cell that starts with = + - @ as a formula (some after a leading
    tab or carriage return): quote it. Not reversible: "'=x" may be a guarded "=x" or a text
    that really starts "'=", hence the exact mode (csv_guard=False)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CSV_CELL = {
    PLAIN: lambda value: value,
    TEXT: neutralise_formula,
    TIMESTAMP: json_timestamp,
    LINKS: lambda value: " ".join(value or ()),
    JSON: lambda value: json.dumps(value, ensure_ascii=False),
    FLAG: lambda value: "true" if value else "false",
}
_CSV_CELL_EXACT = {**_CSV_CELL, TEXT: _CSV_CELL[PLAIN]}


# ---- the PostgreSQL path: the database formats each row, COPY streams them -----------------


def _copy_chunks(values, columns, fmt, *, guard=True):
    select, options, params = copy_query(values, columns, fmt, guard=guard)
    copy = f"COPY ({select}) TO STDOUT WITH ({options})"
    with connections[values.db].cursor() as cursor, cursor.cursor.copy(copy, params) as copy_out:
        # COPY hands over a row at a time: they are gathered here, in one loop, rather than
        # passed one by one through the generators above (the worker's time per row is what
        # an export over HTTP pays on top of COPY itself).
        buffer = bytearray()
        for data in copy_out:
            buffer += data
            if len(buffer) >= CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
        if buffer:
            yield bytes(buffer)


def copy_query(values, columns, fmt, *, guard=True):
    """(SELECT of the formatted rows, COPY's options, parameters) for export_query's values.

    The ORDER BY goes on the outer query: PostgreSQL merges a subquery without one into it
    and formats each row where it reads it, in parallel workers when it plans them, before
    the sort. Above an ordered subquery it formatted every row in the one process that
    gathers the workers' rows, after the sort (docs/benchmarks.md, Export).
    """
    sql, params = values.order_by().query.sql_with_params()
    order = ", ".join(_pg_order_term(name) for name in values.query.order_by)
    rows = f"FROM ({sql}) AS t" + (f" ORDER BY {order}" if order else "")
    if fmt == "csv":
        select = ", ".join(
            f"{_pg_csv_cell(f't.x_{name}', kind, guard)} AS \"{name}\""
            for name, kind in columns.items()
        )
        return f"SELECT {select} {rows}", "FORMAT csv, HEADER", params
    # Timestamps too: json_build_object writes them in its own ISO 8601 form (json_timestamp)
    # at a fraction of to_char's cost.
    pairs = ", ".join(f"'{name}', t.x_{name}" for name in columns)
    # CSV format with a quote and delimiter that JSON text never holds (it escapes control
    # characters) passes each JSON row through untouched; the text format would double its
    # backslashes.
    return (
        f"SELECT json_build_object({pairs}) {rows}",
        "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'",
        params,
    )


def _pg_order_term(name):
    """The outer query's ORDER BY term for one of export_query's orderings."""
    alias = name.removeprefix("-")
    if not alias.startswith("x_"):
        raise ValueError(f"an export is ordered by its output columns, not by {name!r}")
    return f't."{alias}"' + (" DESC" if name.startswith("-") else "")


# The empty string before a formula's first character ("-" first in the brackets, where it
# is no range).
_PG_FORMULA_START = "E'^(?=[{}])'".format(
    "".join(f"\\x{ord(start):02x}" for start in sorted(FORMULA_STARTS, key=lambda c: c != "-"))
)


def _pg_csv_cell(column, kind, guard):
    # Each cell names its column once: PostgreSQL copies the outer query's expressions into
    # the query it merges them with, so a column named twice (CASE WHEN left(c, 1) ... ELSE
    # c END) would run a correlated subquery behind it (the context sentences) twice.
    if kind == TIMESTAMP:
        # The text of the JSON exports' timestamps.
        return f"(to_json({column}) #>> '{{}}')"
    if kind == TEXT and guard:
        return f"regexp_replace({column}, {_PG_FORMULA_START}, '''')"
    if kind == LINKS:
        return f"array_to_string(ARRAY(SELECT jsonb_array_elements_text({column})), ' ')"
    if kind == JSON:
        return f"{column}::text"
    if kind == FLAG:
        return f"CASE WHEN {column} THEN 'true' ELSE 'false' END"
    return column


# ---- both paths: gather small pieces into large writes, wrap JSON rows in an array ----------


def gather(chunks, fmt):
    """Join small pieces (str or bytes) into writes of about CHUNK_BYTES."""
    pieces = (chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in chunks)
    if fmt == "json":
        pieces = _json_array(pieces)
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK_BYTES:
            yield b"".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield b"".join(buffer)


def _json_array(lines):
    """JSON documents one a line (JSON text never holds a raw newline) -> one JSON array.

    Every newline becomes ",\\n"; the last two bytes are held back, so that the final
    row's ",\\n" is dropped whichever chunk it arrives in.
    """
    yield b"[\n"
    held = b""
    for chunk in lines:
        out = held + chunk.replace(b"\n", b",\n")
        out, held = out[:-2], out[-2:]
        yield out
    yield b"\n]\n"


# ---- the parameters of an export, as a URL's query or the command's flags give them -------

PARAMETERS = (
    "format", "project", "article", "label", "reviewer", "updated_since", "has_verdict",
    "split", "language", "anonymize", "csv_guard", "max_lag", "model",
)
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_DIGITS = re.compile(r"[0-9]+")
_TRUE, _FALSE = ("true", "1"), ("false", "0")


class InvalidExportQuery(ValueError):
    """Parameters an export cannot run with; `errors` maps each wrong parameter to why."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in errors.items()))


@dataclass(frozen=True)
class ExportQuery:
    format: str
    filters: ExportFilters


def parse_export_query(params: Mapping, *, formats=FORMATS, default_format="jsonl",
                       projects=None):
    """An ExportQuery from text parameters (booleans may also be bools); `projects` are those
    the caller may name (default: all). Raise InvalidExportQuery naming every parameter that
    is unknown or wrong."""
    parsers = {
        **_PARSE,
        "format": lambda value: _choice(value, formats),
        "project": lambda value: _project(value, Project.objects.all() if projects is None
                                          else projects),
    }
    errors = dict.fromkeys(sorted(set(params) - set(PARAMETERS)), "unknown field")
    fields = {}
    if params.get("model") is not None:
        try:
            fields["models"] = _models(params["model"])
        except ValueError as error:
            errors["model"] = str(error)
    for name in PARAMETERS:
        if name == "model":
            continue
        if params.get(name) is None:
            continue
        try:
            fields[name] = parsers[name](params[name])
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise InvalidExportQuery(errors)
    return ExportQuery(
        format=fields.pop("format", default_format),
        filters=ExportFilters(**fields, projects=projects),
    )


def _choice(value, choices):
    if value not in choices:
        raise ValueError(f"must be one of {', '.join(choices)}")
    return value


def _project(value, projects):
    if not _SLUG.fullmatch(value) or not projects.filter(slug=value).exists():
        known = ", ".join(projects.order_by("slug").values_list("slug", flat=True))
        raise ValueError(f"unknown project {value!r}; existing: {known}")
    return value


def _models(value):
    """Model names (one, or a list of them; repeated ones once) that exist."""
    names = tuple(dict.fromkeys([value] if isinstance(value, str) else value))
    known = set(PredictionModel.objects.filter(name__in=names).values_list("name", flat=True))
    if unknown := [name for name in names if name not in known]:
        existing = ", ".join(PredictionModel.objects.values_list("name", flat=True)) or "none"
        raise ValueError(f"unknown model {unknown[0]!r}; existing: {existing}")
    return names


def _article(value):
    value = str(value)  # the command may be called with a number
    if not _DIGITS.fullmatch(value) or not 1 <= int(value) <= MAX_ID:
        raise ValueError(f"must be an article id (a whole number from 1 to {MAX_ID})")
    return int(value)


def _reviewer(value):
    if not value:
        raise ValueError("must be a username")
    return value


def _timestamp(value):
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError("must be an ISO 8601 date-time, such as 2025-05-01T12:00:00Z")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None


def _language(value):
    try:
        return clean_language(value)
    except UnknownLanguage:
        raise ValueError("must be an ISO 639-1 code such as en, de or ar") from None


def _seconds(value):
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1
    if not 0 <= seconds <= 86_400:
        raise ValueError("must be a number of seconds between 0 and 86400")
    return seconds


def _boolean(value):
    if isinstance(value, bool):
        return value
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError("must be true or false")


_PARSE = {
    "article": _article,
    "label": lambda value: _choice(value, Label.values),
    "reviewer": _reviewer,
    "updated_since": _timestamp,
    "has_verdict": _boolean,
    "split": lambda value: _choice(value, SPLITS),
    "language": _language,
    "anonymize": _boolean,
    "csv_guard": _boolean,
    "max_lag": _seconds,
}
