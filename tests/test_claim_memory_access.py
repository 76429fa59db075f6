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
    ({"q": "claim", "language": "x" * 17}, "language"),
    ({"q": "claim", "project": "a b"}, "project"),
    ({"q": "claim", "other": "1"}, "other"),
])
def test_a_bad_search_is_a_400_that_names_the_field(judy, params, field):
    response = api(judy).get("/api/checks/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_an_unrelated_sentence_has_no_earlier_check(checked, judy):
    sentence = make_article(UNRELATED[1]).sentences.get()
    assert matches(judy, sentence).json() == {"results": []}


# ---- pages ------------------------------------------------------------------------------


def test_the_article_panel_asks_for_earlier_checks_after_labeling(client, checked, alice):
    from tests.test_pages import page_data

    article = restating().article
    client.force_login(alice)
    response = client.get(f"/articles/{article.pk}/")
    assert '<h2 id="matches-title">Checked before</h2>' in response.content.decode()
    assert page_data(response)["matches_before"] is False
    shown = restating(make_project(show_matches_before_labeling=True)).article
    assert page_data(client.get(f"/articles/{shown.pk}/"))["matches_before"] is True


def test_the_landing_page_counts_the_sentences_checked_before(client, checked, alice):
    make_article(f"{RESTATED}\n{PAIRS[1][1]}\n{UNRELATED[0]}", title="Later")
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "1 sentence checked before" in html
    assert html.count("checked before</span>") == 1  # the first article had none


def test_the_adjudication_page_lists_earlier_checks(client, checked, judy, alice, bob):
    sentence = restating()
    save_annotation(sentence=sentence, reviewer=alice, label="verified")
    save_annotation(sentence=sentence, reviewer=bob, label="disputed")
    client.force_login(judy)
    html = client.get("/adjudicate/").content.decode()
    assert 'aria-label="Checked before"' in html
    assert "verdict: disputed" in html
    assert f'href="/articles/{checked.article_id}/#s-{checked.pk}"' in html


def test_the_checked_claims_page_finds_a_claim_in_other_words(client, checked, judy):
    client.force_login(judy)
    html = client.get("/checks/", {"q": RESTATED}).content.decode()
    assert html.count('class="check-result card"') == 1
    assert "Verdict: disputed" in html and CLAIM in html
    html = client.get("/checks/", {"q": UNRELATED[2]}).content.decode()
    assert "No checked claim matches" in html
    assert "at least three letters" in client.get("/checks/", {"q": "ab"}).content.decode()


def test_the_checked_claims_page_escapes_the_search(client, judy):
    client.force_login(judy)
    html = client.get("/checks/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_the_checked_claims_page_runs_in_a_constant_number_of_queries(
    client, judy, django_assert_max_num_queries
):
    body = " ".join(f"Heathrow cancelled {100 + i} flights on day {i}." for i in range(30))
    for sentence in make_article(body).sentences.all():
        set_verdict(sentence=sentence, adjudicator=judy, label="verified")
    client.force_login(judy)
    # session, user, groups, candidates, their details, projects, the user's shortcuts
    with django_assert_max_num_queries(7):
        html = client.get("/checks/", {"q": "Heathrow flights"}).content.decode()
    assert html.count('class="check-result card"') == 10


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_the_sentence_export_gives_the_ids_checked_before(checked, staff, fmt):
    import csv
    import io
    import json

    later = make_article(f"{RESTATED}\n{UNRELATED[0]}")
    response = api(staff).get(
        "/api/export/sentences/", {"format": fmt, "article": later.pk}
    )
    body = b"".join(response.streaming_content).decode()
    if fmt == "jsonl":
        rows = [json.loads(line) for line in body.splitlines()]
    elif fmt == "json":
        rows = json.loads(body)
    else:
        rows = [{**row, "checked_before": json.loads(row["checked_before"])}
                for row in csv.DictReader(io.StringIO(body))]
    assert [row["checked_before"] for row in rows] == [[checked.pk], []]


def test_the_admin_list_and_the_dashboard_count_claims_checked_before(client, checked, staff):
    make_article(f"{RESTATED}\n{PAIRS[1][1]}\n{UNRELATED[0]}", title="Later")
    client.force_login(staff)
    html = client.get("/admin/annotations/article/").content.decode()
    assert "1 sentence checked before" in html
    html = client.get("/admin/dashboard/").content.decode()
    # 1 of the 4 sentences (the checked one and the three later ones)
    assert 'id="recurrence-tile"><span class="big">25%</span>' in html
    assert "1 sentence in 1 article repeats a claim" in html
