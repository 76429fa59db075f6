"""Verdicts as schema.org ClaimReview, the markup fact-checkers publish for search engines."""

import dataclasses

from .exporting import ExportFilters, export_query, iso_timestamp

# Our labels on the rating scale fact-checkers use: 1 (false) to 5 (true).
RATINGS = {
    "verified": (5, "True"),
    "disputed": (1, "False"),
    "unclear": (3, "Unproven"),
}


def claim_reviews(filters: ExportFilters, *, site_url, publisher):
    """Yield one ClaimReview (a dict) per sentence with a verdict, in export order."""
    values, columns = export_query("sentences", dataclasses.replace(filters, has_verdict=True))
    names = list(columns)
    for row in values.values_list(*[f"x_{name}" for name in names]).iterator(chunk_size=2000):
        yield claim_review(dict(zip(names, row, strict=True)), site_url, publisher)


def claim_review(row, site_url, publisher):
    value, name = RATINGS[row["verdict"]]
    source = {"@type": "Organization", "name": row["article_source"]} if row[
        "article_source"
    ] else None
    appearance = {
        "@type": "NewsArticle",
        "headline": row["article_title"],
        "inLanguage": row["language"],
        **({"url": row["article_url"]} if row["article_url"] else {}),
        **({"publisher": source} if source else {}),
        **({"datePublished": iso_timestamp(row["article_published_at"])}
           if row["article_published_at"] else {}),
    }
    claim = {
        "@type": "Claim",
        "inLanguage": row["language"],
        "appearance": appearance,
        **({"author": source} if source else {}),
        **({"datePublished": iso_timestamp(row["article_published_at"])}
           if row["article_published_at"] else {}),
    }
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{site_url}articles/{row['article_id']}/#s-{row['sentence_id']}",
        "claimReviewed": row["text"],
        "datePublished": iso_timestamp(row["verdict_decided_at"]),
        "author": {"@type": "Organization", "name": publisher, "url": site_url},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": name,
        },
        "reviewBody": row["verdict_rationale"] or "",
        "itemReviewed": claim,
    }
