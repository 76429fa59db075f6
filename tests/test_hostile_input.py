"""Hostile input: a clear 4xx or a safe rendering, never a 500, nothing half-stored."""

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from annotations.annotating import save_annotation
from annotations.importing import InvalidArticle, import_article
from annotations.models import Annotation, Article
from tests.factories import api, make_article

pytestmark = pytest.mark.django_db

NASTY_TEXTS = [
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "مرحبا \u202egnp.exe\u202c שלום",  # right-to-left text and an override
    "zero\u200bwidth\u200d\ufeffjoiners",
    "x" * 50_000,  # one very long line
    "tab\tbell\x07escape\x1b[31mred",
]


def put_raw(client, sentence, raw, content_type="application/json"):
    return client.generic(
        "PUT", f"/api/sentences/{sentence.pk}/annotation/", raw, content_type=content_type
    )


@pytest.mark.parametrize("text", NASTY_TEXTS, ids=["html", "rtl", "zero-width", "long", "ctrl"])
def test_nasty_text_is_stored_exactly_and_rendered_escaped(client, alice, staff, text):
    response = api(staff).post("/api/articles/", {"body": f"{text} Second claim."}, format="json")
    assert response.status_code == 201
    article = Article.objects.get()
    assert article.body == f"{text} Second claim."
    sentence = article.sentences.first()
    save_annotation(sentence=sentence, reviewer=alice, label="unclear", note=text[:10_000])
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html


def test_nul_characters_are_refused_everywhere(alice, staff):
    sentence = make_article().sentences.first()
    assert api(staff).post("/api/articles/", {"body": "a\x00b"}, format="json").status_code == 400
    response = api(staff).post(
        "/api/articles/", {"body": "Fine.", "title": "bad\x00title"}, format="json"
    )
    assert response.status_code == 400
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/", {"label": "verified", "note": "a\x00"},
        format="json",
    )
    assert response.status_code == 400
    assert Article.objects.count() == 1 and not Annotation.objects.exists()


def test_invalid_utf8_is_a_400(alice):
    sentence = make_article().sentences.first()
    response = put_raw(api(alice), sentence, b'{"label": "verified", "note": "\xff\xfe"}')
    assert response.status_code == 400
    assert "not valid UTF-8" in response.json()["detail"]


def test_deeply_nested_json_is_a_400(alice):
    sentence = make_article().sentences.first()
    response = put_raw(api(alice), sentence, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ('{"label": "\\ud800"}', "label"),
        ('{"label": "verified", "note": "half \\uDC00 a pair"}', "note"),
        ('{"label": "verified", "evidence": ["https://a.org/", "https://b.org/\\udbff"]}',
         "evidence[1]"),
        ('{"label": "verified", "\\ud83c": 1}', "a field name ('\\ud83c')"),
        ('"\\ud800"', "the document"),
    ],
)
def test_lone_surrogate_escapes_are_a_400_that_says_where(alice, raw, where):
    sentence = make_article().sentences.first()
    response = put_raw(api(alice), sentence, raw)
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"JSON parse error - {where} holds a lone surrogate escape (\\ud800 to \\udfff "
        "without its pair), which is not a character"
    )
    assert not Annotation.objects.exists()


def test_a_lone_surrogate_in_an_imported_body_is_a_400(staff):
    response = api(staff).generic(
        "POST", "/api/articles/", '{"body": "Claim one. Claim \\ud800 two."}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "body holds a lone surrogate" in response.json()["detail"]
    assert not Article.objects.exists()


def test_a_surrogate_pair_is_one_character(alice):
    sentence = make_article().sentences.first()
    raw = '{"label": "verified", "note": "party \\ud83c\\udf89, \\\\ud800 is text"}'
    assert put_raw(api(alice), sentence, raw).status_code == 201
    assert Annotation.objects.get().note == "party \U0001f389, \\ud800 is text"


def test_form_bodies_cannot_carry_a_surrogate(alice):
    """Forms decode bytes that are not UTF-8 (such as an encoded surrogate) to U+FFFD."""
    sentence = make_article().sentences.first()
    response = put_raw(api(alice), sentence, b"label=verified&note=a%ED%A0%80b",
                       content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201
    assert Annotation.objects.get().note == "a\ufffd\ufffd\ufffdb"


def test_duplicate_fields_are_a_400(alice):
    sentence = make_article().sentences.first()
    response = put_raw(api(alice), sentence, '{"label": "verified", "label": "disputed"}')
    assert response.status_code == 400
    assert "duplicate field 'label'" in response.json()["detail"]
    assert not Annotation.objects.exists()


def test_wrong_json_shapes_are_400s(alice):
    sentence = make_article().sentences.first()
    for raw in ['"just a string"', "[1, 2]", "null", '{"label": ["verified"]}',
                '{"label": "verified", "evidence": [{"url": "x"}]}', '{"label": "verified",']:
        assert put_raw(api(alice), sentence, raw).status_code == 400, raw
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<b>x</b>",
                                  "JAVASCRIPT:alert(1)", "//evil.example/x", "ftp://x.org/f",
                                  "https://ex ample.org"])
def test_unsafe_evidence_links_are_refused(alice, link):
    sentence = make_article().sentences.first()
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/",
        {"label": "verified", "evidence": [link]}, format="json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        (path, query, status)
        for path in ("/api/annotations/", "/api/export/annotations/")
        for query, status in [
            ({"project": "' OR 1=1 --"}, 400),  # not a slug
            ({"reviewer": "x' OR '1'='1"}, 200),  # any text may be a username: none match
            ({"label": "verified'; DROP TABLE annotations_annotation; --"}, 400),
            ({"article": "1 OR 1=1"}, 400),
        ]
    ]
    + [("/api/export/annotations/", {"updated_since": "2024-01-01'--"}, 400)],
)
def test_sql_looking_filters_are_refused_or_match_nothing(staff, alice, path, query, status):
    sentence = make_article().sentences.first()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    response = api(staff).get(path, query)
    assert response.status_code == status
    if status == 200 and response.streaming:
        assert b"".join(response.streaming_content) == b""
    elif status == 200:
        assert response.json()["results"] == []
    else:
        assert list(query) == list(response.json())  # the error names the filter
    assert Annotation.objects.count() == 1


def test_unknown_fields_are_refused(alice, staff):
    sentence = make_article().sentences.first()
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/",
        {"label": "verified", "reviewer": "bob", "version": 0}, format="json",
    )
    assert response.status_code == 400
    assert api(staff).get("/api/export/sentences/", {"fromat": "csv"}).status_code == 400


def test_csv_export_neutralises_formulas_in_every_text_cell(client, staff, alice):
    article = make_article("=cmd|' /C calc'!A0 is a claim.", title="@SUM(1+1)")
    save_annotation(sentence=article.sentences.first(), reviewer=alice, label="unclear",
                    note="+1 555 0100")
    client.force_login(staff)
    body = b"".join(client.get("/api/export/sentences/", {"format": "csv"})
                    .streaming_content).decode()
    assert ",=cmd" not in body and ",@SUM" not in body
    assert ",'=cmd" in body and ",'@SUM(1+1)" in body


def test_a_page_never_500s_on_odd_query_strings(client, alice):
    client.force_login(alice)
    for query in ("?page=-1", "?page=abc", "?sort=<script>", "?q=" + "x" * 5000, "?q=%ff%fe"):
        assert client.get("/" + query).status_code == 200, query
    assert client.get("/?project=%00").status_code == 400


def test_article_pages_for_missing_or_malformed_ids(client, alice):
    client.force_login(alice)
    assert client.get("/articles/999999/").status_code == 404
    assert client.get("/articles/abc/").status_code == 404
    assert Client().get("/api/articles/1/").status_code == 401


def test_database_errors_are_a_503_that_says_retry(alice, monkeypatch):
    from django.db import OperationalError

    from annotations.api import views

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "save_label", down)
    sentence = make_article().sentences.first()
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/", {"label": "verified"}, format="json"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "nothing was saved" in json.loads(response.content)["detail"]


def test_ids_too_large_for_the_database_are_not_found(client, alice):
    client.force_login(alice)
    huge = "9" * 30
    assert client.get(f"/articles/{huge}/").status_code == 404
    assert api(alice).get(f"/api/articles/{huge}/").status_code == 404
    response = api(alice).put(f"/api/sentences/{huge}/annotation/", {"label": "verified"},
                              format="json")
    assert response.status_code == 404


def test_overlong_sign_in_names_are_a_400():
    response = api().post("/api/token/", {"username": "u" * 300, "password": "x"})
    assert response.status_code == 400
    assert Client().post("/accounts/login/", {"username": "u" * 300, "password": "x"}
                         ).status_code == 200  # the form shows its error


def test_id_filters_past_64_bits_are_a_400(staff):
    huge = str(2**63)
    for path in ("/api/export/annotations/", "/api/export/claimreview/", "/api/annotations/",
                 "/api/stats/"):
        assert api(staff).get(path, {"article": huge}).status_code == 400, path


# Hostile import files: the all-or-nothing error naming file and line, from the command
# and the admin page alike. JSON escapes can carry what no database stores as text.
HOSTILE_FILES = [
    ("surrogate.jsonl", '{"body": "Fine."}\n{"body": "a \\ud800 b"}\n',
     r"surrogate.jsonl line 2: body contains a lone surrogate \(U\+D800\)"),
    *[(f"surrogate-{field}.json", f'[\n{{"body": "Fine.", "{field}": "x\\udfff"}}\n]',
       rf"surrogate-{field}.json line 2: {field} contains a lone surrogate \(U\+DFFF\)")
      for field in ("title", "source", "url", "published_at", "language", "project")],
    ("surrogate-key.jsonl", '{"body": "Fine.", "\\ud800": 1}\n',
     r"surrogate-key.jsonl line 1: unknown field '\\ud800'"),
    *[(f"nul-{field}.jsonl", f'{{"body": "Fine."}}\n{{"body": "Too.", "{field}": "x\\u0000"}}\n',
       rf"nul-{field}.jsonl line 2: {field} contains a NUL character")
      for field in ("title", "source", "url", "published_at", "language", "project")],
    ("url-space.jsonl", '{"body": "Fine.", "url": "https://example.org/a\\nb"}\n',
     r"url-space.jsonl line 1: url must be an http\(s\) address without spaces"),
    ("date.jsonl", '{"body": "Fine.", "published_at": "9999-12-31T23:00:00-05:00"}\n',
     r"date.jsonl line 1: published_at '9999-12-31T23:00:00-05:00' is out of range"),
    ("deep.json", "\n" + "[" * 100_000 + "]" * 100_000,
     r"deep.json line 2: invalid JSON \(nested too deeply\)"),
    ("deep.jsonl", '{"body": "Fine."}\n' + '{"body": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
     r"deep.jsonl line 2: invalid JSON \(nested too deeply\)"),
    ("digits.jsonl", '{"body": "Fine."}\n{"body": ' + "9" * 5000 + "}\n",
     r"digits.jsonl line 2: body is missing or empty"),
]
HOSTILE_IDS = [name for name, _, _ in HOSTILE_FILES]


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE_FILES, ids=HOSTILE_IDS)
def test_hostile_import_files_are_refused_by_the_command(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_articles", str(path))
    assert not Article.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE_FILES, ids=HOSTILE_IDS)
def test_hostile_import_files_are_refused_by_the_admin(client, staff, name, content, message):
    client.force_login(staff)
    upload = SimpleUploadedFile(name, content.encode())
    response = client.post("/admin/annotations/article/import/",
                           {"project": "default", "file": upload})
    assert response.status_code == 200
    assert re.search(message, html.unescape(response.content.decode()))
    assert not Article.objects.exists()


@pytest.mark.parametrize("fields", [
    {"body": "a \ud800 b"},
    {"body": "Fine.", "title": "\udfff"},
    {"body": "Fine.", "url": "https://example.org/\ud800"},
    {"body": "Fine.", "url": "https://example.org/\x00"},
    {"body": "Fine.", "source": "\x00"},
    {"body": "Fine.", "project": "\ud800"},
    {"body": "Fine.", "published_at": "0001-01-01T00:00:00+01:00"},
    {"body": "Fine.", "published_at": "9999-12-31T23:00:00-05:00"},
    {"body": "Fine.", "published_at": "2025-01-01\ud800"},
], ids=repr)
def test_hostile_articles_over_the_api_are_400s(staff, fields):
    raw = json.dumps(fields)  # escapes the surrogates as \ud800, as an attacker would send them
    response = api(staff).post("/api/articles/", raw, content_type="application/json")
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_deeply_nested_article_over_the_api_is_a_400(staff):
    raw = '{"body": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = api(staff).post("/api/articles/", raw, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("fields", [
    {"body": "a \ud800 b"},
    {"body": "Fine.", "title": "x\udfff"},
    {"body": "Fine.", "url": "https://example.org/\x00"},
    {"body": "Fine.", "project": "a\x00"},
], ids=repr)
def test_the_import_service_refuses_what_no_database_stores(fields):
    with pytest.raises(InvalidArticle):
        import_article(**fields)
    assert not Article.objects.exists()


# Every list and text in a request is bounded before any per-item work.


def test_an_overlong_evidence_list_is_refused_before_any_link_is_looked_at(alice, monkeypatch):
    """50,000 links once cost minutes of CPU (de-duplicated pairwise before the cap of 20
    was checked); now the list's length is checked first and no link is validated."""
    from rest_framework import fields

    from annotations import annotating

    looked_at = []
    original = fields.CharField.to_internal_value

    def spy(self, data):
        looked_at.append(data)
        return original(self, data)

    monkeypatch.setattr(fields.CharField, "to_internal_value", spy)
    monkeypatch.setattr(annotating, "clean_evidence", lambda links: pytest.fail("reached"))
    sentence = make_article().sentences.first()
    links = [f"https://example.org/{i}" for i in range(1_000)]
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/", {"label": "verified", "evidence": links},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"evidence": ["at most 20 items, not 1,000"]}
    assert looked_at == []
    assert not Annotation.objects.exists()


def test_evidence_cleaning_stops_at_the_first_link_past_the_cap():
    from annotations.annotating import InvalidAnnotation, clean_evidence

    links = [f"https://example.org/{i}" for i in range(21)] + [None] * 100_000
    with pytest.raises(InvalidAnnotation, match="at most 20 evidence links"):
        clean_evidence(links)
    # Repeats of one link are one link, as before.
    assert clean_evidence(["https://example.org/a"] * 20) == ["https://example.org/a"]


def _input_serializers():
    """Every serializer that reads request input: those the API views build from `data=`,
    and the serializer_class of the views that write."""
    import ast
    from pathlib import Path

    from django.urls import get_resolver
    from rest_framework import mixins
    from rest_framework.authtoken.views import ObtainAuthToken

    from annotations.api import serializers, views

    tree = ast.parse(Path(views.__file__).read_text())
    names = {
        node.func.attr for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == "serializers"
        and any(keyword.arg == "data" for keyword in node.keywords)
    }
    found = {getattr(serializers, name) for name in names}
    writers = (mixins.CreateModelMixin, mixins.UpdateModelMixin, ObtainAuthToken)
    for pattern in get_resolver("annotations.api.urls").url_patterns:
        view = getattr(pattern.callback, "view_class", None)
        if view and issubclass(view, writers):
            found.add(view.serializer_class)
    return sorted(found, key=lambda cls: cls.__name__)


def test_every_input_serializer_bounds_each_text_and_list():
    from annotations.api.serializers import BoundedInput, length_limit, needs_limit

    serializers = _input_serializers()
    assert len(serializers) >= 10, serializers
    for cls in serializers:
        assert issubclass(cls, BoundedInput), f"{cls.__name__} must be a BoundedInput"
        for name, field in cls().fields.items():
            if field.read_only:
                continue
            for part in (field, getattr(field, "child", None)):
                if part is not None and needs_limit(part):
                    assert length_limit(part), f"{cls.__name__}.{name} needs a max_length"


def test_an_overlong_value_is_refused_without_being_echoed(alice, staff):
    sentence = make_article().sentences.first()
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/", {"label": "v" * 100_000}, format="json"
    )
    assert response.status_code == 400
    assert len(response.content) < 200, response.content[:200]
    response = api(staff).get("/api/annotations/", {"reviewer": "r" * 10_000})
    assert response.status_code == 400
    assert response.json() == {"reviewer": ["at most 150 characters, not 10,000"]}


def test_thousands_of_unknown_fields_get_a_short_answer(alice):
    sentence = make_article().sentences.first()
    payload = {"label": "verified", **{f"x{i}": 1 for i in range(5_000)}}
    response = api(alice).put(
        f"/api/sentences/{sentence.pk}/annotation/", payload, format="json"
    )
    assert response.status_code == 400
    assert len(response.json()) == 10
    assert set(response.json().values()) == {"unknown field"}


def test_the_token_endpoint_reads_json_as_strictly_as_the_others(db):
    response = api().generic(
        "POST", "/api/token/", "[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
