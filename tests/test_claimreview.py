"""Verdicts published as schema.org ClaimReview."""

import json

import pytest

from annotations.adjudicating import set_verdict
from tests.factories import make_article

pytestmark = pytest.mark.django_db

# Google's and schema.org's ClaimReview: required and recommended properties.
REQUIRED = {"@context", "@type", "url", "claimReviewed", "reviewRating", "author"}
RECOMMENDED = {"datePublished", "itemReviewed", "reviewBody"}


@pytest.fixture
def verdicts(judy):
    article = make_article(
        "Unemployment fell to 3.5% in May. The mayor built 40 bridges.",
        title="Jobs report", source="Daily Wire Service", url="https://news.example/jobs",
        published_at="2025-06-02T08:00:00Z",
    )
    first, second = article.sentences.all()
    set_verdict(sentence=first, adjudicator=judy, label="verified", rationale="BLS table A-1.")
    set_verdict(sentence=second, adjudicator=judy, label="disputed", rationale="Only 4.")
    return article


def claim_reviews(client, user, **query):
    client.force_login(user)
    response = client.get("/api/export/claimreview/", query)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_each_verdict_is_a_complete_claimreview(client, staff, verdicts):
    reviews = claim_reviews(client, staff)
    assert len(reviews) == 2
    for review in reviews:
        assert set(review) >= REQUIRED | RECOMMENDED
        assert review["@context"] == "https://schema.org"
        assert review["@type"] == "ClaimReview"
        assert review["url"].startswith("http://testserver/articles/")
        assert review["author"]["@type"] == "Organization" and review["author"]["name"]
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating"
        assert {"ratingValue", "bestRating", "worstRating", "alternateName"} <= set(rating)
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["appearance"]["url"] == "https://news.example/jobs"
        assert claim["author"] == {"@type": "Organization", "name": "Daily Wire Service"}
        assert claim["datePublished"].startswith("2025-06-02T08:00:00")


def test_ratings_follow_the_verdicts(client, staff, verdicts):
    reviews = {r["claimReviewed"]: r for r in claim_reviews(client, staff)}
    verified = reviews["Unemployment fell to 3.5% in May."]
    assert verified["reviewRating"]["alternateName"] == "True"
    assert verified["reviewRating"]["ratingValue"] == 5
    assert verified["reviewBody"] == "BLS table A-1."
    disputed = reviews["The mayor built 40 bridges."]
    assert disputed["reviewRating"]["alternateName"] == "False"


def test_claimreview_takes_the_export_filters(client, staff, verdicts):
    reviews = claim_reviews(client, staff, label="disputed")
    assert [r["claimReviewed"] for r in reviews] == ["The mayor built 40 bridges."]


def test_claimreview_needs_export_rights(client, alice, verdicts):
    client.force_login(alice)
    assert client.get("/api/export/claimreview/").status_code == 403
