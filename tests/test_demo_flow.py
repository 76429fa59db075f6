"""The demo, end to end: two reviewers disagree, the adjudicator settles, the export shows it."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from annotations.models import Article

pytestmark = pytest.mark.django_db

# Labels of the 14 demo sentences by each reviewer; they differ on positions 3, 8 and 11.
REVIEWER1 = "vvdvvvdvvvvudv"
REVIEWER2 = "vvddvvdvdvvvdv"
LABELS = {"v": "verified", "d": "disputed", "u": "unclear"}


def signed_in(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_demo_reviewers_disagree_adjudicator_settles_export_shows_verdicts():
    call_command("setup_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    article = Article.objects.filter(project__slug="demo").order_by("pk").first()
    sentences = list(article.sentences.all())
    for username, labels in (("reviewer1", REVIEWER1), ("reviewer2", REVIEWER2)):
        client = signed_in(username)
        for sentence, letter in zip(sentences, labels, strict=True):
            response = client.put(
                f"/api/sentences/{sentence.pk}/annotation/",
                {"label": LABELS[letter]},
                content_type="application/json",
            )
            assert response.status_code == 201

    adjudicator = signed_in("adjudicator")
    html = adjudicator.get("/adjudicate/").content.decode()
    # 3: the reviewers disagree; 11: reviewer1 said unclear (and they disagree too).
    expected = [sentences[3], sentences[8], sentences[11]]
    assert html.count('class="case card"') == len(expected)
    for sentence in expected:
        assert f'data-id="{sentence.pk}"' in html

    for sentence, label in zip(expected, ("disputed", "verified", "unclear"), strict=True):
        response = adjudicator.put(
            f"/api/sentences/{sentence.pk}/verdict/",
            {"label": label, "rationale": f"Checked sentence {sentence.position}."},
            content_type="application/json",
        )
        assert response.status_code == 201

    admin = signed_in("admin")
    rows = [
        json.loads(line)
        for line in b"".join(
            admin.get("/api/export/sentences/", {"project": "demo"}).streaming_content
        ).splitlines()
    ]
    verdicts = {
        row["position"]: row["verdict"]
        for row in rows if row["verdict"] and row["article_id"] == article.pk
    }
    # With the demo's own verdicts on the claims its second article repeats.
    assert verdicts == {
        0: "verified", 3: "disputed", 4: "unclear", 5: "verified", 8: "verified",
        9: "verified", 11: "unclear", 13: "verified",
    }
    assert all(row["vote_count"] == 2 for row in rows if row["article_id"] == article.pk)

    stats = admin.get("/api/stats/", {"project": "demo"}).json()
    assert stats["agreement"]["percent"] == pytest.approx(100 * 11 / 14)
