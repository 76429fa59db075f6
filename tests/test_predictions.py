"""A model's predictions in: by sentence id or by the export's offsets, all or nothing,
replacing and counting what changed; through the function, the command and the API."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations import predictions
from annotations.annotating import save_annotation
from annotations.models import Article, Prediction, PredictionModel, Sentence
from annotations.predictions import InvalidPredictions, import_predictions
from annotations.queue import next_sentence
from annotations.stats import collection_stats
from tests.factories import api, make_article, make_project, make_user


def jsonl(*rows):
    return "\n".join(json.dumps(row) for row in rows) + "\n"


@pytest.fixture
def article(db):
    return make_article(
        "The first claim is here. The second claim follows. The third one ends it.",
        url="https://news.example/a",
    )


def stored(name="m"):
    return dict(
        Prediction.objects.filter(model__name=name)
        .values_list("sentence_id", "label")
    )


def test_predictions_name_sentences_by_id_or_by_article_and_offsets(article):
    one, two, three = article.sentences.order_by("position")
    result = import_predictions(model="m", data=jsonl(
        {"sentence_id": one.pk, "label": "verified", "score": 0.9},
        {"article_id": article.pk, "start": two.start, "end": two.end, "label": "disputed"},
        {"url": article.url, "start": three.start, "end": three.end, "label": "unclear",
         "score": 0},
    ))
    assert (result.total, result.created, result.changed, result.unchanged) == (3, 3, 0, 0)
    assert result.model_created
    assert stored() == {one.pk: "verified", two.pk: "disputed", three.pk: "unclear"}
    assert Prediction.objects.get(sentence=one).score == 0.9
    assert Prediction.objects.get(sentence=two).score is None


def test_a_json_list_works_as_jsonl_does(article):
    one = article.sentences.first()
    import_predictions(model="m", data=json.dumps([{"sentence_id": one.pk, "label": "unclear"}]))
    assert stored() == {one.pk: "unclear"}


def test_every_bad_line_is_named_and_nothing_is_stored(article):
    one, two, _ = article.sentences.order_by("position")
    with pytest.raises(InvalidPredictions) as caught:
        import_predictions(model="m", data=jsonl(
            {"sentence_id": one.pk, "label": "verified"},
            {"sentence_id": 999_999, "label": "verified"},
            {"article_id": article.pk, "start": two.start, "end": two.end + 1,
             "label": "disputed"},
            {"sentence_id": two.pk, "label": "true"},
            {"sentence_id": two.pk, "label": "verified", "score": 1.5},
            {"sentence_id": one.pk, "label": "unclear"},
            {"article_id": 999_999, "start": 0, "end": 5, "label": "unclear"},
            {"url": "https://nowhere.example/", "start": 0, "end": 5, "label": "unclear"},
            {"label": "unclear"},
            ["not", "an", "object"],
            {"sentence_id": True, "label": "verified"},
        ) + "{not json\n")
    assert caught.value.problems == [
        "line 2: unknown sentence 999999",
        f"line 3: no sentence of article {article.pk} spans {two.start}-{two.end + 1} "
        "(start and end must be a sentence's offsets, as exported)",
        "line 4: label must be one of verified, disputed, unclear",
        "line 5: score must be a number from 0 to 1 (or left out)",
        f"line 6: sentence {one.pk} is predicted twice (first on line 1)",
        "line 7: unknown article 999999",
        "line 8: no article has the url 'https://nowhere.example/'",
        "line 9: name the sentence: sentence_id, or article_id (or url) with start and end",
        "line 10: must be a JSON object",
        "line 11: sentence_id must be a sentence's id (a whole number)",
        "line 12: not valid JSON (Expecting property name enclosed in double quotes: line 1 "
        "column 2 (char 1))",
    ]
    assert not Prediction.objects.exists()
    assert not PredictionModel.objects.exists()


def test_a_line_that_is_not_json_is_named(article):
    with pytest.raises(InvalidPredictions) as caught:
        import_predictions(model="m", data='{"label": "verified"}\n\n{oops\n')
    assert caught.value.problems[1].startswith("line 3: not valid JSON")


def test_a_url_two_articles_share_must_be_given_as_an_article_id(article):
    make_article("The first claim is here. Another text.", url=article.url,
                 project=make_project("elsewhere"))
    with pytest.raises(InvalidPredictions, match="2 articles have the url"):
        import_predictions(model="m", data=jsonl(
            {"url": article.url, "start": 0, "end": 24, "label": "verified"}
        ))


def test_importing_again_replaces_those_sentences_and_counts_what_changed(article):
    one, two, three = article.sentences.order_by("position")
    import_predictions(model="m", data=jsonl(
        {"sentence_id": one.pk, "label": "verified", "score": 0.5},
        {"sentence_id": two.pk, "label": "verified"},
    ))
    result = import_predictions(model="m", data=jsonl(
        {"sentence_id": one.pk, "label": "verified", "score": 0.5},  # the same
        {"sentence_id": two.pk, "label": "disputed"},  # changed
        {"sentence_id": three.pk, "label": "unclear"},  # new
    ))
    assert (result.created, result.changed, result.unchanged) == (1, 1, 1)
    assert not result.model_created
    assert stored() == {one.pk: "verified", two.pk: "disputed", three.pk: "unclear"}
    # A changed score alone is a change.
    again = import_predictions(model="m", data=jsonl(
        {"sentence_id": one.pk, "label": "verified", "score": 0.6},
    ))
    assert (again.created, again.changed, again.unchanged) == (0, 1, 0)
    assert Prediction.objects.get(sentence=one).score == 0.6
    assert Prediction.objects.count() == 3  # sentences left out keep their prediction


def planned_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s",
                       [Prediction._meta.db_table])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_large_import_refreshes_the_statistics_an_evaluation_is_planned_with(
    article, monkeypatch
):
    monkeypatch.setattr(predictions, "ANALYZE_AFTER", 2)
    one, two, three = article.sentences.order_by("position")
    import_predictions(model="m", data=jsonl({"sentence_id": one.pk, "label": "verified"},
                                             {"sentence_id": two.pk, "label": "verified"}))
    assert planned_rows() <= 0  # two new rows: not past the threshold
    import_predictions(model="n", data=jsonl(*(
        {"sentence_id": s.pk, "label": "disputed"} for s in (one, two, three)
    )))
    assert planned_rows() == 5


def test_models_keep_their_predictions_apart(article):
    one = article.sentences.first()
    import_predictions(model="a", data=jsonl({"sentence_id": one.pk, "label": "verified"}))
    import_predictions(model="b", data=jsonl({"sentence_id": one.pk, "label": "disputed"}))
    assert stored("a") == {one.pk: "verified"} and stored("b") == {one.pk: "disputed"}


def test_predictions_never_count_as_labels(article, alice, bob):
    one, two, _ = article.sentences.order_by("position")
    save_annotation(sentence=one, reviewer=alice, label="verified")
    before = collection_stats(Article.objects.all())
    queue_before = next_sentence(bob).pk
    import_predictions(model="m", data=jsonl(
        *({"sentence_id": s.pk, "label": "disputed", "score": 1} for s in article.sentences.all())
    ))
    assert collection_stats(Article.objects.all()) == before
    assert next_sentence(bob).pk == queue_before
    assert Sentence.objects.get(pk=two.pk).disputed_count == 0


# ---- the command ----------------------------------------------------------------------------


def test_the_command_imports_a_file_and_says_what_changed(article, tmp_path):
    one = article.sentences.first()
    path = tmp_path / "predictions.jsonl"
    path.write_text(jsonl({"sentence_id": one.pk, "label": "verified", "score": 0.7}))
    out, err = StringIO(), StringIO()
    call_command("import_predictions", "--model", "baseline", "--description", "A baseline",
                 str(path), stdout=out, stderr=err)
    assert "1 predictions for model 'baseline' (new model): 1 new, 0 changed, 0 unchanged" \
        in out.getvalue()
    assert PredictionModel.objects.get(name="baseline").description == "A baseline"


def test_the_command_lists_every_bad_line(article, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(jsonl({"sentence_id": 999_999, "label": "verified"},
                          {"sentence_id": article.sentences.first().pk, "label": "nope"}))
    with pytest.raises(CommandError) as caught:
        call_command("import_predictions", "--model", "m", str(path), stdout=StringIO(),
                     stderr=StringIO())
    message = str(caught.value)
    assert "2 bad prediction(s); nothing was stored" in message
    assert "line 1: unknown sentence 999999" in message and "line 2: label must be" in message


def test_the_command_refuses_a_name_no_url_could_hold(article, tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(jsonl({"sentence_id": article.sentences.first().pk, "label": "verified"}))
    with pytest.raises(CommandError, match="A model's name"):
        call_command("import_predictions", "--model", "a/b", str(path), stdout=StringIO())


# ---- the API --------------------------------------------------------------------------------


def test_the_api_takes_jsonl_with_a_token(article, staff):
    one = article.sentences.first()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    body = jsonl({"sentence_id": one.pk, "label": "verified"})
    response = client.post("/api/models/bert-v1.2/predictions/", body,
                           content_type="application/x-ndjson")
    assert response.status_code == 201, response.content
    assert response.json() == {"model": "bert-v1.2", "model_created": True, "predictions": 1,
                               "created": 1, "changed": 0, "unchanged": 0}
    again = client.post("/api/models/bert-v1.2/predictions/", body,
                        content_type="application/x-ndjson")
    assert again.status_code == 200 and again.json()["unchanged"] == 1


def test_the_api_refuses_bad_lines_with_400_and_each_named(article, staff):
    response = api(staff).post(
        "/api/models/m/predictions/", json.dumps([{"sentence_id": 999_999, "label": "x"},
                                                  {"sentence_id": 999_998, "label": "verified"}]),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "item 1: label must be one of verified, disputed, unclear",
        "item 2: unknown sentence 999998",
    ]
    assert response.json()["error_count"] == 2
    assert not PredictionModel.objects.exists()


def test_an_exporter_cannot_name_sentences_outside_her_projects(article):
    dora = make_user("dora")
    dora.user_permissions.add(Permission.objects.get(codename="export_dataset"))
    closed = make_article("A closed claim.", project=make_project("closed", members=[
        make_user("member", role="reviewer")]))
    hidden = closed.sentences.get()
    response = api(dora).post(
        "/api/models/m/predictions/", jsonl({"sentence_id": hidden.pk, "label": "verified"}),
        content_type="application/x-ndjson",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [f"line 1: unknown sentence {hidden.pk}"]
    visible = article.sentences.first()
    ok = api(dora).post(
        "/api/models/m/predictions/", jsonl({"sentence_id": visible.pk, "label": "verified"}),
        content_type="application/x-ndjson",
    )
    assert ok.status_code == 201


def test_an_empty_body_is_a_bad_request(article, staff):
    response = api(staff).post("/api/models/m/predictions/", "",
                               content_type="application/x-ndjson")
    assert response.status_code == 400
    assert "empty" in response.json()["detail"]


def test_a_model_name_longer_than_a_name_can_be_is_refused(article, staff):
    response = api(staff).post(f"/api/models/{'m' * 101}/predictions/", "{}",
                               content_type="application/json")
    assert response.status_code == 400
    assert "A model's name" in response.json()["detail"]


# ---- the sentence export --------------------------------------------------------------------


def test_the_sentence_export_adds_each_named_models_label_and_score(article, staff):
    one, two, _ = article.sentences.order_by("position")
    import_predictions(model="a", data=jsonl({"sentence_id": one.pk, "label": "verified",
                                              "score": 0.25}))
    import_predictions(model="b.2", data=jsonl({"sentence_id": one.pk, "label": "unclear"},
                                               {"sentence_id": two.pk, "label": "disputed",
                                                "score": 1}))
    response = api(staff).get("/api/export/sentences/?model=a&model=b.2&format=jsonl")
    assert response.status_code == 200
    rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [(r["model_labels"], r["model_scores"]) for r in rows] == [
        ({"a": "verified", "b.2": "unclear"}, {"a": 0.25, "b.2": None}),
        ({"a": None, "b.2": "disputed"}, {"a": None, "b.2": 1.0}),
        ({"a": None, "b.2": None}, {"a": None, "b.2": None}),
    ]
    csv_text = b"".join(api(staff).get(
        "/api/export/sentences/?model=a&format=csv").streaming_content).decode()
    header, first = csv_text.splitlines()[:2]
    assert header.endswith(",model_labels,model_scores")
    assert first.endswith(',"{""a"": ""verified""}","{""a"": 0.25}"')
    plain = api(staff).get("/api/export/sentences/?format=jsonl")
    assert "model_labels" not in json.loads(b"".join(plain.streaming_content).splitlines()[0])


def test_an_unknown_model_in_an_export_is_a_bad_request(article, staff):
    import_predictions(model="a", data=jsonl({"sentence_id": article.sentences.first().pk,
                                              "label": "verified"}))
    response = api(staff).get("/api/export/sentences/?model=nope")
    assert response.status_code == 400
    assert response.json() == {"model": "unknown model 'nope'; existing: a"}
    annotations = api(staff).get("/api/export/annotations/?model=a")
    assert annotations.status_code == 400


def test_the_export_command_takes_models_too(article, tmp_path):
    import_predictions(model="a", data=jsonl({"sentence_id": article.sentences.first().pk,
                                              "label": "verified", "score": 0.5}))
    out = tmp_path / "s.jsonl"
    call_command("export_dataset", "--kind", "sentences", "--model", "a", "--output", str(out),
                 stdout=StringIO(), stderr=StringIO())
    first = json.loads(out.read_text().splitlines()[0])
    assert (first["model_labels"], first["model_scores"]) == ({"a": "verified"}, {"a": 0.5})
