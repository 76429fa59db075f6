"""Verdicts and the adjudication page; what reviewers may not do."""

import re

import pytest

from annotations.adjudicating import clear_verdict, needing_adjudication, set_verdict
from annotations.annotating import save_annotation
from annotations.models import Sentence, Verdict
from tests.factories import api, make_article, make_project

pytestmark = pytest.mark.django_db



@pytest.fixture
def labeled(alice, bob):
    """Four sentences: agreement, disagreement, one 'unclear', and one unlabeled."""
    article = make_article("Agreed one. Split two. Unsure three. Alone four.", title="Case")
    agreed, split, unsure, _ = article.sentences.all()
    save_annotation(sentence=agreed, reviewer=alice, label="verified")
    save_annotation(sentence=agreed, reviewer=bob, label="verified")
    save_annotation(sentence=split, reviewer=alice, label="verified", note="alice's note")
    save_annotation(sentence=split, reviewer=bob, label="disputed",
                    evidence=["https://example.org/proof"])
    save_annotation(sentence=unsure, reviewer=alice, label="unclear")
    return article


def test_disagreements_and_unclear_labels_need_adjudication(labeled):
    texts = needing_adjudication(Sentence.objects.all()).values_list("text", flat=True)
    assert sorted(texts) == ["Split two.", "Unsure three."]


def test_adjudicator_sets_and_replaces_a_verdict(labeled, judy):
    split = labeled.sentences.get(position=1)
    url = f"/api/sentences/{split.pk}/verdict/"
    created = api(judy).put(url, {"label": "disputed", "rationale": "Bob's source."}, format="json")
    assert created.status_code == 201
    assert created.json()["decided_by"] == "judy"
    replaced = api(judy).put(url, {"label": "verified"}, format="json")
    assert replaced.status_code == 200
    assert Verdict.objects.get().label == "verified"
    assert Verdict.history.count() == 2


def test_adjudicator_removes_a_verdict_and_history_keeps_it(labeled, judy):
    split = labeled.sentences.get(position=1)
    url = f"/api/sentences/{split.pk}/verdict/"
    api(judy).put(url, {"label": "disputed", "rationale": "Bob's source."}, format="json")
    assert api(judy).delete(url).status_code == 204
    assert not Verdict.objects.exists()
    removed = Verdict.history.latest("history_date")
    assert (removed.history_type, removed.label, removed.history_user) == ("-", "disputed", judy)
    assert split in needing_adjudication(Sentence.objects.filter(verdict__isnull=True))
    again = api(judy).delete(url)
    assert again.status_code == 404 and again.json() == {"detail": "This sentence has no verdict."}


def test_reviewers_cannot_remove_verdicts(labeled, alice, judy):
    split = labeled.sentences.get(position=1)
    set_verdict(sentence=split, adjudicator=judy, label="disputed")
    assert api(alice).delete(f"/api/sentences/{split.pk}/verdict/").status_code == 403
    assert Verdict.objects.filter(sentence=split).exists()


def test_reviewers_cannot_set_verdicts(labeled, alice):
    split = labeled.sentences.get(position=1)
    response = api(alice).put(f"/api/sentences/{split.pk}/verdict/", {"label": "verified"},
                              format="json")
    assert response.status_code == 403
    assert not Verdict.objects.exists()


def test_bad_verdict_is_a_400(labeled, judy):
    split = labeled.sentences.get(position=1)
    response = api(judy).put(f"/api/sentences/{split.pk}/verdict/", {"label": "true"},
                             format="json")
    assert response.status_code == 400


def test_adjudication_page_lists_exactly_the_disputed_sentences(client, labeled, judy):
    client.force_login(judy)
    html = client.get("/adjudicate/").content.decode()
    assert html.count('class="case card"') == 2
    cases = re.findall(
        r'<blockquote class="case-text" lang="en" dir="auto">(.*?)</blockquote>', html
    )
    assert cases == ["Split two.", "Unsure three."]
    assert "alice&#x27;s note" in html and "https://example.org/proof" in html


def test_adjudication_page_shows_each_sentence_between_its_neighbours(client, labeled, judy):
    client.force_login(judy)
    html = client.get("/adjudicate/").content.decode()
    split_case = html[html.index('<li class="case card"'):html.index("</li>")]
    assert split_case.index("Agreed one.") < split_case.index("Split two.") < split_case.index(
        "Unsure three.")
    assert 'title="The sentence before" lang="en" dir="auto">Agreed one.</p>' in split_case
    assert 'title="The sentence after" lang="en" dir="auto">Unsure three.</p>' in split_case


def test_adjudication_page_counts_the_sentences_left_on_every_page(client, labeled, judy):
    client.force_login(judy)
    assert ">2 sentences left<" in client.get("/adjudicate/").content.decode()
    set_verdict(sentence=labeled.sentences.get(position=1), adjudicator=judy, label="disputed")
    assert ">1 sentence left<" in client.get("/adjudicate/").content.decode()
    # Every case is listed, the decided one too; one is left.
    assert ">1 sentence left<" in client.get("/adjudicate/", {"show": "all"}).content.decode()
    set_verdict(sentence=labeled.sentences.get(position=2), adjudicator=judy, label="unclear")
    assert ">All settled<" in client.get("/adjudicate/", {"show": "all"}).content.decode()


def test_decided_sentences_leave_the_open_list(client, labeled, judy):
    set_verdict(sentence=labeled.sentences.get(position=1), adjudicator=judy, label="disputed")
    client.force_login(judy)
    assert client.get("/adjudicate/").content.decode().count('class="case card"') == 1
    assert client.get("/adjudicate/", {"show": "all"}).content.decode().count(
        'class="case card') == 2


def test_adjudication_page_is_for_adjudicators(client, alice):
    client.force_login(alice)
    response = client.get("/adjudicate/")
    assert response.status_code == 403
    assert b"Adjudicators only" in response.content


def test_adjudication_page_query_count_is_constant(client, judy, alice, bob,
                                                   django_assert_max_num_queries):
    article = make_article(" ".join(f"Claim {i} here." for i in range(40)))
    for sentence in article.sentences.all():
        save_annotation(sentence=sentence, reviewer=alice, label="verified", note="n")
        save_annotation(sentence=sentence, reviewer=bob, label="disputed")
    client.force_login(judy)
    # session, user, groups, count, page of sentences (their neighbours in subqueries), their
    # votes, their discussions, agreement, candidates checked before (their details only
    # when one scores), projects, the user's shortcuts; and with every case listed, the
    # count of those left
    with django_assert_max_num_queries(11):
        html = client.get("/adjudicate/").content.decode()
    assert html.count('class="case card"') == 25
    assert html.count('class="context"') == 49  # the first sentence has none before
    with django_assert_max_num_queries(12):
        html = client.get("/adjudicate/", {"show": "all"}).content.decode()
    assert html.count('class="case card') == 25 and ">40 sentences left<" in html


def test_members_only_sentences_stay_hidden_from_reviewers_verdict_or_not(labeled, bob, judy):
    hidden = make_article("Secret claim.", project=make_project(members=[judy]))
    sentence = hidden.sentences.get()
    assert api(judy).put(f"/api/sentences/{sentence.pk}/verdict/", {"label": "unclear"},
                         format="json").status_code == 201
    assert api(bob).get(f"/api/articles/{hidden.pk}/").status_code == 404


def test_each_article_tally_counts_its_verdicts(labeled, judy, no_drift):
    split, unsure = labeled.sentences.filter(position__in=[1, 2])
    tally = labeled.tally
    set_verdict(sentence=split, adjudicator=judy, label="disputed")
    set_verdict(sentence=unsure, adjudicator=judy, label="unclear")
    set_verdict(sentence=split, adjudicator=judy, label="verified")  # a change: no new one
    tally.refresh_from_db()
    assert tally.verdicts == 2
    assert clear_verdict(sentence=split, adjudicator=judy)
    assert not clear_verdict(sentence=split, adjudicator=judy)
    tally.refresh_from_db()
    assert tally.verdicts == 1
