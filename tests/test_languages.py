"""Article languages: detected when not given, checked when given, followed by the pages,
the exports and the admin."""

import json

import pytest
from django.core.management import CommandError, call_command

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from annotations.importing import InvalidArticle, import_article
from annotations.languages import (
    LanguageChangeRefused,
    UnknownLanguage,
    change_language,
    clean_language,
    detect_language,
)
from annotations.models import Article, ArticleTally, Project
from annotations.segmentation import split_sentences
from tests.factories import api, make_article, make_project
from tests.test_admin_counts import article_form

pytestmark = pytest.mark.django_db

# A few lines of news in each language, as an import would receive them.
NEWS = {
    "en": "The talks in Geneva ended late on Sunday without an agreement on the main "
    "points of the plan. Officials said they would meet again next week.",
    "de": "Die Gespräche in Genf endeten am Sonntag spät ohne eine Einigung über die "
    "wichtigsten Punkte des Plans. Die Delegationen wollen sich nächste Woche wieder treffen.",
    "fr": "Les pourparlers de Genève se sont terminés tard dimanche sans accord sur les "
    "points principaux du plan. Les délégations se retrouveront la semaine prochaine.",
    "es": "Las conversaciones en Ginebra terminaron el domingo por la noche sin un acuerdo "
    "sobre los puntos principales del plan. Las delegaciones volverán a reunirse.",
    "pt": "As negociações em Genebra terminaram no domingo à noite sem um acordo sobre os "
    "pontos principais do plano. As delegações voltarão a se reunir na próxima semana.",
    "ru": "Переговоры в Женеве завершились в воскресенье поздно вечером без соглашения по "
    "основным пунктам плана. Делегации встретятся снова на следующей неделе.",
    "uk": "Переговори в Женеві завершилися в неділю пізно ввечері без згоди щодо основних "
    "пунктів плану. Делегації знову зустрінуться наступного тижня.",
    "ar": "انتهت المحادثات في جنيف في وقت متأخر من يوم الأحد دون التوصل إلى اتفاق بشأن "
    "النقاط الرئيسية للخطة. وقال المسؤولون إنهم سيجتمعون مجددا الأسبوع المقبل.",
    "he": "השיחות בז'נבה הסתיימו מאוחר ביום ראשון ללא הסכמה על הנקודות העיקריות של "
    "התוכנית. הנציגים אמרו שייפגשו שוב בשבוע הבא.",
    "zh": "日内瓦会谈于周日深夜结束，双方未能就计划的主要内容达成协议。"
    "官员表示，他们将于下周再次会面。",
    "ja": "ジュネーブでの協議は日曜日の深夜に終了し、計画の主要な点について合意には至らなかった。"
    "当局者は来週再び会合を開くと述べた。",
}


@pytest.mark.parametrize("code", sorted(NEWS))
def test_the_language_of_a_news_text_is_detected(code):
    assert detect_language(NEWS[code], default="xx") == code


@pytest.mark.parametrize("text", ["OK.", "Breaking news: Kyiv.", "Zelensky — 12:30", "¿Qué?"])
def test_a_text_too_short_to_tell_takes_the_default(text):
    assert detect_language(text, default="de") == "de"


def test_a_text_half_in_one_language_and_half_in_another_takes_the_default():
    mixed = f"{NEWS['en']}\n\n{NEWS['de']}"
    assert detect_language(mixed, default="xx") == "xx"


def test_a_quote_in_another_language_does_not_change_the_articles_language():
    body = "\n\n".join([NEWS["de"]] * 4 + [NEWS["en"]])
    assert detect_language(body, default="xx") == "de"


@pytest.mark.parametrize(
    ("given", "code"),
    [("en", "en"), ("EN", "en"), ("pt-BR", "pt"), ("zh_Hant", "zh"), ("sr-Latn-RS", "sr"),
     (" uk ", "uk"), ("iw", "he")],
)
def test_a_given_language_is_normalised_to_its_iso_639_1_code(given, code):
    assert clean_language(given) == code


@pytest.mark.parametrize("given", ["xx", "english", "e", "eng", "en-", "12", "pt BR"])
def test_an_unknown_language_is_refused_by_name(given):
    with pytest.raises(UnknownLanguage, match=f"language {given!r} is not an ISO 639-1 code"):
        clean_language(given)


def test_an_import_without_a_language_stores_the_detected_one():
    article = import_article(body=NEWS["uk"])
    assert article.article.language == "uk"


def test_an_import_too_short_to_tell_takes_the_projects_default_language():
    project = make_project(default_language="fr")
    assert import_article(body="Macron à Kyiv.", project=project).article.language == "fr"
    assert import_article(body="Zelensky in Paris.").article.language == "en"


def test_a_given_language_wins_over_detection_and_is_normalised():
    article = import_article(body=NEWS["en"], language="pt-BR").article
    assert article.language == "pt"


def test_an_import_with_an_unknown_language_is_refused():
    with pytest.raises(InvalidArticle, match="language 'klingon' is not an ISO 639-1 code"):
        import_article(body=NEWS["en"], language="klingon")
    assert not Article.objects.exists()


def test_the_new_projects_default_language_is_english():
    assert Project.objects.get(slug="default").default_language == "en"
    assert make_project().default_language == "en"


def test_api_import_detects_checks_and_normalises_the_language(staff):
    client = api(staff)
    detected = client.post("/api/articles/", {"body": NEWS["ar"]}, format="json")
    assert detected.status_code == 201
    assert detected.json()["language"] == "ar"
    given = client.post("/api/articles/", {"body": NEWS["en"], "language": "en-GB"}, format="json")
    assert given.status_code == 201
    assert given.json()["language"] == "en"
    wrong = client.post("/api/articles/", {"body": NEWS["fr"], "language": "fra!"}, format="json")
    assert wrong.status_code == 400
    assert "language 'fra!' is not an ISO 639-1 code" in json.dumps(wrong.json())
    assert Article.objects.count() == 2


def test_api_refuses_a_project_default_language_that_is_not_a_code(staff):
    client = api(staff)
    bad = client.post(
        "/api/projects/", {"name": "Desk", "slug": "desk", "default_language": "xx"},
        format="json",
    )
    assert bad.status_code == 400
    assert "default_language" in bad.json()
    good = client.post(
        "/api/projects/", {"name": "Desk", "slug": "desk", "default_language": "uk"},
        format="json",
    )
    assert good.status_code == 201
    assert Project.objects.get(slug="desk").default_language == "uk"


def test_the_import_command_names_the_record_with_an_unknown_language(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps({"body": NEWS["en"]}) + "\n"
        + json.dumps({"body": NEWS["de"], "language": "german"}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"batch.jsonl line 2: language 'german' is not"):
        call_command("import_articles", str(path))
    assert not Article.objects.exists()


def export(client, kind, **params):
    response = client.get(f"/api/export/{kind}/", {"format": "jsonl", **params})
    assert response.status_code == 200, response.content
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


@pytest.mark.parametrize("kind", ["annotations", "sentences"])
def test_exports_carry_the_language_and_filter_on_it(staff, alice, kind):
    arabic = import_article(body=NEWS["ar"]).article
    english = import_article(body=NEWS["en"]).article
    for article in (arabic, english):
        save_annotation(sentence=article.sentences.first(), reviewer=alice, label="verified")
    client = api(staff)
    rows = export(client, kind)
    assert {row["language"] for row in rows} == {"ar", "en"}
    only = export(client, kind, language="ar")
    assert only and {(row["article_id"], row["language"]) for row in only} == {(arabic.pk, "ar")}
    assert export(client, kind, language="AR") == only
    refused = client.get(f"/api/export/{kind}/", {"language": "arabic"})
    assert refused.status_code == 400
    assert "language" in refused.json()


def test_the_export_command_filters_on_the_language(tmp_path):
    import_article(body=NEWS["ar"])
    import_article(body=NEWS["en"])
    out = tmp_path / "ar.jsonl"
    call_command("export_dataset", "--kind", "sentences", "--language", "ar", "--output", str(out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and {row["language"] for row in rows} == {"ar"}
    with pytest.raises(CommandError, match="--language: must be an ISO 639-1 code"):
        call_command("export_dataset", "--kind", "sentences", "--language", "arabic",
                     "--output", str(out))


def test_the_article_page_marks_the_language_and_direction_of_each_sentence(client, alice):
    article = import_article(body=NEWS["ar"]).article
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert 'id="body-text" lang="ar" dir="rtl"' in html
    count = article.sentences.count()
    assert html.count('<span class="sentence" lang="ar" dir="auto"') == count


def test_the_landing_page_filters_by_language(client, alice):
    arabic = import_article(body=NEWS["ar"], title="Geneva (ar)").article
    import_article(body=NEWS["en"], title="Geneva (en)")
    client.force_login(alice)
    html = client.get("/", {"language": "ar"}).content.decode()
    assert arabic.title in html and "Geneva (en)" not in html
    assert '<option value="ar" selected>Arabic (ar)</option>' in html
    assert '<option value="en" >English (en)</option>' in html


# ---- changing the language in the admin ----------------------------------------------------


def test_changing_the_language_in_the_admin_splits_the_article_again(client, staff):
    article = make_article(NEWS["en"])
    old_ids = set(article.sentences.values_list("pk", flat=True))
    client.force_login(staff)
    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/", article_form(article, language="pt-BR")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.language == "pt"
    spans = list(article.sentences.order_by("position").values_list("start", "end"))
    assert spans == split_sentences(article.body, "pt")
    assert not old_ids & set(article.sentences.values_list("pk", flat=True))
    assert ArticleTally.objects.get(article=article).sentences == len(spans)


@pytest.mark.parametrize("mark", ["label", "verdict"])
def test_changing_the_language_of_a_labeled_article_is_refused(client, staff, alice, judy, mark):
    article = make_article(NEWS["en"])
    sentence = article.sentences.first()
    if mark == "label":
        save_annotation(sentence=sentence, reviewer=alice, label="disputed")
    else:
        set_verdict(sentence=sentence, adjudicator=judy, label="disputed", rationale="Wrong date.")
    ids = list(article.sentences.values_list("pk", flat=True))
    client.force_login(staff)
    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/", article_form(article, language="de")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["language"]
    assert "cannot change: its sentences have labels" in errors[0]
    article.refresh_from_db()
    assert article.language == "en"
    assert list(article.sentences.values_list("pk", flat=True)) == ids


def test_the_admin_refuses_an_unknown_language(client, staff):
    article = make_article(NEWS["en"])
    client.force_login(staff)
    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/", article_form(article, language="zz")
    )
    assert response.status_code == 200
    assert "is not an ISO 639-1 code" in response.context["adminform"].form.errors["language"][0]


def test_change_language_refuses_once_a_sentence_has_a_label(alice):
    article = make_article(NEWS["en"])
    save_annotation(sentence=article.sentences.last(), reviewer=alice, label="verified")
    with pytest.raises(LanguageChangeRefused, match="cannot change"):
        change_language(article, "de")
    article.refresh_from_db()
    assert article.language == "en"


def test_claimreview_names_the_claims_language_and_filters_on_it(staff, judy):
    for code in ("ar", "en"):
        sentence = import_article(body=NEWS[code]).article.sentences.first()
        set_verdict(sentence=sentence, adjudicator=judy, label="disputed", rationale="No.")
    client = api(staff)
    response = client.get("/api/export/claimreview/", {"format": "jsonl", "language": "ar"})
    assert response.status_code == 200
    reviews = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [review["itemReviewed"]["inLanguage"] for review in reviews] == ["ar"]
    assert reviews[0]["itemReviewed"]["appearance"]["inLanguage"] == "ar"
