"""A model's predictions in: JSONL or a JSON list, each naming its sentence by id or by
article (id or url) and the offsets of the exported data; checked whole, stored all or
nothing, replacing that model's earlier predictions for the same sentences.

On PostgreSQL the records checked in Python go by one COPY into a temporary table, one join
finds their sentences, one INSERT ... ON CONFLICT stores them and counts what changed
(docs/benchmarks.md, Predictions). Elsewhere the sentences are read in chunks.
"""

import json
import re
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction

from .models import (
    MAX_ID,
    MODEL_NAME_PATTERN,
    Article,
    Label,
    Prediction,
    PredictionModel,
    Sentence,
)

LABELS = Label.values
# An error lists this many bad lines, then says how many more there are.
PROBLEMS_LISTED = 100
CHUNK = 10_000
# New rows past which an import refreshes the table's statistics (_upsert_postgresql).
ANALYZE_AFTER = 10_000


class InvalidModelName(ValueError):
    pass


def check_model_name(name):
    """Raise InvalidModelName unless `name` can name a model (and sit in a URL)."""
    limit = PredictionModel._meta.get_field("name").max_length
    if not (isinstance(name, str) and re.fullmatch(MODEL_NAME_PATTERN, name)
            and len(name) <= limit):
        raise InvalidModelName(
            f"A model's name is 1 to {limit} letters, digits, dots, dashes and underscores, "
            "starting with a letter or digit."
        )
    return name


class InvalidPredictions(ValueError):
    """Predictions refused; `problems` names each bad line ("line 3: ...")."""

    def __init__(self, problems):
        self.problems = problems
        shown = "; ".join(problems[:PROBLEMS_LISTED])
        more = len(problems) - PROBLEMS_LISTED
        tail = f"; and {more} more" if more > 0 else ""
        super().__init__(f"Nothing was stored: {len(problems)} bad prediction(s): {shown}{tail}")


@dataclass
class ImportResult:
    model: PredictionModel
    model_created: bool
    total: int  # predictions in the file
    created: int  # sentences the model had no prediction for
    changed: int  # predictions replaced by a different label or score
    unchanged: int

    def summary(self):
        return {
            "model": self.model.name,
            "model_created": self.model_created,
            "predictions": self.total,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
        }


def _no_progress(stage, total):
    return nullcontext(_Silent())


class _Silent:
    def update(self, n=1):
        pass


class Records:
    """The values read from a file, and where each one was ("line 3", "item 3"): formatted
    only for the bad ones, as a million of them cost seconds."""

    def __init__(self, values, *, unit, numbers=None):
        self.values = values
        self.unit = unit
        self.numbers = numbers  # each value's line; None: 1, 2, 3...

    def __len__(self):
        return len(self.values)

    def where(self, index):
        return f"{self.unit} {index + 1 if self.numbers is None else self.numbers[index]}"


def read_records(data):
    """Records from JSONL (one JSON value a line; blank lines skipped) or a JSON list, as
    bytes or text. Raise InvalidPredictions for text that is neither."""
    if isinstance(data, bytes | bytearray | memoryview):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as error:
            line = bytes(data)[: error.start].count(b"\n") + 1
            raise InvalidPredictions([f"line {line}: not valid UTF-8"]) from None
    data = data.removeprefix("\ufeff")
    if data.lstrip()[:1] == "[":
        try:
            items = json.loads(data)
        except ValueError as error:
            raise InvalidPredictions([f"the JSON list is not valid JSON: {error}"]) from None
        return Records(items, unit="item")
    lines, numbers = data.splitlines(), None
    if not all(line.strip() for line in lines):
        numbers = [number for number, line in enumerate(lines, 1) if line.strip()]
        lines = [line for line in lines if line.strip()]
    try:
        # The lines as one array: a single call into the JSON parser, several times faster
        # than a call a line. Any line that is not one JSON value spoils it: then line by
        # line, to name each.
        values = json.loads("[" + ",".join(lines) + "]")
    except ValueError:
        values = None
    if values is None or len(values) != len(lines):
        values = []
        for line in lines:
            try:
                values.append(json.loads(line))
            except ValueError as error:
                values.append(_NotJSON(f"not valid JSON ({error})"))
    return Records(values, unit="line", numbers=numbers)


class _NotJSON(str):
    """A line that is not JSON, named among the other bad lines by `resolve`."""


def _whole(value, low=0):
    # type() rather than isinstance(): a bool is an int, and no id.
    return type(value) is int and low <= value <= MAX_ID


def _check(value):
    """(reference, label, score) of one record; raise ValueError saying what is wrong.
    The reference is ("id", sentence_id) or ("article", article_id | url, start, end)."""
    if isinstance(value, _NotJSON):
        raise ValueError(str(value))
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    label = value.get("label")
    if label not in LABELS:
        raise ValueError(f"label must be one of {', '.join(LABELS)}")
    score = value.get("score")
    if score is not None and not (type(score) in (int, float) and 0 <= score <= 1):
        raise ValueError("score must be a number from 0 to 1 (or left out)")
    if value.get("sentence_id") is not None:
        if not _whole(value["sentence_id"], 1):
            raise ValueError("sentence_id must be a sentence's id (a whole number)")
        return ("id", value["sentence_id"]), label, score
    article, url = value.get("article_id"), value.get("url")
    if article is None and url is None:
        raise ValueError("name the sentence: sentence_id, or article_id (or url) with start "
                         "and end")
    if article is not None and not _whole(article, 1):
        raise ValueError("article_id must be an article's id (a whole number)")
    if article is None and not (isinstance(url, str) and url):
        raise ValueError("url must be an article's url")
    start, end = value.get("start"), value.get("end")
    if not (_whole(start) and _whole(end)):
        raise ValueError("start and end must be whole numbers: the sentence's offsets in the "
                         "article's body, as exported")
    return ("article", article if article is not None else url, start, end), label, score


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _rows_where(queryset, fields, column, values):
    """The rows (tuples of `fields`) of `queryset` whose field `column` is one of `values`,
    asked 2,000 values at a time."""
    for chunk in _chunks(values, 2000):
        yield from queryset.filter(**{f"{column}__in": chunk}).values_list(*fields)


def check_records(records):
    """([(index, reference, label, score)], {index: problem}) for `records`
    (Records): what each names and says, and what is wrong with the others."""
    problems, checked = {}, []
    for index, value in enumerate(records.values):
        try:
            checked.append((index, *_check(value)))
        except ValueError as error:
            problems[index] = f"{records.where(index)}: {error}"
    return checked, problems


def resolve(records, *, projects=None, progress=_no_progress):
    """[(sentence_id, label, score)] for `records` (Records), or InvalidPredictions
    naming every bad one; the portable way (PostgreSQL's is `_resolve_postgresql`).
    `projects`: the projects whose sentences may be named (None: all); any other sentence
    is unknown."""
    articles, sentences = Article.objects.all(), Sentence.objects.all()
    if projects is not None:
        articles = articles.filter(project__in=projects)
        sentences = sentences.filter(article__in=articles)

    with progress("check", len(records)) as bar:
        checked, problems = check_records(records)
        bar.update(len(records) // 2)

        by_id = {ref[1] for _, ref, _, _ in checked if ref[0] == "id"}
        known_ids = {pk for (pk,) in _rows_where(sentences, ["pk"], "pk", by_id)}

        urls = {ref[1] for _, ref, _, _ in checked
                if ref[0] == "article" and isinstance(ref[1], str)}
        by_url = {}
        for url, pk in _rows_where(articles, ["url", "pk"], "url", urls):
            by_url.setdefault(url, []).append(pk)
        article_ids = {ref[1] for _, ref, _, _ in checked if ref[0] == "article"
                       and not isinstance(ref[1], str)}
        article_ids |= {pks[0] for pks in by_url.values() if len(pks) == 1}
        known_articles = {pk for (pk,) in _rows_where(articles, ["pk"], "pk", article_ids)}
        spans = {
            (article, start, end): pk
            for article, start, end, pk in _rows_where(
                sentences, ["article_id", "start", "end", "pk"], "article_id", known_articles
            )
        }

        rows, first = [], {}
        for index, ref, label, score in checked:
            where = records.where(index)
            if ref[0] == "id":
                sentence = ref[1] if ref[1] in known_ids else None
                if sentence is None:
                    problems[index] = f"{where}: unknown sentence {ref[1]}"
                    continue
            else:
                _, article, start, end = ref
                if isinstance(article, str):
                    pks = by_url.get(article, [])
                    if len(pks) != 1:
                        problems[index] = (
                            f"{where}: no article has the url {article!r}" if not pks else
                            f"{where}: {len(pks)} articles have the url {article!r}; "
                            "give article_id"
                        )
                        continue
                    article = pks[0]
                elif article not in known_articles:
                    problems[index] = f"{where}: unknown article {article}"
                    continue
                sentence = spans.get((article, start, end))
                if sentence is None:
                    problems[index] = (
                        f"{where}: no sentence of article {article} spans {start}-{end} "
                        "(start and end must be a sentence's offsets, as exported)"
                    )
                    continue
            if sentence in first:
                problems[index] = (
                    f"{where}: sentence {sentence} is predicted twice (first on {first[sentence]})"
                )
                continue
            first[sentence] = where
            rows.append((sentence, label, None if score is None else float(score)))
        bar.update(len(records) - len(records) // 2)
    if problems:
        raise InvalidPredictions([problems[i] for i in sorted(problems)])
    return rows


def import_predictions(*, model, data, description=None, projects=None,
                       progress=_no_progress):
    """Store the predictions in `data` (JSONL or a JSON list, bytes or text) for the model
    named `model`, created if new (with `description`, which also replaces an existing
    one's when given). All or nothing: raise InvalidPredictions naming every bad line.
    `projects`: the projects whose sentences may be named (None: every project)."""
    check_model_name(model)
    records = read_records(data)
    if not records:
        raise InvalidPredictions(["no predictions: the file is empty"])
    postgres = connection.vendor == "postgresql"
    if not postgres:
        rows = resolve(records, projects=projects, progress=progress)
    with transaction.atomic():
        if postgres:
            # The sentences are found by a join in the database, into a temporary table
            # the upsert then reads: a million predictions never travel back to Python.
            total = _resolve_postgresql(records, projects=projects, progress=progress)
        target, created = PredictionModel.objects.get_or_create(
            name=model, defaults={"description": description or ""}
        )
        if description is not None and not created and target.description != description:
            target.description = description
            target.save(update_fields=["description"])
        if postgres:
            with progress("store", total) as bar:
                new, changed = _upsert_postgresql(target)
                bar.update(total)
        else:
            total = len(rows)
            with progress("store", total) as bar:
                new, changed = _store_portable(target, rows)
                bar.update(total)
    return ImportResult(
        model=target, model_created=created, total=total, created=new, changed=changed,
        unchanged=total - new - changed,
    )


def _store_portable(model, rows):
    new, changed = [], []
    for chunk in _chunks(rows):
        existing = {
            sentence: (label, score)
            for sentence, label, score in Prediction.objects.filter(
                model=model, sentence_id__in=[row[0] for row in chunk]
            ).values_list("sentence_id", "label", "score")
        }
        for sentence, label, score in chunk:
            if sentence not in existing:
                new.append(Prediction(model=model, sentence_id=sentence, label=label, score=score))
            elif existing[sentence] != (label, score):
                changed.append((sentence, label, score))
    Prediction.objects.bulk_create(new, batch_size=2000)
    for sentence, label, score in changed:
        Prediction.objects.filter(model=model, sentence_id=sentence).update(
            label=label, score=score
        )
    return len(new), len(changed)


def _scope_sql(projects, column):
    """SQL limiting `column` (an article id) to the articles of `projects`, and its
    parameters; nothing when every project is open."""
    if projects is None:
        return "", []
    inner, params = (
        Article.objects.filter(project__in=projects).order_by().values("pk")
        .query.sql_with_params()
    )
    return f" AND {column} IN ({inner})", list(params)


def _resolve_postgresql(records, *, projects, progress):
    """Check `records` (Records) and find their sentences: the records checked in
    Python are copied into a temporary table and joined with the sentences (by id, or by
    article id or url with the offsets) into the temporary table resolved_predictions
    (sentence_id, label, score), dropped at commit. Raise InvalidPredictions naming every
    bad record, with the same messages as `resolve`; return how many there are."""
    sentence, article = Sentence._meta.db_table, Article._meta.db_table
    with progress("check", len(records)) as bar, connection.cursor() as cursor:
        checked, problems = check_records(records)
        bar.update(len(records) // 2)
        # Dropped at commit, or by the upsert when the caller's transaction goes on.
        cursor.execute("DROP TABLE IF EXISTS incoming_predictions, resolved_predictions")
        cursor.execute(
            "CREATE TEMPORARY TABLE incoming_predictions (index integer, sentence_id bigint, "
            "article_id bigint, url text, start integer, \"end\" integer, label varchar(16), "
            "score double precision) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY incoming_predictions FROM STDIN") as copy:
            for index, ref, label, score in checked:
                score = None if score is None else float(score)
                if ref[0] == "id":
                    copy.write_row((index, ref[1], None, None, None, None, label, score))
                elif isinstance(ref[1], str):
                    copy.write_row((index, None, None, ref[1], ref[2], ref[3], label, score))
                else:
                    copy.write_row((index, None, ref[1], None, ref[2], ref[3], label, score))
        cursor.execute("ANALYZE incoming_predictions")
        by_id, by_id_params = _scope_sql(projects, "s.article_id")
        by_url, by_url_params = _scope_sql(projects, "a.id")
        known, known_params = _scope_sql(projects, "a.id")
        # Two joins, one for each way of naming a sentence: in one join the records named
        # by id would bring half a million NULL keys to the join by offsets, all in one
        # hash bucket, which PostgreSQL cannot split and keeps in memory.
        # An article named by url is found when exactly one article (the caller may see)
        # has that url; `urls.n` tells none from several.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE resolved_predictions ON COMMIT DROP AS
            SELECT i.index, i.sentence_id AS asked, NULL::bigint AS article, NULL AS url,
                   NULL::bigint AS url_articles, NULL::integer AS start,
                   NULL::integer AS "end", i.label, i.score, NULL::boolean AS known_article,
                   s.id AS sentence_id
            FROM incoming_predictions i
            LEFT JOIN {sentence} s ON s.id = i.sentence_id {by_id}
            WHERE i.sentence_id IS NOT NULL
            UNION ALL
            SELECT named.index, NULL, named.article, named.url, named.url_articles,
                   named.start, named."end", named.label, named.score,
                   a.id IS NOT NULL, s.id
            FROM (
                SELECT i.*, urls.n AS url_articles,
                       CASE WHEN i.url IS NULL THEN i.article_id WHEN urls.n = 1 THEN urls.id
                       END AS article
                FROM incoming_predictions i
                LEFT JOIN (
                    SELECT a.url, min(a.id) AS id, count(*) AS n FROM {article} a
                    WHERE a.url IN (SELECT url FROM incoming_predictions
                                    WHERE url IS NOT NULL) {by_url}
                    GROUP BY a.url
                ) urls ON urls.url = i.url
                WHERE i.sentence_id IS NULL
            ) named
            LEFT JOIN {article} a ON a.id = named.article {known}
            LEFT JOIN {sentence} s ON s.article_id = a.id AND s.start = named.start
                                  AND s."end" = named."end"
            """,
            [*by_id_params, *by_url_params, *known_params],
        )
        cursor.execute(
            "SELECT index, asked, article, url, url_articles, start, \"end\", known_article "
            "FROM resolved_predictions WHERE sentence_id IS NULL"
        )
        for index, asked, article_id, url, url_articles, start, end, known_article in cursor:
            where = records.where(index)
            if asked is not None:
                problems[index] = f"{where}: unknown sentence {asked}"
            elif url is not None and url_articles is None:
                problems[index] = f"{where}: no article has the url {url!r}"
            elif url is not None and url_articles > 1:
                problems[index] = (f"{where}: {url_articles} articles have the url {url!r}; "
                                   "give article_id")
            elif not known_article:
                problems[index] = f"{where}: unknown article {article_id}"
            else:
                problems[index] = (
                    f"{where}: no sentence of article {article_id} spans {start}-{end} "
                    "(start and end must be a sentence's offsets, as exported)"
                )
        cursor.execute(
            "SELECT array_agg(index ORDER BY index), sentence_id FROM resolved_predictions "
            "WHERE sentence_id IS NOT NULL GROUP BY sentence_id HAVING count(*) > 1"
        )
        for indexes, sentence_id in cursor.fetchall():
            first = records.where(indexes[0])
            for index in indexes[1:]:
                problems[index] = (f"{records.where(index)}: sentence {sentence_id} is predicted "
                                   f"twice (first on {first})")
        bar.update(len(records) - len(records) // 2)
    if problems:
        raise InvalidPredictions([problems[i] for i in sorted(problems)])
    return len(checked)


def _upsert_postgresql(model):
    """One upsert from resolved_predictions that leaves equal rows alone and tells inserted
    (xmax 0) from updated rows: (new, changed). The join leaves the equal rows out before
    the upsert, which would lock each (a write per row) even where it changes nothing; the
    ON CONFLICT clause still settles a concurrent import's rows."""
    table = connection.ops.quote_name(Prediction._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH upserted AS (
                INSERT INTO {table} (model_id, sentence_id, label, score)
                SELECT %s, r.sentence_id, r.label, r.score FROM resolved_predictions r
                LEFT JOIN {table} p ON p.model_id = %s AND p.sentence_id = r.sentence_id
                WHERE p.id IS NULL OR p.label IS DISTINCT FROM r.label
                   OR p.score IS DISTINCT FROM r.score
                ON CONFLICT (model_id, sentence_id) DO UPDATE
                    SET label = EXCLUDED.label, score = EXCLUDED.score
                    WHERE {table}.label IS DISTINCT FROM EXCLUDED.label
                       OR {table}.score IS DISTINCT FROM EXCLUDED.score
                RETURNING xmax = 0 AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
            FROM upserted
            """,
            [model.pk, model.pk],
        )
        new, changed = cursor.fetchone()
        cursor.execute("DROP TABLE incoming_predictions, resolved_predictions")
        # An evaluation right after a large import would be planned for the table's old
        # size (a million rows taken for a few thousand: nested loops, several times
        # slower) until autovacuum's next ANALYZE; a fifth more rows gets its own now.
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Prediction._meta.db_table]
        )
        if new > max(ANALYZE_AFTER, 0.2 * max(cursor.fetchone()[0], 0)):
            cursor.execute(f"ANALYZE {table}")
    return new, changed


def suggestions(article):
    """{sentence id: {model, label, score}}: the predictions the article's project shows its
    reviewers as suggestions (Project.suggestions_from), or {} when it shows none. Reads
    `article.project`; one query when the project shows a model's, none otherwise."""
    model_id = article.project.suggestions_from_id
    if model_id is None:
        return {}
    rows = Prediction.objects.filter(model_id=model_id, sentence__article=article).values_list(
        "sentence_id", "model__name", "label", "score"
    )
    return {
        sentence: {"model": name, "label": label, "score": score}
        for sentence, name, label, score in rows
    }
