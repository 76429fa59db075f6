"""The dashboard's Models section: every model against verdicts and majorities, its
confusion matrices as heat maps with their counts as text, and the confident disagreements;
from the demo walk-through of the README."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from annotations.models import Article, PredictionModel
from annotations.predictions import import_predictions
from tests.factories import PASSWORD, make_user

DEMO_PREDICTIONS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "baseline-predictions.jsonl"
pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo article (which carries verdicts on sentences 0, 4, 5, 9 and 13), labeled by
    two reviewers on its first 8 sentences (the last two split), verdicts on the first 6,
    and the demo predictions imported."""
    # The users first: their roles' groups, which the flush of a transactional test removed.
    one, two = make_user("r1", role="reviewer"), make_user("r2", role="reviewer")
    judge = make_user("judge", role="adjudicator")
    call_command("setup_demo", stdout=StringIO())
    article = Article.objects.get(url="https://news.example/ukraine-peace-plan-talks")
    sentences = list(article.sentences.order_by("position"))
    labels = ["verified", "verified", "unclear", "disputed", "verified", "verified",
              "disputed", "unclear"]
    for i, (sentence, label) in enumerate(zip(sentences, labels, strict=False)):
        save_annotation(sentence=sentence, reviewer=one, label=label)
        save_annotation(sentence=sentence, reviewer=two,
                        label=label if i < 6 else "verified")
        if i < 6:
            set_verdict(sentence=sentence, adjudicator=judge, label=label)
    out = StringIO()
    call_command("import_predictions", "--model", "baseline", "--description",
                 "Demo baseline", str(DEMO_PREDICTIONS), stdout=out, stderr=StringIO())
    assert "14 predictions for model 'baseline' (new model): 14 new" in out.getvalue()
    return sentences


def test_the_models_section_shows_metrics_heat_maps_and_disagreements(client, staff, demo):
    client.force_login(staff)
    html = client.get("/admin/dashboard/models/").content.decode()
    section = html[html.index('id="models"'):]
    assert "baseline" in section and "Demo baseline" in section
    # Verdicts: 8 sentences (0-5, 9, 13), 7 predicted right (sentence 3, disputed, is not).
    evaluation = client.get("/api/models/baseline/evaluation/?against=verdict").json()
    assert (evaluation["n"], evaluation["accuracy"]) == (8, pytest.approx(7 / 8))
    assert f"<td class=\"num\">{7 / 8:.3f}</td>" in section
    # Two heat maps, each with nine cells and its counts as a table.
    assert section.count('<rect class="cell"') == 18
    assert section.count('class="dash-table confusion-table"') == 2
    assert 'aria-label="Confusion matrix of baseline against the verdict' in section
    assert "<title>reference disputed, predicted verified: 1</title>" in section
    assert 'download="evaluation-baseline-verdict.json"' in section
    # Sentence 3 (disputed) is predicted verified at 0.68: not confident enough to list.
    assert "No model at least 80% confident disagrees" in section


def test_a_confident_disagreement_links_to_its_sentence(client, staff, demo):
    judge = make_user("judge2", role="adjudicator")
    # The model says verified at 0.95 on the last sentence.
    set_verdict(sentence=demo[13], adjudicator=judge, label="disputed")
    client.force_login(staff)
    html = client.get("/admin/dashboard/models/").content.decode()
    links = re.findall(r'id="confident-disagreements">(.*?)</ul>', html, re.S)[0]
    assert f'href="/articles/{demo[13].article_id}/#s-{demo[13].pk}"' in links
    assert "(0.95)" in links


def test_the_models_section_costs_the_same_queries_for_any_number_of_models(
    client, staff, demo, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    with CaptureQueriesContext(connection) as one_model:
        client.get("/admin/dashboard/models/")
    rows = [json.loads(line) for line in DEMO_PREDICTIONS.read_text().splitlines()]
    for name in ("second", "third"):
        import_predictions(model=name, data=json.dumps(rows))
    with django_assert_num_queries(len(one_model)):
        response = client.get("/admin/dashboard/models/")
    assert response.content.decode().count('class="model-card"') == 3


def test_without_models_the_section_says_how_to_add_one(client, staff):
    client.force_login(staff)
    html = client.get("/admin/dashboard/models/").content.decode()
    assert "No model yet" in html and "import_predictions" in html
    assert not PredictionModel.objects.exists()


def test_the_dashboard_page_leaves_the_models_to_its_section_with_the_same_filters(
    client, staff, demo
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/admin/dashboard/", {"project": "demo"}).content.decode()
    assert not [q for q in queries if "annotations_prediction" in q["sql"]]
    assert 'data-src="/admin/dashboard/models/?project=demo"' in html
    section = client.get("/admin/dashboard/models/", {"project": "demo"}).content.decode()
    assert 'class="model-card"' in section
    # Another project's figures have no sentence of the demo's.
    other = client.get("/admin/dashboard/models/", {"project": "other"}).content.decode()
    assert "<td class=\"num\">0</td>" in other


def test_the_models_section_refuses_reviewers_and_bad_filters(client, staff, demo):
    client.force_login(make_user("rita", role="reviewer"))
    assert client.get("/admin/dashboard/models/").status_code in (302, 403)
    client.force_login(staff)
    response = client.get("/admin/dashboard/models/", {"article": "first"})
    assert response.status_code == 400
    assert "Article id" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_shows_the_models_section_once_computed(page, live_server, demo):
    make_user("desk", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/dashboard/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    section = page.locator("#models:not([aria-busy])")
    expect(section.locator(".model-card h3")).to_contain_text("baseline")
    expect(section.locator("svg[aria-label^='Confusion matrix of baseline']")).to_have_count(2)
