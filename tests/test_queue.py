"""The labeling queue: the sentence that most needs a reviewer, never over-assigned."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.annotating import save_annotation
from annotations.models import Hold
from annotations.queue import HOLD_BATCH, next_sentence
from tests.factories import make_article, make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return make_project("queue", review_target=2)


def long_article(project, sentences=30, name="A"):
    body = " ".join(f"{name} claim {i} is made here." for i in range(sentences))
    return make_article(body, project=project)


def test_queue_starts_with_the_oldest_article_and_its_first_sentence(project, alice):
    old = long_article(project, name="Old")
    long_article(project, name="New")
    sentence = next_sentence(alice)
    assert (sentence.article, sentence.position) == (old, 0)


def test_queue_skips_what_the_reviewer_has_labeled(project, alice):
    article = long_article(project)
    first, second = article.sentences.all()[:2]
    save_annotation(sentence=first, reviewer=alice, label="verified")
    assert next_sentence(alice) == second


def test_three_reviewers_with_a_target_of_two(project):
    """Two reviewers share the first sentences; the third is sent past what they hold."""
    first_article = long_article(project, sentences=10, name="First")
    second_article = long_article(project, sentences=10, name="Second")
    r1, r2, r3 = (make_user(f"q{i}", role="reviewer") for i in range(3))

    one, two, three = next_sentence(r1), next_sentence(r2), next_sentence(r3)

    assert (one.article, one.position) == (first_article, 0)
    assert (two.article, two.position) == (first_article, 0)
    # r1 and r2 hold all ten sentences of the first article: r3 starts on the second.
    assert (three.article, three.position) == (second_article, 0)


def test_a_label_counts_like_a_hold(project, alice, bob, judy):
    article = long_article(project, sentences=3)
    for sentence in article.sentences.all():
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
        save_annotation(sentence=sentence, reviewer=bob, label="verified")
    assert next_sentence(judy) is None


def test_reviewer_continues_where_they_hold_sentences(project, alice, bob):
    article = long_article(project, sentences=HOLD_BATCH + 5)
    first = next_sentence(alice)
    save_annotation(sentence=first, reviewer=alice, label="unclear")
    assert next_sentence(alice) == article.sentences.get(position=1)
    # The window moved on by one: positions 0 to HOLD_BATCH.
    assert Hold.objects.filter(reviewer=alice).count() == HOLD_BATCH + 1


def test_expired_holds_free_their_sentences(project, alice, bob, judy):
    article = long_article(project, sentences=5)
    next_sentence(alice)
    next_sentence(bob)
    assert next_sentence(judy) is None
    Hold.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert next_sentence(judy) == article.sentences.get(position=0)


def test_queue_stays_inside_visible_projects(alice, bob):
    long_article(make_project("bobs", members=[bob]))
    assert next_sentence(alice) is None


def test_queue_api_returns_the_sentence_or_204(project, alice):
    client = APIClient()
    client.force_authenticate(alice)
    article = long_article(project, sentences=2)
    response = client.post("/api/queue/next/")
    assert response.status_code == 200
    first = article.sentences.get(position=0)
    assert response.json() == {
        "article": article.pk, "sentence": first.pk, "position": 0, "text": first.text,
        "url": f"/articles/{article.pk}/#s-{first.pk}",
    }
    for sentence in article.sentences.all():
        save_annotation(sentence=sentence, reviewer=alice, label="verified")
    assert client.post("/api/queue/next/").status_code == 204


def test_continue_button_leads_to_the_queued_sentence(client, project, alice):
    article = long_article(project, sentences=3)
    client.force_login(alice)
    response = client.post("/next/")
    first = article.sentences.get(position=0)
    assert response.url == f"/articles/{article.pk}/#s-{first.pk}"


def test_continue_with_nothing_left_says_so(client, alice):
    client.force_login(alice)
    response = client.post("/next/", follow=True)
    assert b"Nothing left that needs your label" in response.content
