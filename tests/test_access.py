"""The rules of `annotations.access`: what each kind of user sees of projects, sentences,
annotations and the other reviewers' labels. Pages and API call these functions; the
permission matrix checks the doors."""

import pytest

from annotations.access import (
    others_labels,
    visible_annotations,
    visible_sentences,
)
from annotations.annotating import save_annotation
from tests.factories import make_article, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(alice, bob):
    """An open article (its project shows the counts after labeling) and one of a project
    only bob belongs to, labeled by both."""
    open_article = make_article(
        "Open one. Open two.", project=make_project("open", show_counts_after_labeling=True)
    )
    closed_article = make_article("Closed one.", project=make_project("bobs", members=[bob]))
    first, second = open_article.sentences.all()
    closed = closed_article.sentences.get()
    save_annotation(sentence=first, reviewer=alice, label="verified")
    save_annotation(sentence=first, reviewer=bob, label="disputed", note="bob's note")
    save_annotation(sentence=second, reviewer=bob, label="disputed")
    save_annotation(sentence=closed, reviewer=bob, label="unclear")
    return {"open": open_article, "first": first, "second": second, "closed": closed}


def test_reviewer_sees_the_sentences_of_the_projects_open_to_them(desk, alice, bob):
    assert desk["closed"] not in visible_sentences(alice)
    assert set(visible_sentences(bob)) == {desk["first"], desk["second"], desk["closed"]}


def test_user_without_a_role_sees_no_sentence(desk, outsider):
    assert not visible_sentences(outsider).exists()


def test_reviewer_sees_only_their_own_annotations(desk, alice, bob):
    assert {a.reviewer for a in visible_annotations(alice)} == {alice}
    assert visible_annotations(bob).count() == 3


def test_adjudicator_sees_every_annotation(desk, judy):
    assert visible_annotations(judy).count() == 4


def test_reviewer_sees_counts_only_on_sentences_they_labeled(desk, alice):
    assert others_labels(alice, desk["open"]) == {
        desk["first"].pk: {"verified": 0, "disputed": 1, "unclear": 0}
    }


def test_adjudicator_sees_who_gave_which_label(desk, judy):
    assert others_labels(judy, desk["open"])[desk["first"].pk] == [
        {"reviewer": "alice", "label": "verified", "note": "", "evidence": []},
        {"reviewer": "bob", "label": "disputed", "note": "bob's note", "evidence": []},
    ]
