"""Token sign-ins remembered a few seconds per process (annotations.api.authentication):
fewer queries a request, and no change of access that outlives ACCESS_CACHE_SECONDS."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.api import authentication
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def label(client, sentence, value="verified"):
    return client.put(f"/api/sentences/{sentence.pk}/annotation/", {"label": value},
                      format="json")


@pytest.fixture
def rita():
    return make_user("rita", role="reviewer")


def test_a_remembered_token_reads_neither_token_nor_roles(rita):
    sentence = make_article().sentences.first()
    client = token_client(rita)
    with CaptureQueriesContext(connection) as first:
        assert label(client, sentence).status_code == 201
    with CaptureQueriesContext(connection) as second:
        assert label(client, sentence, "unclear").status_code == 200
    read = [q["sql"] for q in first.captured_queries]
    assert any("authtoken_token" in sql for sql in read)
    assert any("auth_user_groups" in sql for sql in read)
    again = [q["sql"] for q in second.captured_queries]
    assert not any("authtoken_token" in sql or "auth_user_groups" in sql for sql in again)


def test_a_revoked_token_is_refused_at_once(rita):
    sentence = make_article().sentences.first()
    client = token_client(rita)
    assert label(client, sentence).status_code == 201
    Token.objects.get(user=rita).delete()
    assert label(client, sentence).status_code == 401


def test_a_role_taken_away_or_a_deactivation_counts_at_once(rita):
    sentence = make_article().sentences.first()
    client = token_client(rita)
    assert label(client, sentence).status_code == 201
    rita.groups.clear()
    assert label(client, sentence).status_code == 403
    rita.groups.add(*make_user("other", role="reviewer").groups.all())
    assert label(client, sentence).status_code == 200
    rita.is_active = False
    rita.save()
    assert label(client, sentence).status_code == 401


def test_a_change_made_elsewhere_counts_within_the_cache_time(rita, settings, monkeypatch):
    """Another process's change sends no signal here (an UPDATE around the models stands
    for it): the entry is used until it expires, never after."""
    settings.ACCESS_CACHE_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(authentication.time, "monotonic", lambda: clock[0])
    sentence = make_article().sentences.first()
    client = token_client(rita)
    assert label(client, sentence).status_code == 201
    type(rita).objects.filter(pk=rita.pk).update(is_active=False)
    clock[0] += 4.9
    assert label(client, sentence).status_code == 200
    clock[0] += 0.2
    assert label(client, sentence).status_code == 401


def test_no_cache_when_its_time_is_zero(rita, settings):
    settings.ACCESS_CACHE_SECONDS = 0
    sentence = make_article().sentences.first()
    client = token_client(rita)
    assert label(client, sentence).status_code == 201
    type(rita).objects.filter(pk=rita.pk).update(is_active=False)
    assert label(client, sentence).status_code == 401


def test_what_a_request_notes_on_its_user_stays_with_it(rita):
    sentence = make_article().sentences.first()
    client = token_client(rita)
    label(client, sentence)
    (_, user, _), = authentication._entries.values()
    assert label(client, sentence).wsgi_request.user is not user
