"""The caller's own annotation: upsert, versioned conflicts, deletion, and privacy."""

import pytest

from annotations.annotating import save_annotation
from annotations.models import Annotation
from tests.factories import api, make_article, make_project

pytestmark = pytest.mark.django_db



@pytest.fixture
def sentence():
    return make_article().sentences.first()


def url(sentence):
    return f"/api/sentences/{sentence.pk}/annotation/"


def test_reviewer_creates_then_updates_their_annotation(alice, sentence):
    created = api(alice).put(
        url(sentence),
        {"label": "disputed", "note": "Figures differ.", "evidence": ["https://example.org/a"]},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["version"] == 1

    updated = api(alice).put(url(sentence), {"label": "verified", "version": 1}, format="json")
    assert updated.status_code == 200
    assert (updated.json()["label"], updated.json()["version"]) == ("verified", 2)
    assert Annotation.objects.get().note == ""


def test_stale_version_is_a_409_with_the_current_annotation(alice, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    save_annotation(sentence=sentence, reviewer=alice, label="disputed", version=1)

    response = api(alice).put(url(sentence), {"label": "unclear", "version": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["current"]["label"] == "disputed"
    assert response.json()["current"]["version"] == 2
    assert Annotation.objects.get().label == "disputed"


def test_creating_with_version_0_when_one_exists_is_a_409(alice, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    response = api(alice).put(url(sentence), {"label": "unclear", "version": 0}, format="json")
    assert response.status_code == 409


def test_updating_a_deleted_annotation_is_a_409(alice, sentence):
    response = api(alice).put(url(sentence), {"label": "unclear", "version": 3}, format="json")
    assert response.status_code == 409
    assert response.json()["current"] is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"label": "true"}, "label"),
        ({}, "label"),
        ({"label": "verified", "evidence": ["javascript:alert(1)"]}, "must start with http(s)://"),
        ({"label": "verified", "evidence": ["data:text/html,x"]}, "must start with http(s)://"),
        ({"label": "verified", "evidence": "https://example.org"}, "evidence"),
        ({"label": "verified", "evidence": [f"https://e.org/{n}" for n in range(21)]}, "at most"),
        ({"label": "verified", "note": "x" * 10_001}, "note"),
        ({"label": "verified", "reviewer": "bob"}, "unknown field"),
    ],
)
def test_bad_annotation_is_a_400_and_nothing_is_stored(alice, sentence, payload, message):
    response = api(alice).put(url(sentence), payload, format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Annotation.objects.exists()


def test_reviewer_deletes_their_annotation(alice, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    assert api(alice).delete(url(sentence) + "?version=2").status_code == 409
    assert api(alice).delete(url(sentence) + "?version=1").status_code == 204
    assert api(alice).delete(url(sentence)).status_code == 404
    assert not Annotation.objects.exists()


class TestPrivacy:
    """A reviewer never reads or changes another reviewer's work, through any URL."""

    def test_put_only_ever_touches_the_callers_own_annotation(self, alice, bob, sentence):
        save_annotation(sentence=sentence, reviewer=bob, label="verified", note="bob's")
        api(alice).put(url(sentence), {"label": "disputed"}, format="json")
        bobs = Annotation.objects.get(reviewer=bob)
        assert (bobs.label, bobs.note, bobs.version) == ("verified", "bob's", 1)

    def test_delete_only_ever_touches_the_callers_own_annotation(self, alice, bob, sentence):
        save_annotation(sentence=sentence, reviewer=bob, label="verified")
        assert api(alice).delete(url(sentence)).status_code == 404
        assert Annotation.objects.filter(reviewer=bob).exists()

    def test_get_shows_only_the_callers_own_annotation(self, alice, bob, sentence):
        save_annotation(sentence=sentence, reviewer=bob, label="verified")
        assert api(alice).get(url(sentence)).status_code == 404
        assert api(bob).get(url(sentence)).json()["label"] == "verified"

    def test_annotation_list_shows_reviewers_their_own_only(self, alice, bob, sentence):
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
        save_annotation(sentence=sentence, reviewer=bob, label="disputed")
        rows = api(alice).get("/api/annotations/", {"reviewer": "bob"}).json()["results"]
        assert rows == []
        rows = api(alice).get("/api/annotations/").json()["results"]
        assert [r["reviewer"] for r in rows] == ["alice"]

    def test_adjudicator_lists_everyones_annotations(self, alice, bob, judy, sentence):
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
        save_annotation(sentence=sentence, reviewer=bob, label="disputed")
        rows = api(judy).get("/api/annotations/", {"label": "disputed"}).json()["results"]
        assert [(r["reviewer"], r["label"]) for r in rows] == [("bob", "disputed")]

    def test_sentence_of_a_members_only_project_is_out_of_reach(self, alice, bob):
        sentence = make_article(project=make_project(members=[bob])).sentences.first()
        response = api(alice).put(url(sentence), {"label": "verified"}, format="json")
        assert response.status_code == 404
        assert api(alice).get(url(sentence)).status_code == 404
        assert not Annotation.objects.exists()

    def test_user_without_a_role_cannot_label(self, outsider, sentence):
        response = api(outsider).put(url(sentence), {"label": "verified"}, format="json")
        assert response.status_code == 403


def test_annotation_history_records_who_changed_what(alice, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    save_annotation(sentence=sentence, reviewer=alice, label="disputed", note="no", version=1)
    rows = Annotation.history.order_by("history_date").values_list("label", "note", "version")
    assert list(rows) == [("verified", "", 1), ("disputed", "no", 2)]


LINK = "https://example.org/a"


@pytest.mark.parametrize(
    "payload",
    [
        {"label": "verified"},
        {"label": "disputed", "note": "Figures differ.", "evidence": [LINK], "version": 3},
        {"label": "unclear", "note": "", "evidence": [], "version": None},
        {"label": "verified", "version": 0},
        {"label": "verified", "evidence": [f"  {LINK}\t"]},  # links are trimmed
        {"label": "verified", "note": "  kept as written  "},
        {"label": "verified", "note": "x" * 10_000, "evidence": [LINK] * 20},
        {"label": "verified", "evidence": ["x" * 2000]},
        {"label": "verified", "claim_start": 3, "claim_end": 9},
        {"label": "verified", "claim_start": None, "claim_end": None},
        {"label": "verified", "claim_start": 3},  # the save refuses it, as on either path
        {"label": "verified", "claim_start": 0, "claim_end": 2**31 - 1},
        # Each of these goes through the serializer, for its answer or its error.
        {"label": "verified", "claim_start": -1, "claim_end": 9},
        {"label": "verified", "claim_start": 3, "claim_end": 2**31},
        {"label": "verified", "claim_start": True, "claim_end": 9},
        {"label": "verified", "claim_start": "3", "claim_end": 9},
        {"label": "verified", "claim_start": 3.0, "claim_end": 9},
        {"label": "verified", "evidence": ["x" * 1999 + "  "]},
        {"label": "verified", "evidence": ["x" * 2001]},
        {"label": "verified", "evidence": [" "]},
        {"label": "verified", "evidence": [""]},
        {"label": "verified", "evidence": [7]},
        {"label": "verified", "evidence": [None]},
        {"label": "verified", "evidence": None},
        {"label": "verified", "evidence": LINK},
        {"label": "verified", "evidence": [LINK] * 21},
        {"label": "verified", "evidence": ["a\x00b"]},
        {"label": "verified", "note": "a\x00b"},
        {"label": "verified", "note": "\ud800"},
        {"label": "verified", "note": None},
        {"label": "verified", "note": 12},
        {"label": "verified", "note": "x" * 10_001},
        {"label": "verified", "version": -1},
        {"label": "verified", "version": True},
        {"label": "verified", "version": "4"},
        {"label": "verified", "version": 4.0},
        {"label": "verified", "version": 4.5},
        {"label": "verified", "reviewer": "bob"},
        {"label": "Verified"},
        {"label": ["verified"]},
        {"label": None},
        {"label": ""},
        {"note": "no label"},
        {},
        [],
        "verified",
        None,
    ],
)
def test_the_usual_annotation_input_is_read_as_the_serializer_reads_it(payload):
    """`annotation_input` takes a well-formed body without the serializer; whatever the
    body, its answer or its error is the serializer's."""
    from rest_framework.exceptions import ValidationError

    from annotations.api.serializers import AnnotationInputSerializer, annotation_input

    def answer(read):
        try:
            return "valid", dict(read())
        except ValidationError as error:
            return "invalid", error.detail

    def serializer():
        data = AnnotationInputSerializer(data=payload)
        data.is_valid(raise_exception=True)
        return data.validated_data

    assert answer(lambda: annotation_input(payload)) == answer(serializer)
