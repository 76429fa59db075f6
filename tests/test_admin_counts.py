"""The admin writes counted rows only through the services: label counts and tallies stay
right, and the services' errors are form errors, never a 500."""

import json

import pytest

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from annotations.models import Annotation, Article, ArticleTally, Sentence, Verdict
from tests.factories import make_article, make_project, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_drift")]


@pytest.fixture
def labeled(alice, bob):
    """An article of three sentences; alice and bob labeled the first one."""
    article = make_article()
    first = article.sentences.first()
    save_annotation(sentence=first, reviewer=alice, label="verified")
    save_annotation(sentence=first, reviewer=bob, label="disputed")
    return article


def counts(sentence):
    sentence.refresh_from_db()
    return sentence.verified_count, sentence.disputed_count, sentence.unclear_count


def tally(article):
    article.tally.refresh_from_db()
    t = article.tally
    return t.sentences, t.verified, t.disputed, t.unclear, t.reviews_done, t.pairs


def change_url(annotation):
    return f"/admin/annotations/annotation/{annotation.pk}/change/"


def edit(annotation, **changes):
    """The change form as the admin's page posts it, with `changes` applied (sentence and
    reviewer too, as a page that let them be changed did)."""
    return {
        "sentence": annotation.sentence_id, "reviewer": annotation.reviewer_id,
        "label": annotation.label, "note": annotation.note, "evidence": "[]",
        "seen_version": annotation.version, **changes,
    }


def test_sentences_cannot_be_deleted_or_changed_in_the_admin(client, staff, labeled):
    """Sentences must cover the body: deleting one would also leave its article's tally
    counting it."""
    sentence = labeled.sentences.first()
    client.force_login(staff)
    url = f"/admin/annotations/sentence/{sentence.pk}/"
    assert client.get(url + "delete/").status_code == 403
    assert client.post(url + "delete/", {"post": "yes"}).status_code == 403
    response = client.post("/admin/annotations/sentence/", {
        "action": "delete_selected", "_selected_action": [sentence.pk], "post": "yes",
    })
    assert response.status_code == 200  # "no action selected": the action is not offered
    page = client.get(url + "change/").content.decode()
    assert 'name="_save"' not in page and 'class="deletelink"' not in page  # a view page
    assert Sentence.objects.filter(pk=sentence.pk).exists()
    assert tally(labeled) == (3, 1, 1, 0, 2, 2)


def test_the_reviewer_and_sentence_of_an_annotation_cannot_be_changed(client, staff, labeled,
                                                                       alice, bob):
    annotation = Annotation.objects.get(reviewer=alice)
    other = labeled.sentences.last()
    carl = make_user("carl", role="reviewer")
    client.force_login(staff)
    response = client.post(change_url(annotation), {
        **edit(annotation, label="unclear"), "reviewer": carl.pk, "sentence": other.pk,
    })
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.reviewer, annotation.sentence_id) == (alice, labeled.sentences.first().pk)
    assert Annotation.objects.count() == 2
    assert counts(annotation.sentence) == (0, 1, 1)
    assert counts(other) == (0, 0, 0)
    assert tally(labeled) == (3, 0, 1, 1, 2, 2)


def test_a_change_in_the_admin_goes_through_the_service(client, staff, labeled, alice):
    annotation = Annotation.objects.get(reviewer=alice)
    client.force_login(staff)
    response = client.post(change_url(annotation), edit(
        annotation, label="disputed", note="checked", evidence='["https://example.org/a"]',
    ))
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.label, annotation.note, annotation.evidence, annotation.version) == (
        "disputed", "checked", ["https://example.org/a"], 2,
    )
    assert Annotation.history.filter(id=annotation.pk).latest().history_user == staff
    assert tally(labeled) == (3, 0, 2, 0, 2, 2)


@pytest.mark.parametrize("evidence, message", [
    ('["javascript:alert(1)"]', "must start with http(s)://"),
    ('{"a": 1}', "evidence must be a list of links"),
    (json.dumps([f"https://example.org/{i}" for i in range(21)]), "at most 20 evidence links"),
])
def test_invalid_evidence_in_the_admin_is_a_form_error(client, staff, labeled, alice, evidence,
                                                      message):
    annotation = Annotation.objects.get(reviewer=alice)
    client.force_login(staff)
    response = client.post(change_url(annotation), edit(annotation, evidence=evidence))
    assert response.status_code == 200
    assert message in response.content.decode()
    annotation.refresh_from_db()
    assert (annotation.evidence, annotation.version) == ([], 1)

    sentence = labeled.sentences.last()
    response = client.post("/admin/annotations/annotation/add/", {
        "sentence": sentence.pk, "reviewer": alice.pk, "label": "verified", "note": "",
        "evidence": evidence,
    })
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not sentence.annotations.exists()
    assert counts(sentence) == (0, 0, 0)


def test_a_change_made_elsewhere_meanwhile_is_a_form_error(client, staff, labeled, alice):
    annotation = Annotation.objects.get(reviewer=alice)
    client.force_login(staff)
    form = edit(annotation, label="unclear")  # the page as the admin opened it
    save_annotation(sentence=annotation.sentence, reviewer=alice, label="disputed", version=1)
    response = client.post(change_url(annotation), form)
    assert response.status_code == 200
    assert "changed elsewhere" in response.content.decode()
    annotation.refresh_from_db()
    assert (annotation.label, annotation.version) == ("disputed", 2)
    assert counts(annotation.sentence) == (0, 2, 0)


def test_adding_a_second_annotation_for_a_reviewer_is_a_form_error(client, staff, labeled, alice):
    sentence = labeled.sentences.first()
    client.force_login(staff)
    response = client.post("/admin/annotations/annotation/add/", {
        "sentence": sentence.pk, "reviewer": alice.pk, "label": "unclear", "note": "",
        "evidence": "[]",
    })
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Annotation.objects.count() == 2
    assert counts(sentence) == (1, 1, 0)


def test_bulk_delete_of_annotations_goes_through_the_service(client, staff, labeled, alice):
    client.force_login(staff)
    response = client.post("/admin/annotations/annotation/", {
        "action": "delete_selected", "post": "yes",
        "_selected_action": list(Annotation.objects.values_list("pk", flat=True)),
    })
    assert response.status_code == 302
    assert not Annotation.objects.exists()
    assert counts(labeled.sentences.first()) == (0, 0, 0)
    assert tally(labeled) == (3, 0, 0, 0, 0, 0)


def test_history_is_shown_but_cannot_revert_an_annotation(client, staff, labeled, alice):
    """A revert would save an old row behind the services: its version and counts."""
    annotation = Annotation.objects.get(reviewer=alice)
    save_annotation(sentence=annotation.sentence, reviewer=alice, label="unclear")
    first = Annotation.history.filter(id=annotation.pk).earliest()
    client.force_login(staff)
    assert client.get(change_url(annotation).replace("change/", "history/")).status_code == 200
    url = change_url(annotation).replace("change/", f"history/{first.history_id}/")
    assert client.get(url).status_code == 200
    response = client.post(url, edit(annotation, label="verified"))
    assert response.status_code == 403
    annotation.refresh_from_db()
    assert (annotation.label, annotation.version) == ("unclear", 2)
    assert counts(annotation.sentence) == (0, 1, 1)


def test_a_change_saved_in_the_same_instant_rolls_back_with_a_message(client, staff, labeled,
                                                                      alice, monkeypatch):
    """The form's checks passed, then another tab saved first: the service refuses."""
    import annotations.admin

    annotation = Annotation.objects.get(reviewer=alice)
    real = annotations.admin.save_annotation

    def racing(**kwargs):
        real(sentence=annotation.sentence, reviewer=alice, label="disputed")
        return real(**kwargs)

    monkeypatch.setattr(annotations.admin, "save_annotation", racing)
    client.force_login(staff)
    response = client.post(change_url(annotation), edit(annotation, label="unclear"),
                           follow=True)
    assert response.redirect_chain == [(change_url(annotation), 302)]
    assert "Nothing was saved: this annotation was changed elsewhere" in (
        response.content.decode()
    )
    annotation.refresh_from_db()
    assert (annotation.label, annotation.version) == ("verified", 1)  # all rolled back
    assert counts(annotation.sentence) == (1, 1, 0)


def test_deleting_an_article_in_the_admin_takes_its_sentences_and_tally(client, staff, labeled):
    client.force_login(staff)
    url = f"/admin/annotations/article/{labeled.pk}/delete/"
    assert "permission" not in client.get(url).content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Sentence.objects.exists() and not Annotation.objects.exists()
    assert not ArticleTally.objects.exists()


def article_form(article, **changes):
    """The article's change page as posted, with `changes` (its read-only sentences too)."""
    sentences = list(article.sentences.values_list("pk", flat=True))
    form = {
        "project": article.project_id, "title": article.title, "source": "", "url": "",
        "language": article.language, "review_target": article.review_target or "",
        "sentences-TOTAL_FORMS": len(sentences), "sentences-INITIAL_FORMS": len(sentences),
        "sentences-MIN_NUM_FORMS": 0, "sentences-MAX_NUM_FORMS": 1000,
    }
    for i, pk in enumerate(sentences):
        form |= {f"sentences-{i}-id": pk, f"sentences-{i}-article": article.pk}
    return form | changes


@pytest.fixture
def crowded(alice, bob, judy):
    """Three labels on the first sentence of an article in a project with a target of 3."""
    article = make_article(project=make_project("three", review_target=3))
    first = article.sentences.first()
    for reviewer in (alice, bob, judy):
        save_annotation(sentence=first, reviewer=reviewer, label="verified")
    return article


def reviews_done(article):
    return ArticleTally.objects.get(article=article).reviews_done


def test_a_project_review_target_changed_in_the_admin_rebuilds_its_tallies(client, staff,
                                                                          crowded):
    project = crowded.project
    client.force_login(staff)
    response = client.post(f"/admin/annotations/project/{project.pk}/change/", {
        "name": project.name, "slug": project.slug, "description": "", "review_target": 1,
        "default_language": "en",
    })
    assert response.status_code == 302
    assert reviews_done(crowded) == 1


def test_an_article_review_target_changed_in_the_admin_rebuilds_its_tally(client, staff,
                                                                         crowded):
    client.force_login(staff)
    url = f"/admin/annotations/article/{crowded.pk}/change/"
    assert client.post(url, article_form(crowded, review_target=2)).status_code == 302
    assert reviews_done(crowded) == 2
    assert client.post(url, article_form(crowded, review_target="")).status_code == 302
    assert reviews_done(crowded) == 3  # the project's again


def test_moving_an_article_to_a_project_with_another_target_rebuilds_its_tally(client, staff,
                                                                             crowded):
    client.force_login(staff)
    other = make_project("two", review_target=2)
    url = f"/admin/annotations/article/{crowded.pk}/change/"
    assert client.post(url, article_form(crowded, project=other.pk)).status_code == 302
    assert reviews_done(crowded) == 2


def test_moving_an_article_where_its_text_already_is_is_a_form_error(client, staff, crowded):
    client.force_login(staff)
    other = make_project("two")
    make_article(crowded.body, project=other)
    url = f"/admin/annotations/article/{crowded.pk}/change/"
    response = client.post(url, article_form(crowded, project=other.pk))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    crowded.refresh_from_db()
    assert crowded.project.slug == "three"


@pytest.mark.parametrize("query", [
    "reviewer=abc", "reviewer=1.5", "reviewer=-1", "reviewer=99999999999999999999",
    "reviewer=%ED%A0%80", "reviewer=", "label=maybe", "label=",
])
def test_a_filter_value_that_names_nothing_gives_an_empty_article_list(client, staff, labeled,
                                                                      query):
    client.force_login(staff)
    response = client.get(f"/admin/annotations/article/?{query}")
    assert response.status_code == 200
    assert response.content.decode().count('class="field-progress"') == 0


def test_the_article_list_filters_by_reviewer_and_label(client, staff, labeled, alice):
    make_article(title="Untouched")
    client.force_login(staff)
    for query in ({"reviewer": alice.pk}, {"label": "disputed"}, {}):
        html = client.get("/admin/annotations/article/", query).content.decode()
        assert html.count('class="field-progress"') == (2 if not query else 1)
    nobody = make_user("nobody")  # labeled nothing
    html = client.get("/admin/annotations/article/", {"reviewer": nobody.pk}).content.decode()
    assert html.count('class="field-progress"') == 0


@pytest.mark.parametrize("query", [
    "project__id__exact=abc", "published_at__gte=garbage", "created_at__year=abc",
    "created_at__year=2026&created_at__month=13",
])
def test_django_filters_given_bad_values_show_the_whole_list_marked_invalid(client, staff,
                                                                           labeled, query):
    client.force_login(staff)
    response = client.get(f"/admin/annotations/article/?{query}")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.url == "/admin/annotations/article/?e=1"


def test_adding_an_article_in_the_admin_goes_to_the_import_page(client, staff):
    """The add form would store an article without a body, sentences or content hash."""
    project = make_project("one")
    client.force_login(staff)
    response = client.post("/admin/annotations/article/add/", {
        "project": project.pk, "title": "Empty", "language": "en",
        "sentences-TOTAL_FORMS": 0, "sentences-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302
    assert response.url == "/admin/annotations/article/import/"
    assert not Article.objects.exists()


# ---- verdicts: each article's tally counts them ----------------------------------------------


def verdicts(article):
    return ArticleTally.objects.get(article=article).verdicts


def test_verdicts_added_changed_and_deleted_in_the_admin_are_counted(client, staff, labeled,
                                                                     judy):
    first, second = labeled.sentences.all()[:2]
    client.force_login(staff)
    for sentence in (first, second):
        response = client.post("/admin/annotations/verdict/add/", {
            "sentence": sentence.pk, "label": "disputed", "rationale": "No.",
            "decided_by": judy.pk,
        })
        assert response.status_code == 302
    assert verdicts(labeled) == 2
    verdict = Verdict.objects.get(sentence=first)
    response = client.post(f"/admin/annotations/verdict/{verdict.pk}/change/", {
        "sentence": second.pk, "label": "verified", "rationale": "Yes.", "decided_by": judy.pk,
    })
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert (verdict.sentence_id, verdict.label) == (first.pk, "verified")  # stays put
    assert verdicts(labeled) == 2
    response = client.post(f"/admin/annotations/verdict/{verdict.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert verdicts(labeled) == 1
    removed = Verdict.history.filter(id=verdict.pk).latest("history_date")
    assert (removed.history_type, removed.history_user) == ("-", staff)


def test_bulk_delete_of_verdicts_goes_through_the_service(client, staff, labeled, judy):
    for sentence in labeled.sentences.all():
        set_verdict(sentence=sentence, adjudicator=judy, label="unclear")
    assert verdicts(labeled) == 3
    client.force_login(staff)
    response = client.post("/admin/annotations/verdict/", {
        "action": "delete_selected", "post": "yes",
        "_selected_action": list(Verdict.objects.values_list("pk", flat=True)),
    })
    assert response.status_code == 302
    assert not Verdict.objects.exists() and verdicts(labeled) == 0


def test_a_long_rationale_in_the_admin_is_a_form_error(client, staff, labeled, judy):
    client.force_login(staff)
    response = client.post("/admin/annotations/verdict/add/", {
        "sentence": labeled.sentences.first().pk, "label": "disputed",
        "rationale": "x" * 10_001, "decided_by": judy.pk,
    })
    assert response.status_code == 200
    assert "At most 10,000 characters (10,001 given)." in response.content.decode()
    assert not Verdict.objects.exists()
