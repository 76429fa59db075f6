import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from annotations.annotating import save_annotation
from annotations.models import Article
from annotations.skipping import skip_sentence
from tests.factories import PASSWORD, api, make_article, make_project

pytestmark = pytest.mark.django_db



def test_anonymous_gets_401():
    assert api().get("/api/articles/").status_code == 401


def test_user_without_a_role_gets_403(outsider):
    assert api(outsider).get("/api/articles/").status_code == 403


def test_article_list_shows_progress_for_the_caller(alice, bob):
    article = make_article(project=make_project(review_target=2))  # three sentences
    first, second, _ = article.sentences.all()
    save_annotation(sentence=first, reviewer=alice, label="verified")
    save_annotation(sentence=first, reviewer=bob, label="disputed")
    save_annotation(sentence=second, reviewer=bob, label="unclear")

    [row] = api(alice).get("/api/articles/", {"project": article.project.slug}).json()["results"]

    assert row["sentence_count"] == 3
    assert row["labeled_by_me"] == 1
    assert row["review_target"] == 2
    assert row["reviews_done"] == 3
    assert row["reviews_needed"] == 3


def test_labels_beyond_the_target_do_not_count(alice, bob, judy):
    article = make_article(project=make_project(review_target=1))
    sentence = article.sentences.first()
    for user in (alice, bob, judy):
        save_annotation(sentence=sentence, reviewer=user, label="verified")
    [row] = api(alice).get("/api/articles/", {"project": article.project.slug}).json()["results"]
    assert (row["reviews_done"], row["reviews_needed"]) == (1, 2)


def test_article_list_runs_in_a_constant_number_of_queries(
    alice, django_assert_num_queries, one_throttle_window
):
    for _ in range(5):
        make_article()
    api(alice).get("/api/articles/")  # a first request, as in a session under way
    alice = User.objects.get(pk=alice.pk)  # as a new request would, reads her groups
    # session user's groups, count for pagination, the page of articles (the throttle adds
    # to the shared counter once every 1% of its rate: not within these few requests)
    with django_assert_num_queries(3):
        response = api(alice).get("/api/articles/")
    assert response.json()["count"] == 5


def test_members_only_project_is_hidden_from_other_reviewers(alice, bob):
    article = make_article(project=make_project(members=[alice]))
    assert api(bob).get("/api/articles/").json()["count"] == 0
    assert api(bob).get(f"/api/articles/{article.pk}/").status_code == 404
    assert api(alice).get(f"/api/articles/{article.pk}/").status_code == 200


def test_article_detail_has_sentences_with_offsets_and_my_label_only(alice, bob):
    article = make_article(body="First claim. Second claim.")
    first = article.sentences.first()
    save_annotation(sentence=first, reviewer=bob, label="disputed", note="bob's")

    data = api(alice).get(f"/api/articles/{article.pk}/").json()

    assert [(s["text"], s["start"], s["end"]) for s in data["sentences"]] == [
        ("First claim.", 0, 12),
        ("Second claim.", 13, 26),
    ]
    assert data["sentences"][0]["my_annotation"] is None
    assert "bob's" not in str(data)


def test_article_detail_query_count_does_not_grow_with_sentences(
    alice, django_assert_num_queries, one_throttle_window
):
    article = make_article(body=" ".join(f"Sentence number {i} is here." for i in range(300)))
    for sentence in article.sentences.all()[:100]:
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
    for sentence in article.sentences.all()[100:150]:
        skip_sentence(sentence_id=sentence.pk, reviewer=alice)
    api(alice).get("/api/articles/")  # a first request, as in a session under way
    alice = User.objects.get(pk=alice.pk)  # as a new request would, reads her groups
    # groups, the article with progress, its sentences, alice's labels and skips on them
    # (the throttle adds to the shared counter once every 1% of its rate)
    with django_assert_num_queries(5):
        data = api(alice).get(f"/api/articles/{article.pk}/").json()
    assert len(data["sentences"]) == 300
    assert data["labeled_by_me"] == 100
    assert data["skipped_by_me"] == 50
    assert data["sentences"][100]["my_skip"]["reason"] == ""
    assert data["sentences"][99]["my_skip"] is None


class TestImportThroughTheApi:
    def test_staff_import_returns_201_with_sentences(self, staff):
        response = api(staff).post(
            "/api/articles/", {"body": "One. Two.", "title": "T"}, format="json"
        )
        assert response.status_code == 201
        assert [s["text"] for s in response.json()["sentences"]] == ["One.", "Two."]
        assert Article.objects.get().imported_by == staff

    def test_same_body_again_returns_200_with_the_same_article(self, staff):
        first = api(staff).post("/api/articles/", {"body": "One. Two."}, format="json")
        again = api(staff).post("/api/articles/", {"body": "One. Two."}, format="json")
        assert again.status_code == 200
        assert again.json()["id"] == first.json()["id"]

    def test_reviewer_cannot_import(self, alice):
        response = api(alice).post("/api/articles/", {"body": "One."}, format="json")
        assert response.status_code == 403
        assert not Article.objects.exists()

    @pytest.mark.parametrize(
        ("payload", "field_or_message"),
        [
            ({"body": "x", "project": "nope"}, "unknown project 'nope'"),
            ({"body": "   "}, "body is missing or empty"),
            ({"body": "x", "url": "data:text/html,hi"}, "url must be an http(s) address"),
            ({"body": "x", "colour": "red"}, "colour"),
            ({"title": "no body"}, "body"),
        ],
    )
    def test_bad_import_is_a_400_naming_the_problem(self, staff, payload, field_or_message):
        response = api(staff).post("/api/articles/", payload, format="json")
        assert response.status_code == 400
        assert field_or_message in str(response.json())
        assert not Article.objects.exists()

    def test_too_large_article_is_a_413(self, staff, settings):
        settings.ARTICLE_MAX_BYTES = 10
        response = api(staff).post("/api/articles/", {"body": "x" * 11}, format="json")
        assert response.status_code == 413
        assert "limit is 10" in response.json()["detail"]


def test_token_for_username_and_password(alice):
    response = api().post("/api/token/", {"username": "alice", "password": PASSWORD})
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/articles/").status_code == 200


def test_projects_list_with_progress_and_staff_creates(alice, staff):
    make_article(project=make_project("desk", review_target=3))
    rows = {p["slug"]: p for p in api(alice).get("/api/projects/").json()["results"]}
    assert rows["desk"]["sentence_count"] == 3
    assert rows["desk"]["reviews_needed"] == 9
    assert api(alice).post("/api/projects/", {"name": "X", "slug": "x"}).status_code == 403
    created = api(staff).post("/api/projects/", {"name": "New desk", "slug": "new-desk"})
    assert created.status_code == 201
    assert created.json()["review_target"] == 2
