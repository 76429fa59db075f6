"""Dataset exports: the rows in the database, exactly, in every format, on every database."""

import ast
import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.annotating import save_annotation
from annotations.api.serializers import ClaimReviewParamsSerializer, ExportParamsSerializer
from annotations.exporting import (
    LINKS,
    PARAMETERS,
    ExportFilters,
    InvalidExportQuery,
    _python_chunks,
    copy_query,
    export_query,
    gather,
    json_timestamp,
    parse_export_query,
    stream_export,
)
from annotations.models import Annotation, Article, Project, Verdict
from tests.factories import make_article, make_project, make_user

pytestmark = pytest.mark.django_db

TRICKY_NOTE = 'He said "no" \\ then\nleft;\ttabs, commas, é, 中文, emoji 🎉, \\n literal'


@pytest.fixture
def dataset(alice, bob, judy):
    """Two articles; disagreements, a verdict, notes with every kind of awkward character."""
    project = make_project("desk")
    first = make_article("First claim. Second claim.\nThird claim.", project=project,
                         title="Bridge, \"repairs\"", url="https://example.org/a")
    second = make_article("Another article. Its end.", project=project)
    s1, s2, s3 = first.sentences.all()
    save_annotation(sentence=s1, reviewer=alice, label="verified", note=TRICKY_NOTE,
                    evidence=["https://example.org/1", "https://example.org/2?a=b,c"])
    save_annotation(sentence=s1, reviewer=bob, label="disputed", note="=HYPERLINK(\"x\")")
    save_annotation(sentence=s2, reviewer=alice, label="unclear", note="one line\rand a lone CR")
    save_annotation(sentence=s2, reviewer=bob, label="unclear", note="-2 points")
    save_annotation(sentence=second.sentences.first(), reviewer=bob, label="verified")
    # Moments whose fraction of a second PostgreSQL shortens in JSON: trailing zeros, none.
    Verdict.objects.create(sentence=s1, label="disputed", rationale="Records say otherwise.",
                           decided_by=judy,
                           decided_at=datetime(2025, 5, 2, 9, 30, 0, 120000, tzinfo=UTC))
    Annotation.objects.filter(sentence=s2).update(created_at=datetime(2025, 5, 1, 12, tzinfo=UTC))
    Article.objects.filter(pk=first.pk).update(published_at=datetime(2025, 4, 30, tzinfo=UTC))
    return {"project": project, "first": first, "second": second}


def export(kind, fmt="jsonl", **filters):
    return b"".join(stream_export(kind, fmt, ExportFilters(**filters))).decode("utf-8")


def jsonl_rows(text):
    return [json.loads(line) for line in text.splitlines()]


def db_annotation_rows():
    return [
        {
            "annotation_id": a.pk, "sentence_id": a.sentence_id,
            "article_id": a.sentence.article_id,
            "label": a.label, "reviewer": a.reviewer.username, "note": a.note,
            "evidence": a.evidence, "text": a.sentence.text, "start": a.sentence.start,
            "end": a.sentence.end, "position": a.sentence.position,
        }
        for a in Annotation.objects.select_related("sentence", "reviewer").order_by("id")
    ]


def test_annotation_export_holds_exactly_the_rows_in_the_database(dataset):
    rows = jsonl_rows(export("annotations"))
    assert [{k: row[k] for k in db_annotation_rows()[0]} for row in rows] == db_annotation_rows()
    assert rows[0]["note"] == TRICKY_NOTE
    assert rows[0]["project"] == "desk"
    first = Annotation.objects.get(pk=rows[0]["annotation_id"])
    assert datetime.fromisoformat(rows[0]["created_at"]) == first.created_at
    assert datetime.fromisoformat(rows[0]["updated_at"]) == first.updated_at


def test_annotations_come_in_the_order_they_were_first_saved(alice, bob):
    """By annotation id (the primary key's order), not by article and position."""
    first, second = make_article(), make_article()
    late = second.sentences.first()
    save_annotation(sentence=late, reviewer=alice, label="verified")
    save_annotation(sentence=first.sentences.last(), reviewer=bob, label="unclear")
    save_annotation(sentence=first.sentences.first(), reviewer=alice, label="disputed")
    save_annotation(sentence=late, reviewer=bob, label="unclear")  # a row of article 2 again
    ids = list(Annotation.objects.order_by("id").values_list("id", flat=True))
    for fmt in ("jsonl", "csv"):
        text = export("annotations", fmt)
        rows = jsonl_rows(text) if fmt == "jsonl" else list(csv.DictReader(io.StringIO(text)))
        assert [int(row["annotation_id"]) for row in rows] == ids, fmt
        assert [int(row["article_id"]) for row in rows] == [
            second.pk, first.pk, first.pk, second.pk
        ], fmt


# PostgreSQL's JSON form of a timestamp with time zone, in a UTC session.
POSTGRESQL_JSON_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,5}[1-9])?\+00:00")
MOMENTS = {
    datetime(2025, 5, 1, 12, 0, 0, 0, tzinfo=UTC): "2025-05-01T12:00:00+00:00",
    datetime(2025, 5, 1, 12, 0, 0, 250000, tzinfo=UTC): "2025-05-01T12:00:00.25+00:00",
    datetime(2025, 5, 1, 12, 0, 0, 120, tzinfo=UTC): "2025-05-01T12:00:00.00012+00:00",
    datetime(2025, 5, 1, 12, 0, 0, 123456, tzinfo=UTC): "2025-05-01T12:00:00.123456+00:00",
    datetime(2025, 5, 1, 0, 30, 0, 1, tzinfo=ZoneInfo("Asia/Kolkata")):
        "2025-04-30T19:00:00.000001+00:00",
    datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC): "0999-12-31T23:59:59+00:00",
}


@pytest.mark.parametrize(("moment", "text"), MOMENTS.items())
def test_timestamps_are_iso_8601_in_utc_as_postgresql_writes_them_into_json(moment, text):
    assert json_timestamp(moment) == text
    assert POSTGRESQL_JSON_TIMESTAMP.fullmatch(text)
    assert datetime.fromisoformat(text) == moment


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own JSON form")
def test_json_timestamp_is_what_postgresql_writes(db):
    """The portable path writes a timestamp exactly as json_build_object and the CSV cell
    (to_json) do on a Django connection, whatever TIME_ZONE is."""
    with connection.cursor() as cursor:
        for moment, text in MOMENTS.items():
            cursor.execute(
                "SELECT json_build_object('t', %s::timestamptz)::text, "
                "to_json(%s::timestamptz) #>> '{}'",
                [moment, moment],
            )
            assert cursor.fetchone() == (f'{{"t" : "{text}"}}', text)


def test_json_format_is_one_array_of_the_same_rows(dataset):
    assert json.loads(export("annotations", "json")) == jsonl_rows(export("annotations"))
    assert json.loads(export("sentences", "json")) == jsonl_rows(export("sentences"))


def test_empty_json_export_is_an_empty_array(dataset):
    assert json.loads(export("annotations", "json", reviewer="nobody")) == []


def test_csv_and_json_write_the_same_timestamps(dataset):
    csv_rows = list(csv.DictReader(io.StringIO(export("sentences", "csv"))))
    json_rows = jsonl_rows(export("sentences"))
    for name in ("article_published_at", "verdict_decided_at"):
        written = [row[name] for row in json_rows]
        assert [row[name] or None for row in csv_rows] == written
        assert all(POSTGRESQL_JSON_TIMESTAMP.fullmatch(text) for text in written if text)
    assert any(row["verdict_decided_at"] for row in json_rows)


def test_csv_reads_back_to_the_same_rows(dataset):
    rows = list(csv.DictReader(io.StringIO(export("annotations", "csv"))))
    expected = jsonl_rows(export("annotations"))
    assert len(rows) == len(expected) == 5
    for row, want in zip(rows, expected, strict=True):
        assert int(row["annotation_id"]) == want["annotation_id"]
        assert row["evidence"] == " ".join(want["evidence"])
        assert row["created_at"] == want["created_at"]
    assert rows[0]["note"] == TRICKY_NOTE


def test_csv_keeps_a_lone_carriage_return_inside_its_cell(alice):
    """A note typed on an old Mac, or pasted: a bare CR must not end the CSV row."""
    sentence = make_article().sentences.first()
    save_annotation(sentence=sentence, reviewer=alice, label="unclear", note="one\rtwo")
    text = export("annotations", "csv")
    assert text.endswith("\n") and not text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["note"] for row in rows] == ["one\rtwo"]


def test_csv_neutralises_formulas(dataset):
    rows = list(csv.DictReader(io.StringIO(export("annotations", "csv"))))
    notes = [row["note"] for row in rows]
    assert "'=HYPERLINK(\"x\")" in notes
    assert "'-2 points" in notes
    assert "=HYPERLINK" in jsonl_rows(export("annotations"))[1]["note"]  # JSON stays exact


def test_csv_without_the_guard_holds_every_text_exactly(dataset):
    rows = list(csv.DictReader(io.StringIO(export("annotations", "csv", csv_guard=False))))
    assert [row["note"] for row in rows] == [
        row["note"] for row in jsonl_rows(export("annotations"))
    ]
    assert '=HYPERLINK("x")' in [row["note"] for row in rows]
    assert "-2 points" in [row["note"] for row in rows]


def test_the_guard_quotes_every_formula_start_and_nothing_else(alice):
    notes = ["=1+1", "+1 555", "-5% vs budget", "@SUM(A1)", "\t=1", "\r=1", "'quoted", "5-3"]
    for note, sentence in zip(notes, make_article(" ".join(["Claim."] * 8)).sentences.all(),
                              strict=True):
        save_annotation(sentence=sentence, reviewer=alice, label="unclear", note=note)
    guarded = [row["note"] for row in csv.DictReader(io.StringIO(export("annotations", "csv")))]
    assert guarded == ["'" + note for note in notes[:6]] + notes[6:]


def test_sentence_rows_carry_votes_counts_majority_and_verdict(dataset):
    rows = {row["text"]: row for row in jsonl_rows(export("sentences", project="desk"))}
    first = rows["First claim."]
    assert sorted((v["reviewer"], v["label"]) for v in first["votes"]) == [
        ("alice", "verified"), ("bob", "disputed"),
    ]
    assert (first["verified_count"], first["disputed_count"], first["unclear_count"]) == (1, 1, 0)
    assert first["majority_label"] is None  # a tie
    assert first["verdict"] == "disputed"
    assert first["verdict_rationale"] == "Records say otherwise."
    assert (first["context_before"], first["context_after"]) == (None, "Second claim.")
    assert first["article_title"] == 'Bridge, "repairs"'
    assert rows["Second claim."]["majority_label"] == "unclear"
    assert rows["Third claim."]["votes"] == [] and rows["Third claim."]["vote_count"] == 0
    assert len(rows) == 5


def test_sentence_csv_reads_back(dataset):
    rows = list(csv.DictReader(io.StringIO(export("sentences", "csv"))))
    assert [row["text"] for row in rows] == [r["text"] for r in jsonl_rows(export("sentences"))]
    assert len(json.loads(rows[0]["votes"])) == 2


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        ({}, 5),
        ({"label": "unclear"}, 2),
        ({"reviewer": "alice"}, 2),
        ({"has_verdict": True}, 2),
        ({"has_verdict": False}, 3),
        ({"project": "default"}, 0),
    ],
)
def test_annotation_filters(dataset, filters, count):
    assert len(jsonl_rows(export("annotations", **filters))) == count


@pytest.mark.parametrize(
    ("filters", "texts"),
    [
        ({"label": "disputed"}, ["First claim."]),  # the verdict wins over the tie
        ({"label": "verified"}, ["Another article."]),
        ({"reviewer": "alice"}, ["First claim.", "Second claim."]),
        ({"has_verdict": True}, ["First claim."]),
    ],
)
def test_sentence_filters(dataset, filters, texts):
    assert [row["text"] for row in jsonl_rows(export("sentences", **filters))] == texts


def test_article_and_updated_since_filters(dataset):
    first = dataset["first"]
    assert {r["article_id"] for r in jsonl_rows(export("sentences", article=first.pk))} == {
        first.pk
    }
    future = timezone.now() + timedelta(minutes=1)
    assert export("annotations", updated_since=future) == ""
    assert len(jsonl_rows(export("annotations", updated_since=future - timedelta(hours=1)))) == 5


def test_anonymized_reviewers_get_stable_pseudonyms(dataset):
    first = jsonl_rows(export("annotations", anonymize=True))
    again = jsonl_rows(export("annotations", anonymize=True))
    names = [row["reviewer"] for row in first]
    assert names == [row["reviewer"] for row in again]
    assert all(name.startswith("reviewer-") for name in names)
    assert "alice" not in export("sentences", anonymize=True)
    # alice's pseudonym is the same in the sentence export's votes
    votes = jsonl_rows(export("sentences", anonymize=True))[0]["votes"]
    assert names[0] in {vote["reviewer"] for vote in votes}
    assert len(set(names)) == 2


def expected_split(bucket):
    """The README's promise: 80 % train, 10 % validation, 10 % test, by the article's bucket."""
    return "train" if bucket < 80 else "validation" if bucket < 90 else "test"


def test_split_is_by_article_deterministic_and_complete(alice):
    for i in range(60):  # fixed texts: fixed buckets, every split among them
        article = make_article(f"Article {i} for the split. It has a claim.")
        save_annotation(sentence=article.sentences.first(), reviewer=alice, label="verified")
    bucket = dict(Article.objects.values_list("pk", "split_bucket"))
    for kind in ("sentences", "annotations"):
        rows = jsonl_rows(export(kind))
        assert [row["split"] for row in rows] == [
            expected_split(bucket[row["article_id"]]) for row in rows
        ], kind
        assert {row["split"] for row in rows} == {"train", "validation", "test"}
        for split in ("train", "validation", "test"):
            assert jsonl_rows(export(kind, split=split)) == [
                row for row in rows if row["split"] == split
            ], (kind, split)
        assert rows == jsonl_rows(export(kind))  # the same again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize("kind", ["annotations", "sentences"])
@pytest.mark.parametrize(("anonymize", "csv_guard"), [(False, True), (True, True), (False, False)])
def test_copy_path_gives_the_same_rows_as_the_python_path(dataset, kind, anonymize, csv_guard):
    filters = ExportFilters(anonymize=anonymize, csv_guard=csv_guard)
    values, columns = export_query(kind, filters)
    python = b"".join(gather(_python_chunks(values, columns, "jsonl"), "jsonl")).decode()
    copied = export(kind, anonymize=anonymize)
    if kind == "annotations":
        assert copied == python  # byte for byte
    # Votes come in no particular order within a row (and jsonb writes their keys sorted).
    assert same_votes(jsonl_rows(copied)) == same_votes(jsonl_rows(python))
    python_csv = b"".join(
        gather(_python_chunks(values, columns, "csv", guard=csv_guard), "csv")
    ).decode()
    copy_csv = list(csv.reader(io.StringIO(
        export(kind, "csv", anonymize=anonymize, csv_guard=csv_guard)
    )))
    python_rows = list(csv.reader(io.StringIO(python_csv)))
    votes = copy_csv[0].index("votes") if "votes" in copy_csv[0] else None
    for copied, portable in zip(copy_csv, python_rows, strict=True):
        if votes is not None and copied is not copy_csv[0]:
            assert sorted_votes(json.loads(copied[votes])) == sorted_votes(
                json.loads(portable[votes])
            )
            copied, portable = copied[:votes] + copied[votes + 1 :], (
                portable[:votes] + portable[votes + 1 :]
            )
        assert copied == portable


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize("kind", ["annotations", "sentences"])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_postgresql_formats_each_row_where_it_reads_it(dataset, kind, fmt):
    """The COPY query's rows are formatted in the query that reads them, not above a
    subquery (which runs in one process, after the sort), and each subquery runs once a row:
    the sentences' context before and after and their votes, CSV's join of the links."""
    values, columns = export_query(kind, ExportFilters())
    select, _, params = copy_query(values, columns, fmt)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {select}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Subquery Scan" not in plan, plan
    subqueries = (3 if kind == "sentences" else 0) + (
        list(columns.values()).count(LINKS) if fmt == "csv" else 0
    )
    assert plan.count("SubPlan") == subqueries, plan


def sorted_votes(votes):
    """Votes come in no particular order within a row."""
    return sorted(votes, key=lambda vote: (vote["reviewer"], vote["label"]))


def same_votes(rows):
    return [{**row, "votes": sorted_votes(row["votes"])} if "votes" in row else row for row in rows]


def test_json_array_survives_rows_split_across_chunks():
    pieces = [b'{"a": 1}\n{"b"', b': 2}\n', b'{"c": 3}', b"\n"]
    assert json.loads(b"".join(gather(iter(pieces), "json"))) == [{"a": 1}, {"b": 2}, {"c": 3}]


# ---- over HTTP ---------------------------------------------------------------------------


def test_staff_downloads_a_stream_with_a_file_name(client, staff, dataset):
    client.force_login(staff)
    response = client.get("/api/export/annotations/", {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="annotations-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert len(list(csv.DictReader(io.StringIO(body)))) == 5


def test_export_over_the_api_matches_the_database(client, staff, dataset):
    client.force_login(staff)
    response = client.get("/api/export/annotations/", {"format": "json"})
    rows = json.loads(b"".join(response.streaming_content))
    assert [{k: row[k] for k in db_annotation_rows()[0]} for row in rows] == db_annotation_rows()


def test_export_needs_staff_or_the_export_permission(client, alice, dataset):
    assert APIClient().get("/api/export/sentences/").status_code == 401
    client.force_login(alice)
    assert client.get("/api/export/sentences/").status_code == 403
    from django.contrib.auth.models import Permission

    scientist = make_user("scientist")
    scientist.user_permissions.add(Permission.objects.get(codename="export_dataset"))
    client.force_login(scientist)
    assert client.get("/api/export/sentences/").status_code == 200


def test_token_authenticated_export(staff, dataset):
    from rest_framework.authtoken.models import Token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    response = api.get("/api/export/sentences/", {"format": "jsonl", "project": "desk"})
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).splitlines()) == 5


def test_api_csv_guard_false_gives_exact_text(client, staff, dataset):
    client.force_login(staff)
    for query, note in [({}, "'-2 points"), ({"csv_guard": "false"}, "-2 points")]:
        response = client.get("/api/export/annotations/", {"format": "csv", **query})
        body = b"".join(response.streaming_content).decode()
        assert note in [row["note"] for row in csv.DictReader(io.StringIO(body))]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"csv_guard": "no thanks"}, "csv_guard"),
        ({"format": "xml"}, "format"),
        ({"label": "true"}, "label"),
        ({"project": "nope"}, "unknown project 'nope'"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"split": "dev"}, "split"),
        ({"colour": "red"}, "unknown field"),
    ],
)
def test_bad_export_query_is_a_400(client, staff, query, message):
    client.force_login(staff)
    response = client.get("/api/export/annotations/", query)
    assert response.status_code == 400
    assert message in str(response.json())


# ---- the parameters: one parser for the API and the command ---------------------------------


def test_parameters_become_filters(dataset):
    query = parse_export_query({
        "format": "csv", "project": "desk", "article": "7", "label": "disputed",
        "reviewer": "alice", "updated_since": "2025-05-01T12:00:00+02:00",
        "has_verdict": "false", "split": "test", "anonymize": "true",
    })
    assert query.format == "csv"
    assert query.filters == ExportFilters(
        project="desk", article=7, label="disputed", reviewer="alice",
        updated_since=datetime(2025, 5, 1, 10, tzinfo=UTC), has_verdict=False, split="test",
        anonymize=True,
    )
    assert parse_export_query({}) == parse_export_query({"format": "jsonl"})
    assert parse_export_query({}).filters == ExportFilters()
    assert parse_export_query({"csv_guard": "false"}).filters == ExportFilters(csv_guard=False)


def test_an_offset_postgresql_does_not_know_is_taken_in_utc(dataset):
    far = parse_export_query({"updated_since": "2030-09-02T02:15:25-21:46"}).filters
    assert far.updated_since == datetime(2030, 9, 3, 0, 1, 25, tzinfo=UTC)
    assert far.updated_since.utcoffset() == timedelta(0)
    assert export("annotations", updated_since=far.updated_since) == ""


def test_every_wrong_parameter_is_named_at_once(dataset):
    with pytest.raises(InvalidExportQuery) as caught:
        parse_export_query({
            "format": "xml", "project": "nope", "article": "1 OR 1=1", "label": "true",
            "reviewer": "", "updated_since": "yesterday", "has_verdict": "maybe",
            "split": "dev", "anonymize": "2", "colour": "red",
        })
    assert caught.value.errors == {
        "colour": "unknown field",
        "format": "must be one of jsonl, csv, json",
        "project": "unknown project 'nope'; existing: default, desk",
        "article": f"must be an article id (a whole number from 1 to {2**63 - 1})",
        "label": "must be one of verified, disputed, unclear",
        "reviewer": "must be a username",
        "updated_since": "must be an ISO 8601 date-time, such as 2025-05-01T12:00:00Z",
        "has_verdict": "must be true or false",
        "split": "must be one of train, validation, test",
        "anonymize": "must be true or false",
    }


def test_only_the_projects_the_caller_may_name_are_known(dataset):
    with pytest.raises(InvalidExportQuery) as caught:
        parse_export_query({"project": "desk"}, projects=Project.objects.exclude(slug="desk"))
    assert caught.value.errors == {"project": "unknown project 'desk'; existing: default"}


@pytest.mark.parametrize("value", ["0", "-1", str(2**63), "1.5", "١"])
def test_article_ids_outside_what_the_database_holds_are_refused(value):
    with pytest.raises(InvalidExportQuery, match="article"):
        parse_export_query({"article": value})


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_timestamps_that_leave_the_calendar_in_utc_are_refused(value):
    with pytest.raises(InvalidExportQuery, match="out of range"):
        parse_export_query({"updated_since": value})


def test_the_schema_documents_exactly_the_parameters_the_parser_takes():
    assert tuple(ExportParamsSerializer().fields) == PARAMETERS
    assert tuple(ClaimReviewParamsSerializer().fields) == PARAMETERS


def test_commands_call_the_domain_not_the_api():
    """A command is a thin shell over the domain, as the API is: neither imports the other."""
    commands = Path(__file__).resolve().parent.parent / "annotations/management/commands"
    for path in commands.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = [node.module or "" for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom)]
        imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names]
        assert not [name for name in imported if name.startswith(("annotations.api", "."))], path


# ---- the command ---------------------------------------------------------------------------


def test_command_writes_the_same_rows_as_the_api(tmp_path, client, staff, dataset):
    output = tmp_path / "sentences.jsonl"
    call_command("export_dataset", "--kind", "sentences", "--format", "jsonl",
                 "--output", str(output), "--project", "desk")
    client.force_login(staff)
    api_rows = b"".join(
        client.get("/api/export/sentences/", {"project": "desk"}).streaming_content
    ).decode()
    assert jsonl_rows(output.read_text()) == jsonl_rows(api_rows)


def test_command_writes_exact_text_with_no_csv_guard(tmp_path, dataset):
    for flags, note in [([], "'=HYPERLINK"), (["--no-csv-guard"], "=HYPERLINK")]:
        output = tmp_path / "annotations.csv"
        call_command("export_dataset", "--kind", "annotations", "--format", "csv",
                     "--output", str(output), *flags)
        notes = [row["note"] for row in csv.DictReader(io.StringIO(output.read_text()))]
        assert f'{note}("x")' in notes


def test_command_rejects_bad_filters(tmp_path):
    with pytest.raises(CommandError, match="--label"):
        call_command("export_dataset", "--kind", "annotations", "--output",
                     str(tmp_path / "x"), "--label", "maybe")


def test_command_names_each_bad_flag_as_it_is_spelled(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("export_dataset", "--kind", "annotations", "--output", str(tmp_path / "x"),
                     "--article", "abc", "--updated-since", "soon", "--has-verdict", "yes!")
    assert str(caught.value) == (
        f"--article: must be an article id (a whole number from 1 to {2**63 - 1}); "
        "--updated-since: must be an ISO 8601 date-time, such as 2025-05-01T12:00:00Z; "
        "--has-verdict: must be true or false"
    )
    assert not (tmp_path / "x").exists()
