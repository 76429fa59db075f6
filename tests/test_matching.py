"""Claim memory: earlier checks of the same claim, found on either database alike."""

import pytest
from django.db import connection

from annotations import matching
from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from annotations.matching import THRESHOLD, matches_for, score, search_checks
from annotations.models import Article, PriorCheck
from tests.factories import make_article, make_project
from tests.matching_cases import HELD_OUT, PAIRS, UNRELATED

CASES = PAIRS + HELD_OUT


@pytest.mark.parametrize("claim, restated", PAIRS)
def test_a_restated_claim_scores_above_the_threshold(claim, restated):
    assert score(claim, restated) >= THRESHOLD
    assert score(restated, claim) == score(claim, restated)


@pytest.mark.parametrize("unrelated", UNRELATED)
def test_a_sentence_sharing_common_words_scores_below_the_threshold(unrelated):
    for claim, _ in CASES:
        assert score(claim, unrelated) < THRESHOLD, claim


def test_different_numbers_are_different_claims():
    same = "Inflation in Germany rose to 2.6% in November."
    assert score(same, "German inflation rose to 2.6 percent in November.") >= THRESHOLD
    assert score(same, "Inflation in Germany rose to 3.1% in November.") < THRESHOLD


def test_thousands_and_decimals_are_read_as_one_number():
    assert "#1200" in matching.terms("More than 1,200 flights")
    assert "#4.2" in matching.terms("fell to 4,2 %")


@pytest.fixture
def desk(judy):
    """One article of checked claims (each with a verdict), and a later article restating
    them among unrelated sentences."""
    checked = make_article(" ".join(claim for claim, _ in CASES), title="First report")
    sentences = list(checked.sentences.all())
    assert len(sentences) == len(CASES)
    for sentence in sentences:
        set_verdict(sentence=sentence, adjudicator=judy, label="verified")
    later = make_article(
        "\n".join([restated for _, restated in CASES] + UNRELATED), title="Later report"
    )
    return checked, later


def answers(later, articles):
    """{sentence text: text of its best match, or None}."""
    found = {}
    for sentence in later.sentences.select_related("article"):
        matches = matches_for(sentence, articles)
        found[sentence.text] = matches[0].text if matches else None
    return found


EXPECTED = {restated: claim for claim, restated in CASES} | dict.fromkeys(UNRELATED)


@pytest.mark.django_db
def test_every_restated_claim_finds_its_check_and_no_unrelated_sentence_does(desk):
    _, later = desk
    assert answers(later, Article.objects.all()) == EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize("analyzed", [False, True], ids=["no statistics", "analyzed"])
def test_postgresql_index_gives_the_portable_answers(desk, monkeypatch, analyzed):
    """Where the claim memory exists, its candidates lead to the same matches, in the same
    order and with the same scores, as scoring every checked sentence: before PostgreSQL
    has sampled the memory (every word as rare as any) and after (the rarest words)."""
    if connection.vendor != "postgresql":
        pytest.skip("the claim memory is on PostgreSQL")
    _, later = desk
    if analyzed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE annotations_claimmemory")
            cursor.execute("SELECT most_common_elems IS NOT NULL FROM pg_stats "
                           "WHERE tablename = 'annotations_claimmemory'"
                           " AND attname = 'search_vector'")
            assert cursor.fetchone() == (True,)
    articles = Article.objects.all()
    searches = [*EXPECTED, "Heathrow", "unemployment March", "Russia controls 20% of Ukraine",
                "Kushner", "rainforest kilometres", "Tesla cars"]

    def answers():
        return (
            {s.pk: [m.as_dict() for m in matches_for(s, articles)]
             for s in later.sentences.select_related("article")},
            {q: [m.as_dict() for m in search_checks(q, articles)] for q in searches},
        )

    indexed = answers()
    monkeypatch.setattr(matching, "_use_memory", lambda: False)
    assert indexed == answers()
    assert sum(1 for found in indexed[0].values() if found) == len(CASES)
    assert sum(1 for found in indexed[1].values() if found) > len(CASES)


@pytest.mark.django_db
def test_a_match_carries_its_verdict_counts_score_and_link(desk):
    checked, later = desk
    sentence = later.sentences.get(position=0)
    (match, *_) = matches_for(sentence, Article.objects.all())
    result = match.as_dict()
    source = checked.sentences.get(position=0)
    assert result == {
        "sentence_id": source.pk,
        "article_id": checked.pk,
        "article_title": "First report",
        "text": PAIRS[0][0],
        "verdict": "verified",
        "labels": {"verified": 0, "disputed": 0, "unclear": 0},
        "score": result["score"],
        "url": f"/articles/{checked.pk}/#s-{source.pk}",
    }
    assert THRESHOLD <= result["score"] <= 1


@pytest.mark.django_db
def test_labels_up_to_the_review_target_check_a_sentence(alice, bob):
    project = make_project(review_target=2)
    first = make_article(PAIRS[0][0], project=project).sentences.get()
    later = make_article(PAIRS[0][1], project=project).sentences.select_related("article").get()
    save_annotation(sentence=first, reviewer=alice, label="disputed")
    assert matches_for(later, Article.objects.all()) == []  # one label of two: not checked
    save_annotation(sentence=first, reviewer=bob, label="disputed")
    (match,) = matches_for(later, Article.objects.all())
    assert (match.verdict, match.labels, match.result) == (
        None, {"verified": 0, "disputed": 2, "unclear": 0}, "disputed"
    )


@pytest.mark.django_db
def test_a_removed_verdict_unchecks_the_sentence(judy):
    from annotations.adjudicating import clear_verdict

    first = make_article(PAIRS[1][0]).sentences.get()
    later = make_article(PAIRS[1][1]).sentences.select_related("article").get()
    set_verdict(sentence=first, adjudicator=judy, label="disputed")
    assert len(matches_for(later, Article.objects.all())) == 1
    clear_verdict(sentence=first, adjudicator=judy)
    assert matches_for(later, Article.objects.all()) == []


@pytest.mark.django_db
def test_matches_come_only_from_the_articles_given(desk):
    checked, later = desk
    sentence = later.sentences.select_related("article").get(position=0)
    assert matches_for(sentence, Article.objects.exclude(pk=checked.pk)) == []


@pytest.mark.django_db
def test_the_same_article_is_never_its_own_match(judy):
    article = make_article(f"{PAIRS[0][0]} {PAIRS[0][1]}")
    first, second = article.sentences.select_related("article")
    set_verdict(sentence=first, adjudicator=judy, label="verified")
    assert matches_for(second, Article.objects.all()) == []


@pytest.mark.django_db
def test_search_finds_a_claim_by_its_words_or_by_one_word(desk):
    checked, _ = desk
    articles = Article.objects.all()
    (best, *_) = search_checks("unemployment fell to 4.2 percent", articles)
    assert best.text == PAIRS[0][0]
    found = [m.text for m in search_checks("Heathrow", articles)]
    assert found == [PAIRS[6][0]]
    assert search_checks("weather in Oklahoma", articles) == []
    assert search_checks("ab", articles) == []


@pytest.mark.django_db
def test_search_filters_by_language(desk):
    articles = Article.objects.all()
    assert search_checks("Heathrow flights", articles, language="en")
    assert search_checks("Heathrow flights", articles, language="de") == []


@pytest.mark.django_db
def test_an_import_counts_and_keeps_its_sentences_checked_before(desk):
    checked, later = desk
    later.refresh_from_db()
    assert later.checked_before == len(CASES)
    first = PriorCheck.objects.get(sentence=later.sentences.get(position=0))
    assert first.matches[0] == checked.sentences.get(position=0).pk
    checked.refresh_from_db()
    assert checked.checked_before == 0  # nothing was checked when it came


@pytest.mark.django_db
def test_an_import_counts_no_claim_of_a_closed_project_it_cannot_see(judy, bob):
    closed = make_project(members=[bob])
    first = make_article(PAIRS[0][0], project=closed).sentences.get()
    set_verdict(sentence=first, adjudicator=judy, label="verified")
    assert make_article(PAIRS[0][1]).checked_before == 0
    assert make_article(PAIRS[0][1], project=closed).checked_before == 1


@pytest.mark.django_db
def test_search_finds_a_long_claim_from_a_few_of_its_words(desk):
    (best, *_) = search_checks("Russia controls 19% of Ukraine", Article.objects.all())
    assert best.text == PAIRS[12][0]
    (best, *_) = search_checks("Russia controls 20% of Ukraine", Article.objects.all())
    assert best.text == PAIRS[12][0]  # another number: still the closest claim, lower
    assert search_checks("Russia grain exports", Article.objects.all()) == []
