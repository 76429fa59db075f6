import csv
import hashlib
import html
import importlib
import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations import importing, segmentation
from annotations.exporting import ExportFilters, _python_chunks, export_query, gather, stream_export
from annotations.importing import (
    InvalidArticle,
    content_hash,
    derive_title,
    import_article,
    import_records,
    read_records,
    split_bucket,
)
from annotations.models import Article, ArticleTally, Project, Sentence
from tests.factories import api, assert_no_drift, make_article, make_project

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
DEMO_BODY = (DEMO / "ukraine-peace-plan-talks.txt").read_text(encoding="utf-8")
DEMO_SENTENCES = json.loads((DEMO / "ukraine-peace-plan-talks.sentences.json").read_text())

pytestmark = pytest.mark.django_db


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def test_demo_article_splits_into_the_expected_sentences():
    article = import_article(body=DEMO_BODY).article

    stored = list(article.sentences.values("position", "start", "end", "text"))
    assert stored == DEMO_SENTENCES
    assert all(article.body[s["start"] : s["end"]] == s["text"] for s in stored)


def test_body_is_stored_exactly_as_imported():
    body = "  Line one.\r\n\r\nLine two has trailing spaces.   \n\n\n"
    article = import_article(body=body).article
    article.refresh_from_db()
    assert article.body == body
    texts = [s.text for s in article.sentences.all()]
    assert texts == ["Line one.", "Line two has trailing spaces."]


def test_reimporting_the_same_body_changes_nothing():
    first = import_article(body=DEMO_BODY, title="First")
    again = import_article(body=DEMO_BODY, title="Another title")

    assert first.created and not again.created
    assert again.article == first.article
    assert Article.objects.count() == 1
    assert Sentence.objects.count() == 14
    assert Article.objects.get().title == "First"


def test_same_body_in_another_project_is_a_new_article():
    import_article(body=DEMO_BODY)
    result = import_article(body=DEMO_BODY, project=make_project("other"))
    assert result.created
    assert Article.objects.count() == 2


def test_article_without_project_goes_to_default():
    article = import_article(body="One sentence.").article
    assert article.project.slug == "default"


def test_missing_title_is_derived_from_the_first_line():
    assert derive_title("Short headline\nBody text.") == "Short headline"
    long_line = "word " * 60
    title = derive_title(long_line)
    assert len(title) <= 121 and title.endswith("…") and " " not in title[-2:]


def test_metadata_is_validated_and_stored():
    article = import_article(
        body="Text.",
        title="T",
        source="Wire",
        url="https://example.com/a",
        published_at="2025-12-04",
        language="en",
    ).article
    assert article.published_at.isoformat() == "2025-12-04T00:00:00+00:00"
    assert (article.source, article.url) == ("Wire", "https://example.com/a")


def next_year():
    return timezone.now().year + 1


@pytest.mark.parametrize(
    "published_at",
    [
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC: PostgreSQL stores it, Python can't
        "9999-12-31T23:00:00-05:00",  # after year 9999 in UTC
        "1899-12-31",
        "{after}-01-01",
    ],
)
def test_published_at_outside_1900_to_next_year_is_refused(published_at):
    published_at = published_at.format(after=next_year() + 1)
    message = f"published_at '{published_at}' is out of range: the year must be 1900 to "
    with pytest.raises(InvalidArticle, match=re.escape(message + str(next_year()))):
        import_article(body="Text.", published_at=published_at)
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("published_at", "stored"),
    [
        ("1900-01-01T00:00:00+01:00", "1899-12-31T23:00:00+00:00"),
        ("{next}-12-31T23:00:00-05:00", "{after}-01-01T04:00:00+00:00"),
        # Python takes offsets up to 23:59, PostgreSQL only to 15:59: stored in UTC.
        ("2025-01-01T00:00:00+20:00", "2024-12-31T04:00:00+00:00"),
    ],
)
def test_published_at_in_range_is_stored_as_the_same_instant(published_at, stored):
    years = {"next": next_year(), "after": next_year() + 1}
    article = import_article(body="Text.", published_at=published_at.format(**years)).article
    article.refresh_from_db()
    assert article.published_at.isoformat() == stored.format(**years)


def test_out_of_range_dates_leave_every_page_working(tmp_path, client, staff):
    lines = ['{"body": "Fine."}', '{"body": "Bad.", "published_at": "0001-01-01T00:00:00+01:00"}']
    with pytest.raises(CommandError, match="dates.jsonl line 2: published_at .* out of range"):
        call_command("import_articles", write(tmp_path, "dates.jsonl", "\n".join(lines)))
    response = api(staff).post(
        "/api/articles/", {"body": "Bad.", "published_at": "9999-12-31T23:00:00-05:00"},
        format="json",
    )
    assert response.status_code == 400
    assert "out of range" in response.json()["detail"]
    assert Article.objects.count() == 0
    make_article(published_at="2025-01-01T00:00:00+20:00")
    client.force_login(staff)
    for page in ("/", "/api/articles/", "/admin/annotations/article/", "/admin/dashboard/"):
        assert client.get(page).status_code == 200, page


@override_settings(TIME_ZONE="Asia/Kolkata")
@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_exports_write_the_instant_that_was_imported(fmt):
    """Whatever the server's time zone and whichever path writes the rows (COPY on
    PostgreSQL, Python elsewhere): a date alone stays that date, an offset is honoured and
    a time without an offset is read in TIME_ZONE."""
    given = {
        "2025-12-04": "2025-12-04T00:00:00+00:00",
        "2025-12-04T10:30:00+05:30": "2025-12-04T05:00:00+00:00",
        "2025-12-04T10:30:00-08:00": "2025-12-04T18:30:00+00:00",
        "2025-12-04T10:30:00": "2025-12-04T05:00:00+00:00",
    }
    for published_at in given:
        import_article(body=f"Published {published_at}.", published_at=published_at)
    values, columns = export_query("sentences", ExportFilters())
    outputs = [
        b"".join(stream_export("sentences", fmt, ExportFilters())).decode(),
        b"".join(gather(_python_chunks(values, columns, fmt), fmt)).decode(),
    ]
    for output in outputs:
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(output)))
        elif fmt == "json":
            rows = json.loads(output)
        else:
            rows = [json.loads(line) for line in output.splitlines()]
        written = {row["text"].removeprefix("Published ")[:-1]: row["article_published_at"]
                   for row in rows}
        assert written == given


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ""}, "body is missing or empty"),
        ({"body": "   \n\t"}, "body is missing or empty"),
        ({"body": 42}, "body is missing or empty"),
        ({"body": "x", "url": "javascript:alert(1)"}, r"url must be an http\(s\) address"),
        ({"body": "x", "published_at": "next tuesday"}, "not an ISO 8601"),
        ({"body": "x", "title": "t" * 501}, "title is longer than 500"),
        ({"body": "x", "project": "nope"}, "unknown project 'nope'; existing projects: default"),
        ({"body": "x", "colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_invalid_article_is_rejected_and_nothing_stored(fields, message):
    with pytest.raises(InvalidArticle, match=message):
        import_article(**fields)
    assert Article.objects.count() == 0


def test_article_over_the_size_limit_is_rejected(settings):
    settings.ARTICLE_MAX_BYTES = 100
    with pytest.raises(InvalidArticle, match="body is 101 bytes; the limit is 100"):
        import_article(body="é" * 50 + "x")
    assert Article.objects.count() == 0


# The import command


def test_command_imports_txt_json_and_jsonl(tmp_path, capsys):
    files = [
        write(tmp_path, "a.txt", "A headline\nFirst sentence. Second sentence."),
        write(tmp_path, "b.json", json.dumps([{"body": "B one."}, {"body": "B two. Yes."}])),
        write(tmp_path, "c.jsonl", '{"body": "C one."}\n\n{"body": "C two.", "title": "C"}\n'),
    ]
    call_command("import_articles", *files)

    assert capsys.readouterr().out.strip() == (
        "5 created (8 sentences), 0 unchanged, in project 'default'."
    )
    assert Article.objects.get(title="A headline").sentences.count() == 3


def test_command_reports_unchanged_on_reimport(tmp_path, capsys):
    path = write(tmp_path, "a.jsonl", '{"body": "One."}\n{"body": "Two."}\n')
    call_command("import_articles", path)
    call_command("import_articles", path)
    assert capsys.readouterr().out.splitlines()[-1] == (
        "0 created (0 sentences), 2 unchanged, in project 'default'."
    )
    assert Article.objects.count() == 2


def test_command_imports_into_the_named_project(tmp_path):
    make_project("desk")
    call_command("import_articles", "--project", "desk", write(tmp_path, "a.txt", "Hello."))
    assert Article.objects.get().project.slug == "desk"


def test_command_takes_a_title_for_txt(tmp_path):
    call_command("import_articles", "--title", "Given", write(tmp_path, "a.txt", "Hello."))
    assert Article.objects.get().title == "Given"


def test_command_rejects_an_unknown_project_listing_the_existing_ones(tmp_path):
    make_project("desk")
    message = "unknown project 'nope'; existing projects: default, desk"
    with pytest.raises(CommandError, match=message):
        call_command("import_articles", "--project", "nope", write(tmp_path, "a.txt", "Hi."))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.txt", b"Fine line.\nBad \xff byte.", r"bad.txt line 2: not valid UTF-8"),
        ("empty.txt", "  \n\n", r"empty.txt line 1: body is missing or empty"),
        ("bad.jsonl", '{"body": "ok."}\n{"body": "oops",}\n', r"bad.jsonl line 2: invalid JSON"),
        ("bad.json", '[\n{"body": "ok."},\n{"body": "x"\n', r"bad.json line 4: invalid JSON"),
        (
            "unknown.json",
            '[\n  {"body": "ok."},\n\n  {"body": "x", "bdy": 1}\n]',
            r"unknown.json line 4: unknown field 'bdy'",
        ),
        ("empty.jsonl", '{"body": "ok."}\n{"body": ""}\n', r"empty.jsonl line 2: body is missing"),
        ("list.jsonl", '{"body": "ok."}\n["x"]\n', r"list.jsonl line 2: expected an object"),
        ("scalar.json", "42", r"scalar.json line 1: expected an object or a list"),
        ("notes.csv", "body\nx", r"notes.csv: unsupported file type '.csv'"),
    ],
)
def test_command_rejects_bad_input_naming_file_and_line_and_stores_nothing(
    tmp_path, name, content, message
):
    good = write(tmp_path, "good.txt", "A good article comes first.")
    with pytest.raises(CommandError, match=message + ".*Nothing was imported"):
        call_command("import_articles", good, write(tmp_path, name, content))
    assert Article.objects.count() == 0
    assert Sentence.objects.count() == 0


def test_command_rejects_a_too_large_article(tmp_path, settings):
    settings.ARTICLE_MAX_BYTES = 1000
    path = write(tmp_path, "big.jsonl", '{"body": "ok."}\n' + json.dumps({"body": "x" * 1001}))
    with pytest.raises(CommandError, match="big.jsonl line 2: body is 1,001 bytes"):
        call_command("import_articles", path)
    assert Article.objects.count() == 0


def test_command_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="missing.txt: cannot read the file"):
        call_command("import_articles", str(tmp_path / "missing.txt"))


def test_command_exits_non_zero_on_bad_input(tmp_path):
    import subprocess
    import sys

    # A file that is not JSON at all fails before the (here empty) database is read.
    path = write(tmp_path, "bad.json", "{nope}\n")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_articles", path],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={"SECRET_KEY": "x", "DEBUG": "false", "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
             "PATH": "/usr/bin:/bin", "ENV_FILE": ""},
    )
    assert done.returncode == 1
    assert "bad.json line 1: invalid JSON" in done.stderr


def test_json_records_are_named_by_their_starting_line(tmp_path):
    path = write(tmp_path, "list.json", '[\n  {"body": "a"},\n\n  {"body": "b"}\n]')
    assert [where for where, _ in read_records(path)] == ["list.json line 2", "list.json line 4"]


def test_default_project_and_role_groups_exist():
    from django.contrib.auth.models import Group

    assert Project.objects.filter(slug="default", members=None).exists()
    assert set(Group.objects.values_list("name", flat=True)) >= {"reviewer", "adjudicator"}


def test_a_record_project_wins_over_the_command_project(tmp_path, capsys):
    make_project("desk")
    make_project("wire")
    files = [
        write(tmp_path, "a.json", json.dumps([{"body": "A.", "project": "desk"}, {"body": "B."}])),
        write(tmp_path, "b.jsonl", json.dumps({"body": "C.", "project": "desk"}) + "\n"),
    ]
    call_command("import_articles", "--project", "wire", *files)

    assert dict(Article.objects.values_list("body", "project__slug")) == {
        "A.": "desk", "B.": "wire", "C.": "desk",
    }
    assert capsys.readouterr().out.strip() == (
        "3 created (3 sentences), 0 unchanged, in projects 'desk', 'wire'."
    )


def test_an_unknown_record_project_names_file_and_line(tmp_path):
    path = write(tmp_path, "a.jsonl", '{"body": "A."}\n{"body": "B.", "project": "nope"}\n')
    with pytest.raises(CommandError, match="a.jsonl line 2: unknown project 'nope'; existing"):
        call_command("import_articles", path)
    assert Article.objects.count() == 0


def test_admin_upload_with_record_projects(client, staff):
    make_project("desk")
    client.force_login(staff)
    upload = SimpleUploadedFile(
        "batch.jsonl", b'{"body": "A.", "project": "desk"}\n{"body": "B."}\n'
    )
    response = client.post("/admin/annotations/article/import/",
                           {"project": "default", "file": upload})
    assert response.status_code == 302
    assert dict(Article.objects.values_list("body", "project__slug")) == {
        "A.": "desk", "B.": "default",
    }


# Line endings: a browser sends a pasted text with \r\n, a file usually has \n.


def test_texts_that_differ_only_in_line_endings_are_the_same_article():
    first = import_article(body="Headline\r\nOne claim. Another.\r\n")
    for body in ("Headline\nOne claim. Another.\n", "Headline\rOne claim. Another.\r"):
        again = import_article(body=body)
        assert not again.created and again.article == first.article
    assert Article.objects.get().body == "Headline\r\nOne claim. Another.\r\n"


def test_a_text_without_carriage_returns_keeps_its_hash_and_split():
    """Articles stored before line endings were normalised keep their hash and split."""
    body = "Headline\nOne claim. Another.\n"
    assert content_hash(body) == hashlib.sha256(body.encode()).hexdigest()
    assert content_hash(body.replace("\n", "\r\n")) == content_hash(body)


def test_pasted_text_and_the_same_text_as_a_file_are_one_article(client, staff):
    client.force_login(staff)
    text = "Pasted headline\nFirst claim. Second claim.\n"
    pasted = text.replace("\n", "\r\n")  # what a browser sends from a textarea
    client.post("/admin/annotations/article/import/", {"project": "default", "body": pasted})
    upload = SimpleUploadedFile("same.txt", text.encode())
    response = client.post("/admin/annotations/article/import/",
                           {"project": "default", "file": upload}, follow=True)
    assert b"0 article(s) imported, 1 already there" in response.content
    assert Article.objects.get().body == pasted  # as typed, never rewritten


def test_migration_rehashes_the_articles_with_carriage_returns():
    from django.apps import apps

    migration = importlib.import_module(
        "annotations.migrations.0009_content_hash_line_endings"
    )
    project = make_project("desk")

    def stored(body):
        """An article as the import stored it before: the hash of the raw body."""
        legacy = hashlib.sha256(body.encode()).hexdigest()
        return Article.objects.create(
            project=project, title="T", body=body, content_hash=legacy, split_bucket=7
        )

    pasted = stored("Pasted.\r\nTwice.\r\n")
    plain = stored("Plain.\nText.\n")
    twin = stored("Twin.\nText.\n")
    twin_pasted = stored("Twin.\r\nText.\r\n")  # imported twice before the fix
    migration.rehash_line_endings(apps, None)

    hashes = dict(Article.objects.values_list("pk", "content_hash"))
    assert hashes[pasted.pk] == content_hash("Pasted.\nTwice.\n")
    assert hashes[plain.pk] == content_hash("Plain.\nText.\n")
    assert hashes[twin.pk] == content_hash("Twin.\nText.\n")
    assert hashes[twin_pasted.pk] == hashlib.sha256(b"Twin.\r\nText.\r\n").hexdigest()
    # An article never moves between dataset splits.
    assert set(Article.objects.values_list("split_bucket", flat=True)) == {7}
    assert not import_article(body="Pasted.\nTwice.\n", project=project).created


# Every invalid record is reported, not only the first.

BAD_BATCH = "\n".join([
    '{"body": "Fine."}',
    '{"body": ""}',
    '{"body": "Fine too.", "url": "ftp://x.org/f"}',
    '{"body": "oops",}',
    '["not an object"]',
    '{"body": "Also fine.", "colour": "red"}',
])
BAD_BATCH_ERRORS = [
    "batch.jsonl line 2: body is missing or empty",
    "batch.jsonl line 3: url must be an http(s) address, not 'ftp://x.org/f'",
    "batch.jsonl line 4: invalid JSON (Expecting property name enclosed in double quotes)",
    "batch.jsonl line 5: expected an object with a body, got list",
    "batch.jsonl line 6: unknown field 'colour'; allowed fields: body, title, source, url, "
    "published_at, language, project, author",
]


def test_command_reports_every_invalid_record(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("import_articles", write(tmp_path, "batch.jsonl", BAD_BATCH))
    assert str(raised.value).splitlines() == [
        "5 invalid records; nothing was imported:",
        *(f"  {error}" for error in BAD_BATCH_ERRORS),
    ]
    assert Article.objects.count() == 0


def test_at_most_fifty_invalid_records_are_listed(tmp_path):
    lines = ['{"body": ""}'] * 120
    with pytest.raises(CommandError) as raised:
        call_command("import_articles", write(tmp_path, "empty.jsonl", "\n".join(lines)))
    report = str(raised.value).splitlines()
    assert report[0] == "120 invalid records; nothing was imported:"
    assert report[1:51] == [f"  empty.jsonl line {n}: body is missing or empty"
                            for n in range(1, 51)]
    assert report[51:] == ["  and 70 more"]


def test_admin_import_lists_every_invalid_record(client, staff):
    client.force_login(staff)
    upload = SimpleUploadedFile("batch.jsonl", BAD_BATCH.encode())
    response = client.post("/admin/annotations/article/import/",
                           {"project": "default", "file": upload})
    assert response.status_code == 200
    errors = [html.unescape(item) for item in re.findall(
        r"<li>(.*?)</li>", response.content.decode().split('class="errornote"')[1]
        .split("</ul>")[0])]
    assert errors == BAD_BATCH_ERRORS
    assert b"5 invalid records; nothing was imported" in response.content
    assert not Article.objects.exists()


def test_admin_import_links_each_imported_article(client, staff):
    existing = make_article("Already here. Yes.")
    client.force_login(staff)
    upload = SimpleUploadedFile(
        "batch.jsonl",
        b'{"body": "First <b>one</b>.", "title": "First <b>"}\n'
        b'{"body": "Second one."}\n'
        b'{"body": "Already here. Yes."}\n',
    )
    response = client.post("/admin/annotations/article/import/",
                           {"project": "default", "file": upload}, follow=True)
    page = response.content.decode()
    assert "2 article(s) imported, 1 already there." in page
    first, second = Article.objects.exclude(pk=existing.pk).order_by("pk")
    for article in (first, second, existing):
        assert f'href="/articles/{article.pk}/"' in page
        assert f'href="/admin/annotations/article/{article.pk}/change/"' in page
    assert "First &lt;b&gt;" in page and "First <b>" not in page
    # Shown once: a reload of the page does not list them again.
    assert f'href="/articles/{first.pk}/"' not in client.get(
        "/admin/annotations/article/import/").content.decode()


# --- batches: split in worker processes, stored in bulk, all or nothing ---------------

NEWS = [
    DEMO_BODY,
    "Dr. Smith arrived at 9 a.m. Tuesday. “Is this it?” she asked.\n\nNo, it was not.",
    "Officials said the U.S. plan had 28 points. Critics, e.g. the opposition, disagreed.",
]


def batch(count):
    """`count` distinct news-like records, as read_records gives them."""
    return [
        (f"batch.jsonl line {n + 1}", {"body": f"{NEWS[n % len(NEWS)]}\n\nItem {n} ends here."})
        for n in range(count)
    ]


def stored_sentences():
    return list(
        Sentence.objects.order_by("article__content_hash", "position").values_list(
            "article__content_hash", "position", "text", "start", "end"
        )
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_a_batch_stores_what_one_article_at_a_time_stores(monkeypatch, processes):
    monkeypatch.setattr(segmentation, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(importing, "STORED_AT_A_TIME", 4)  # several bulk batches
    records = batch(10)
    for _, record in records:
        import_article(**record)
    one_by_one = stored_sentences()
    tallies = dict(ArticleTally.objects.values_list("article__content_hash", "sentences"))
    Article.objects.all().delete()

    results = import_records(records, processes=processes)

    assert [result.created for result in results] == [True] * 10
    assert stored_sentences() == one_by_one
    assert dict(ArticleTally.objects.values_list("article__content_hash", "sentences")) == (
        tallies
    )
    for result, (_, record) in zip(results, records, strict=True):
        article = Article.objects.get(pk=result.article.pk)
        assert article.body == record["body"]
        assert article.content_hash == content_hash(record["body"])
        assert article.split_bucket == split_bucket(article.content_hash)
        assert article.title == derive_title(record["body"])
    assert_no_drift()


def test_a_batch_finds_bodies_already_stored_and_repeated_in_it():
    old = import_article(body="Already here. Yes.").article
    other = make_project("other")
    records = [
        ("f line 1", {"body": "New one. Yes."}),
        ("f line 2", {"body": "Already here. Yes."}),
        ("f line 3", {"body": "New one. Yes."}),
        ("f line 4", {"body": "New one. Yes.", "project": other.slug}),
    ]
    ticks = []
    results = import_records(records, progress=lambda: ticks.append(1))

    assert [result.created for result in results] == [True, False, False, True]
    assert results[1].article == old
    assert results[2].article == results[0].article
    assert results[3].article.project == other
    assert len(ticks) == 4
    assert Article.objects.count() == 3
    assert_no_drift()


def test_a_batch_takes_the_same_queries_whatever_its_length():
    # SQLite takes at most 999 values a statement: Django splits an insert of more
    # articles than that allows (66 of them), on every path; compare within one.
    columns = [field for field in Article._meta.concrete_fields if not field.primary_key]
    length = min(80, 3 + connection.ops.bulk_batch_size(columns, [None] * 80))
    records = batch(length)
    with CaptureQueriesContext(connection) as few:
        import_records(records[:3])
    with CaptureQueriesContext(connection) as many:
        import_records(records[3:])
    assert Article.objects.count() == length
    assert len(many) == len(few)


def test_a_failure_late_in_a_batch_stores_nothing(monkeypatch):
    monkeypatch.setattr(importing, "STORED_AT_A_TIME", 3)
    real, calls = importing._insert_sentences, []

    def fail_on_the_third_batch(articles, spans):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(articles, spans)

    monkeypatch.setattr(importing, "_insert_sentences", fail_on_the_third_batch)
    with pytest.raises(RuntimeError):
        import_records(batch(10))
    assert not Article.objects.exists()
    assert not Sentence.objects.exists()


def test_a_body_stored_meanwhile_by_someone_else_stands(monkeypatch):
    """Between the look-up and the insert another import stored one of the bodies."""
    theirs = import_article(body="New one. Yes.").article
    monkeypatch.setattr(importing, "_existing_articles", lambda checked, digests: {})
    records = [("f line 1", {"body": "Other. Yes."}), ("f line 2", {"body": "New one. Yes."})]
    results = import_records(records)
    assert [result.created for result in results] == [True, False]
    assert results[1].article == theirs
    assert Article.objects.count() == 2
    assert_no_drift()


def test_a_batch_splits_each_body_in_its_own_language(monkeypatch):
    given = []

    def split_many(texts, *, processes):
        texts = list(texts)
        given.extend(language for _, language in texts)
        return [segmentation.split_sentences(body, language) for body, language in texts]

    monkeypatch.setattr(importing, "split_many", split_many)
    import_records([
        ("f line 1", {"body": "Eins. Zwei.", "language": "de"}),
        ("f line 2", {"body": "One. Two."}),
    ])
    assert given == ["de", "en"]


def test_command_splits_in_the_processes_asked_for(tmp_path, monkeypatch, capsys):
    used = []
    real = importing.split_many

    def split_many(texts, *, processes):
        used.append(processes)
        return real(texts, processes=processes)

    monkeypatch.setattr(importing, "split_many", split_many)
    monkeypatch.setattr(segmentation, "PARALLEL_MIN_CHARS", 0)
    lines = "\n".join(json.dumps(record) for _, record in batch(12))
    call_command("import_articles", "--processes", "2", write(tmp_path, "a.jsonl", lines))
    assert used == [2]
    assert capsys.readouterr().out.startswith("12 created (")
    with pytest.raises(CommandError, match="--processes"):
        call_command("import_articles", "--processes", "0", write(tmp_path, "b.jsonl", lines))
