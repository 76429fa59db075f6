"""Who sees the earlier checks of a claim, through the API and the pages."""

import pytest

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from tests.factories import api, make_article, make_project
from tests.matching_cases import PAIRS, UNRELATED

pytestmark = pytest.mark.django_db

CLAIM, RESTATED = PAIRS[0]


@pytest.fixture
def checked(judy):
    """A checked claim (a verdict) in an open project."""
    sentence = make_article(CLAIM, title="March figures").sentences.get()
    set_verdict(sentence=sentence, adjudicator=judy, label="disputed", rationale="4.4%")
    return sentence


def restating(project=None):
    return make_article(RESTATED, project=project, title="Later").sentences.get()


def matches(user, sentence):
    return api(user).get(f"/api/sentences/{sentence.pk}/matches/")


def test_a_reviewer_sees_the_earlier_checks_once_she_has_labeled(checked, alice):
    sentence = restating()
    before = matches(alice, sentence)
    assert before.status_code == 403
    assert "Label this sentence first" in before.json()["detail"]
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    (found,) = matches(alice, sentence).json()["results"]
    assert (found["sentence_id"], found["verdict"]) == (checked.pk, "disputed")
    assert found["labels"] == {"verified": 0, "disputed": 0, "unclear": 0}
    assert found["url"] == f"/articles/{checked.article_id}/#s-{checked.pk}"


def test_a_project_may_show_the_earlier_checks_before_labeling(checked, alice):
    sentence = restating(make_project(show_matches_before_labeling=True))
    response = matches(alice, sentence)
    assert response.status_code == 200
    assert [m["sentence_id"] for m in response.json()["results"]] == [checked.pk]


def test_adjudicators_and_staff_always_see_them(checked, judy, staff):
    sentence = restating()
    for user in (judy, staff):
        assert [m["sentence_id"] for m in matches(user, sentence).json()["results"]] == [
            checked.pk
        ]


def test_labels_on_a_sentence_not_yet_checked_never_show(alice, bob):
    """Bob's label on the first sentence (one of two needed) is his secret until the
    sentence is checked: no match reveals it."""
    first = make_article(CLAIM).sentences.get()
    save_annotation(sentence=first, reviewer=bob, label="disputed")
    sentence = restating()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    assert matches(alice, sentence).json() == {"results": []}
    assert api(alice).get("/api/checks/", {"q": CLAIM}).status_code == 403


def test_a_check_in_a_project_she_cannot_see_stays_hidden(alice, bob, judy):
    closed = make_project(members=[bob])
    first = make_article(CLAIM, project=closed).sentences.get()
    set_verdict(sentence=first, adjudicator=judy, label="verified")
    sentence = restating()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    save_annotation(sentence=sentence, reviewer=bob, label="verified")
    assert matches(alice, sentence).json() == {"results": []}
    assert [m["sentence_id"] for m in matches(bob, sentence).json()["results"]] == [first.pk]


def test_a_sentence_outside_her_projects_is_not_found(checked, alice, bob):
    sentence = restating(make_project(members=[bob]))
    assert matches(alice, sentence).status_code == 404


def test_reviewers_search_checks_only_where_a_project_shows_them_before(judy, alice):
    shown = make_project(show_matches_before_labeling=True)
    hidden_first = make_article(CLAIM).sentences.get()
    shown_first = make_article(PAIRS[1][0], project=shown).sentences.get()
    for sentence in (hidden_first, shown_first):
        set_verdict(sentence=sentence, adjudicator=judy, label="verified")
    found = api(alice).get("/api/checks/", {"q": "Putin peace plan points"}).json()["results"]
    assert [m["sentence_id"] for m in found] == [shown_first.pk]
    assert api(alice).get("/api/checks/", {"q": RESTATED}).json() == {"results": []}
    found = api(judy).get("/api/checks/", {"q": RESTATED}).json()["results"]
    assert [m["sentence_id"] for m in found] == [hidden_first.pk]


def test_search_answers_at_most_ten_best_first(judy):
    body = " ".join(f"Heathrow cancelled {100 + i} flights on day {i}." for i in range(15))
    for sentence in make_article(body).sentences.all():
        set_verdict(sentence=sentence, adjudicator=judy, label="verified")
    results = api(judy).get("/api/checks/", {"q": "Heathrow"}).json()["results"]
    assert len(results) == 10
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert all(0 < r["score"] <= 1 for r in results)


@pytest.mark.parametrize("params, field", [
    ({}, "q"), ({"q": "ab"}, "q"), ({"q": "x" * 1001}, "q"),
    ({"q": "claim", "language": "x" * 17}, "language"), ({"q": "claim", "project": "a b"}, "project"),
    ({"q": "claim", "other": "1"}, "other"),
])
def test_a_bad_search_is_a_400_that_names_the_field(judy, params, field):
    response = api(judy).get("/api/checks/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_an_unrelated_sentence_has_no_earlier_check(checked, judy):
    sentence = make_article(UNRELATED[1]).sentences.get()
    assert matches(judy, sentence).json() == {"results": []}
