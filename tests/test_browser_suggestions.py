"""A model's suggestion on the article page: shown only where the project chooses to."""

import json

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, PredictionModel
from annotations.predictions import import_predictions
from tests.factories import make_article, make_project, make_user
from tests.test_browser import open_article, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(db):
    reviewer = make_user("rita", role="reviewer")
    project = make_project("desk")
    article = make_article("The bridge opened in 1932. It carries 40,000 cars a day.",
                           project=project)
    first, second = article.sentences.order_by("position")
    import_predictions(model="baseline", data=json.dumps([
        {"sentence_id": first.pk, "label": "disputed", "score": 0.93},
        {"sentence_id": second.pk, "label": "verified"},
    ]))
    return reviewer, project, article


def test_no_suggestion_unless_the_project_shows_one(page, live_server, setup):
    _, _, article = setup
    sign_in(page, live_server)
    open_article(page, live_server, article)
    expect(page.locator("#suggestion")).to_be_hidden()
    assert "baseline" not in page.content()


def test_the_projects_model_suggests_and_the_suggestion_is_no_label(page, live_server, setup):
    reviewer, project, article = setup
    project.suggestions_from = PredictionModel.objects.get(name="baseline")
    project.save()
    sign_in(page, live_server)
    open_article(page, live_server, article)
    expect(page.locator("#suggestion")).to_have_text("Model baseline suggests: disputed (93% sure)")
    page.keyboard.press("j")
    expect(page.locator("#suggestion")).to_have_text("Model baseline suggests: verified")
    assert not Annotation.objects.filter(reviewer=reviewer).exists()
