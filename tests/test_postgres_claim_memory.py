"""The claim memory on PostgreSQL: emptied with the sentences without a deadlock against
a search in flight, and queried from the rarest words of a sentence."""

import threading

import psycopg
import pytest
from django.db import connection

from annotations import matching
from annotations.adjudicating import set_verdict
from annotations.models import Article
from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the claim memory's triggers"),
]

# The tables of a search for matches, read in this order by the candidate query.
SEARCH = """
    SELECT count(*) FROM annotations_claimmemory m
    WHERE m.article_id IN (SELECT id FROM annotations_article)
"""


def test_emptying_the_sentences_waits_for_a_search_in_flight_without_a_deadlock(judy):
    """pytest-django's flush, between browser tests, truncates every table at once while the
    live server may still answer a request of the page. The request's search holds the claim
    memory and waits for the articles; the truncation holds the articles, and its trigger
    must not then wait for the claim memory (a TRUNCATE there would: a deadlock)."""
    params = connection.get_connection_params()
    with psycopg.connect(**params) as flush, psycopg.connect(**params) as search, \
            psycopg.connect(**params, autocommit=True) as watcher:
        for session in (flush, search):
            session.execute("SET lock_timeout = '20s'")
        flush.execute("LOCK TABLE annotations_article IN ACCESS EXCLUSIVE MODE")
        pid = search.info.backend_pid
        result = {}

        def run_search():
            try:
                result["count"] = search.execute(SEARCH).fetchone()[0]
            except psycopg.Error as error:
                result["error"] = error

        thread = threading.Thread(target=run_search)
        thread.start()
        # The search holds the memory and waits for the articles.
        while not watcher.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid]
        ).fetchone()[0]:
            thread.join(0.01)
        flush.execute("TRUNCATE annotations_sentence CASCADE")  # fires the memory's trigger
        flush.rollback()
        thread.join()
        search.rollback()
    assert result == {"count": 0}


@pytest.fixture
def crowded(judy):
    """Twelve checked claims that all name Ukraine and Zelensky, and one that also gives
    the rarer words of a restatement."""
    body = " ".join(
        f"Zelensky said Ukraine would {word} the {other}." for word, other in [
            ("rebuild", "bridges"), ("audit", "ministries"), ("export", "grain"),
            ("reform", "courts"), ("train", "pilots"), ("repair", "dams"),
            ("expand", "railways"), ("cut", "tariffs"), ("close", "airports"),
            ("recruit", "teachers"), ("sell", "bonds"), ("open", "embassies"),
        ]
    )
    body += " Zelensky said Ukraine received 31 Abrams tanks from Washington in January."
    for sentence in make_article(body, title="Checked").sentences.all():
        set_verdict(sentence=sentence, adjudicator=judy, label="verified")
    return make_article(
        "President Zelensky said Ukraine got 31 Abrams tanks in January.",
        title="Later",
    ).sentences.select_related("article").get()


def candidates(sentence):
    found = matching._memory_candidates(
        [(sentence.pk, sentence.text, "en", sentence.article_id)], Article.objects.all()
    )
    return [text for _, text, _ in found[sentence.pk]]


def test_the_query_leaves_out_the_words_most_claims_hold(crowded, monkeypatch):
    """Once the memory's statistics are known (ANALYZE, autovacuum), the words that many
    claims hold go last into the query: the claims that share only the sentence's common
    names are not read. Before, every word is as rare as any: the weightiest (numbers,
    names) come first."""
    monkeypatch.setattr(matching, "COMMON_CLAIMS", 10)  # of 13
    assert len(candidates(crowded)) == 13
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_claimmemory")
    (found,) = candidates(crowded)
    assert "Abrams" in found
    assert [m.text for m in matching.matches_for(crowded, Article.objects.all())] == [found]
