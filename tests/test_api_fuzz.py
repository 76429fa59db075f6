"""schemathesis against the project's own OpenAPI schema: whatever it sends, no 5xx, and
every documented answer matches the schema. A small budget, so that it runs in CI."""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance

from annotations.annotating import save_annotation
from tests.factories import make_article, make_user

raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
schema = schemathesis.openapi.from_dict(raw)


class App:
    """The project's WSGI app, made at the first call: by then the test settings apply
    (middleware reads them when it is made)."""

    handler = None

    def __call__(self, environ, start_response):
        if App.handler is None:
            App.handler = get_wsgi_application()
        return App.handler(environ, start_response)


schema.app = App()


@pytest.fixture
def token(db, settings):
    settings.ALLOWED_HOSTS = ["*"]  # schemathesis calls the app as "localhost"
    # As Django's own test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    staff = make_user("fuzz-staff", is_staff=True, is_superuser=True)
    article = make_article("A claim to fuzz. Another one.")
    save_annotation(sentence=article.sentences.first(), reviewer=staff, label="unclear")
    yield Token.objects.create(user=staff).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# The same examples every run, so that CI stays reproducible; FUZZ_RANDOM=1 explores anew.
@settings(
    max_examples=8,
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_and_answers_by_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
