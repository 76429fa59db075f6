"""GET /api/stats/ on a small known dataset."""

import pytest
from rest_framework.test import APIClient

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from tests.factories import api, make_article, make_project

pytestmark = pytest.mark.django_db



@pytest.fixture
def dataset(alice, bob, judy):
    project = make_project("desk", review_target=2)
    article = make_article("One. Two. Three.", project=project, title="Known")
    one, two, three = article.sentences.all()
    for sentence, a, b in ((one, "verified", "verified"), (two, "verified", "disputed")):
        save_annotation(sentence=sentence, reviewer=alice, label=a)
        save_annotation(sentence=sentence, reviewer=bob, label=b)
    save_annotation(sentence=three, reviewer=alice, label="unclear")
    set_verdict(sentence=two, adjudicator=judy, label="disputed")
    make_article("Elsewhere.", project=make_project("other"))
    return article


def test_stats_totals_labels_progress_and_agreement(staff, dataset):
    stats = api(staff).get("/api/stats/", {"project": "desk"}).json()
    assert stats["totals"] == {
        "articles": 1, "sentences": 3, "annotations": 5, "verdicts": 1, "reviewers": 2, "skips": 0,
    }
    assert stats["labels"] == {"verified": 3, "disputed": 1, "unclear": 1}
    assert stats["progress"] == {
        "reviews_done": 5, "reviews_total": 6, "reviews_needed": 1, "percent": 83.3,
    }
    # Two pairable sentences: one agreeing pair, one disagreeing (2 ordered pairs each).
    assert stats["agreement"]["percent"] == 50
    # o: verified-verified 2, verified-disputed 1, disputed-verified 1; n = 4, n_v = 3,
    # n_d = 1: alpha = 1 - (4 - 1) * 2 / (2 * 3 * 1) = 0.
    assert stats["agreement"]["alpha"] == pytest.approx(0.0)
    assert [a["title"] for a in stats["per_article"]] == ["Known"]
    assert [(r["reviewer"], r["annotations"], r["percent"]) for r in stats["per_reviewer"]] == [
        ("alice", 3, 50.0), ("bob", 2, 50.0),
    ]


def test_stats_are_for_staff_only(alice, judy):
    assert api(alice).get("/api/stats/").status_code == 403
    assert api(judy).get("/api/stats/").status_code == 403
    assert APIClient().get("/api/stats/").status_code == 401


def test_stats_filter_by_article(staff, dataset):
    stats = api(staff).get("/api/stats/", {"article": dataset.pk}).json()
    assert stats["totals"]["sentences"] == 3


def test_stats_query_count_is_constant(
    staff, dataset, django_assert_max_num_queries, one_throttle_window
):
    api(staff).get("/api/stats/")  # creates the throttle's counter for this window
    # Two of them count the skips: by reason, and by reviewer.
    with django_assert_max_num_queries(14):
        api(staff).get("/api/stats/")
