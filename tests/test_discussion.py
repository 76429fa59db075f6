"""Each sentence's discussion: who may read and write it (blind labeling holds), what a
comment may be, its history, the landing page's new replies, the pages that show it."""

import pytest

from annotations.annotating import delete_annotation, save_annotation
from annotations.discussing import add_comment, new_replies
from annotations.models import COMMENT_MAX_LENGTH, Comment
from tests.factories import api, make_article, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def sentence():
    return make_article().sentences.first()


def url(sentence):
    return f"/api/sentences/{sentence.pk}/comments/"


def test_a_reviewer_who_has_not_labeled_the_sentence_sees_no_discussion(alice, bob, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="disputed")
    add_comment(sentence=sentence, author=alice, text="The figure is from 2019.")
    for answer in (api(bob).get(url(sentence)),
                   api(bob).post(url(sentence), {"text": "Hm?"}, format="json")):
        assert answer.status_code == 403
        assert "Label this sentence first" in answer.json()["detail"]
    assert Comment.objects.count() == 1
    save_annotation(sentence=sentence, reviewer=bob, label="verified")
    assert [c["text"] for c in api(bob).get(url(sentence)).json()["results"]] == [
        "The figure is from 2019."
    ]


def test_removing_ones_label_closes_the_discussion_again(alice, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="disputed")
    assert api(alice).get(url(sentence)).status_code == 200
    delete_annotation(sentence=sentence, reviewer=alice)
    assert api(alice).get(url(sentence)).status_code == 403


def test_reviewers_and_adjudicators_talk_oldest_first(alice, judy, staff, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="unclear")
    first = api(alice).post(url(sentence), {"text": "  Which year is this?  "}, format="json")
    assert first.status_code == 201
    assert first.json()["text"] == "Which year is this?" and first.json()["author"] == "alice"
    # Adjudicators (and staff, who hold every role) answer without labeling.
    assert api(judy).post(url(sentence), {"text": "2019."}, format="json").status_code == 201
    assert api(staff).post(url(sentence), {"text": "Noted."}, format="json").status_code == 201
    answer = api(alice).get(url(sentence)).json()
    assert [(c["author"], c["text"]) for c in answer["results"]] == [
        ("alice", "Which year is this?"), ("judy", "2019."), ("staff", "Noted."),
    ]
    assert answer["count"] == 3


def test_a_members_only_sentence_is_unknown_to_others(alice, judy):
    sentence = make_article(project=make_project(members=[judy])).sentences.first()
    assert api(alice).get(url(sentence)).status_code == 404
    assert api(alice).post(url(sentence), {"text": "x"}, format="json").status_code == 404


@pytest.mark.parametrize(("body", "message"), [
    ({"text": ""}, "may not be blank"),
    ({"text": "   "}, "may not be blank"),
    ({"text": "x" * (COMMENT_MAX_LENGTH + 1)}, "at most 2,000 characters"),
    ({"text": "a\x00b"}, "Null characters are not allowed"),
    ({}, "required"),
    ({"text": ["a"]}, "Not a valid string"),
    ({"text": "ok", "author": "judy"}, "unknown field"),
])
def test_a_bad_comment_is_a_400_and_stores_nothing(judy, sentence, body, message):
    response = api(judy).post(url(sentence), body, format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Comment.objects.exists()


def test_a_comment_of_the_longest_length_is_taken(judy, sentence):
    text = "é" * COMMENT_MAX_LENGTH
    assert api(judy).post(url(sentence), {"text": text}, format="json").status_code == 201


def test_comments_are_kept_in_history(alice, judy, sentence):
    comment = add_comment(sentence=sentence, author=judy, text="A first word.")
    comment.text = "[redacted]"
    comment.save()
    comment.delete()
    assert list(Comment.history.order_by("history_id").values_list("history_type", "text")) == [
        ("+", "A first word."), ("~", "[redacted]"), ("-", "[redacted]"),
    ]


def test_the_landing_page_tells_a_reviewer_of_a_new_reply(client, alice, bob, judy, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="disputed")
    add_comment(sentence=sentence, author=alice, text="Source?")
    assert new_replies(alice) == []  # her own comment is nothing new to her
    add_comment(sentence=sentence, author=judy, text="See the <b>report</b>.")
    add_comment(sentence=sentence, author=judy, text="Page 4.")
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "New replies" in html and "2 new replies" in html
    assert f'href="/articles/{sentence.article_id}/#s-{sentence.pk}"' in html
    assert new_replies(bob) == []  # bob has not labeled it: he is told nothing
    api(alice).get(url(sentence))  # she reads the thread
    assert new_replies(alice) == []
    assert "New replies" not in client.get("/").content.decode()
    add_comment(sentence=sentence, author=judy, text="And page 5.")
    assert [r["count"] for r in new_replies(alice)] == [1]


def test_an_adjudicator_hears_of_replies_where_they_have_spoken(alice, judy, sentence):
    add_comment(sentence=sentence, author=judy, text="Reviewers, which source?")
    save_annotation(sentence=sentence, reviewer=alice, label="unclear")
    add_comment(sentence=sentence, author=alice, text="The ministry's.")
    assert [r["sentence_id"] for r in new_replies(judy)] == [sentence.pk]


def test_the_adjudication_page_shows_the_thread_escaped(client, alice, bob, judy, sentence):
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    save_annotation(sentence=sentence, reviewer=bob, label="disputed")
    add_comment(sentence=sentence, author=alice, text="<script>alert(1)</script> see link")
    client.force_login(judy)
    html = client.get("/adjudicate/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; see link" in html
    assert "<script>alert(1)" not in html


def test_the_admin_lists_comments_and_their_history(client, staff, judy, sentence):
    comment = add_comment(sentence=sentence, author=judy, text="A moderated word.")
    client.force_login(staff)
    assert "A moderated word." in client.get("/admin/annotations/comment/").content.decode()
    history = client.get(f"/admin/annotations/comment/{comment.pk}/history/")
    assert history.status_code == 200
    assert client.get("/admin/annotations/comment/add/").status_code == 403


def test_the_adjudication_page_query_count_stays_constant_with_threads_and_spans(
    client, judy, alice, bob, django_assert_max_num_queries
):
    article = make_article(" ".join(f"Claim {i} here." for i in range(40)))
    for sentence in article.sentences.all():
        save_annotation(sentence=sentence, reviewer=alice, label="verified",
                        claim_start=sentence.start, claim_end=sentence.start + 5)
        save_annotation(sentence=sentence, reviewer=bob, label="disputed")
        add_comment(sentence=sentence, author=alice, text="Why?")
        add_comment(sentence=sentence, author=judy, text="Because.")
    client.force_login(judy)
    # session, user, groups, count, page of sentences, their votes, their comments,
    # agreement, candidates checked before, projects, the user's shortcuts
    with django_assert_max_num_queries(11):
        html = client.get("/adjudicate/").content.decode()
    assert html.count('<mark class="claim" title=') == 25
    assert html.count('class="comment-text"') == 50
