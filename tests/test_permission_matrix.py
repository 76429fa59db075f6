"""Every URL x every kind of user, with the status each must get: one table, one test.

A URL added to the project without a row here fails `test_every_url_has_a_row`.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.urls import get_resolver

from annotations.annotating import save_annotation
from annotations.models import PredictionModel
from tests.factories import PASSWORD, make_article, make_project, make_user

PERSONAS = ["anonymous", "reviewer", "peer", "outsider", "adjudicator", "staff"]
# anonymous: signed out. reviewer (alice) and peer (bob): both members of the closed
# project, alice has labeled its sentence. outsider (carol): a reviewer outside it.
# adjudicator (judy) and staff see everything.

# (url name, method, path, body): statuses for PERSONAS in order.
MATRIX = [
    ("healthz", "get", "/healthz", None, [200, 200, 200, 200, 200, 200]),
    ("login", "get", "/accounts/login/", None, [200, 200, 200, 200, 200, 200]),
    ("logout", "post", "/accounts/logout/", None, [302, 302, 302, 302, 302, 302]),
    ("home", "get", "/", None, [302, 200, 200, 200, 200, 200]),
    ("article", "get", "/articles/{closed}/", None, [302, 200, 200, 404, 200, 200]),
    ("next", "post", "/next/", None, [302, 302, 302, 302, 302, 302]),
    ("adjudicate", "get", "/adjudicate/", None, [302, 403, 403, 403, 200, 200]),
    ("checks", "get", "/checks/?q=claim", None, [302, 403, 403, 403, 200, 200]),
    ("favicon", "get", "/favicon.ico", None, [302, 302, 302, 302, 302, 302]),
    # Each user's own keyboard shortcuts: anyone with a role.
    ("shortcuts", "get", "/settings/shortcuts/", None, [302, 200, 200, 200, 200, 200]),
    ("shortcuts", "post", "/settings/shortcuts/", None, [302, 200, 200, 200, 200, 200]),
    ("api-my-shortcuts", "get", "/api/me/shortcuts/", None, [401, 200, 200, 200, 200, 200]),
    ("api-my-shortcuts", "put", "/api/me/shortcuts/", {"enabled": False},
     [401, 200, 200, 200, 200, 200]),
    ("admin:dashboard", "get", "/admin/dashboard/", None, [302, 302, 302, 302, 302, 200]),
    ("admin:index", "get", "/admin/", None, [302, 302, 302, 302, 302, 200]),
    ("admin:annotations_article_import", "get", "/admin/annotations/article/import/", None,
     [302, 302, 302, 302, 302, 200]),
    ("api-schema", "get", "/api/schema/", None, [401, 200, 200, 200, 200, 200]),
    ("api-docs", "get", "/api/docs/", None, [401, 200, 200, 200, 200, 200]),
    ("api-token", "post", "/api/token/", {"username": "{me}", "password": PASSWORD},
     [400, 200, 200, 200, 200, 200]),
    ("api-projects", "get", "/api/projects/", None, [401, 200, 200, 200, 200, 200]),
    ("api-projects", "post", "/api/projects/", {"name": "New", "slug": "new"},
     [401, 403, 403, 403, 403, 201]),
    ("api-articles", "get", "/api/articles/", None, [401, 200, 200, 200, 200, 200]),
    ("api-articles", "post", "/api/articles/", {"body": "A new claim."},
     [401, 403, 403, 403, 403, 201]),
    ("api-article", "get", "/api/articles/{closed}/", None, [401, 200, 200, 404, 200, 200]),
    ("api-my-annotation", "get", "/api/sentences/{sentence}/annotation/", None,
     [401, 200, 404, 404, 404, 404]),
    ("api-my-annotation", "put", "/api/sentences/{sentence}/annotation/",
     {"label": "disputed"}, [401, 200, 201, 404, 201, 201]),
    ("api-my-annotation", "delete", "/api/sentences/{sentence}/annotation/", None,
     [401, 204, 404, 404, 404, 404]),
    # Skips: whoever may label the sentence may skip it; alice labeled it, so her skip is a
    # 409 (remove the label first); nobody has a skip to undo.
    ("api-skip", "put", "/api/sentences/{sentence}/skip/", {"reason": "opinion"},
     [401, 409, 201, 404, 201, 201]),
    ("api-skip", "delete", "/api/sentences/{sentence}/skip/", None,
     [401, 404, 404, 404, 404, 404]),
    ("api-guidelines", "get", "/api/projects/closed/guidelines/", None,
     [401, 200, 200, 404, 200, 200]),
    ("api-guidelines-seen", "put", "/api/projects/closed/guidelines/seen/",
     {"digest": "a" * 64}, [401, 204, 204, 404, 204, 204]),
    ("api-annotations", "get", "/api/annotations/", None, [401, 200, 200, 200, 200, 200]),
    ("api-verdict", "put", "/api/sentences/{sentence}/verdict/", {"label": "verified"},
     [401, 403, 403, 403, 201, 201]),
    ("api-verdict", "delete", "/api/sentences/{sentence}/verdict/", None,
     [401, 403, 403, 403, 404, 404]),  # no verdict to remove; see test_adjudication
    # Earlier checks: a reviewer once she has labeled the sentence (alice has, bob has not);
    # searching them, adjudicators (reviewers only where a project shows them before: see
    # test_claim_memory_access).
    ("api-matches", "get", "/api/sentences/{sentence}/matches/", None,
     [401, 200, 403, 404, 200, 200]),
    ("api-checks", "get", "/api/checks/?q=claim", None, [401, 403, 403, 403, 200, 200]),
    # A sentence's discussion: a reviewer once she has labeled it (alice has, bob has not:
    # blind labeling holds), adjudicators and staff (see test_discussion).
    ("api-comments", "get", "/api/sentences/{sentence}/comments/", None,
     [401, 200, 403, 404, 200, 200]),
    ("api-comments", "post", "/api/sentences/{sentence}/comments/", {"text": "Source?"},
     [401, 201, 403, 404, 201, 201]),
    ("api-stats", "get", "/api/stats/", None, [401, 403, 403, 403, 403, 200]),
    ("api-queue-next", "post", "/api/queue/next/", None, [401, 200, 200, 200, 200, 200]),
    ("api-export-annotations", "get", "/api/export/annotations/", None,
     [401, 403, 403, 403, 403, 200]),
    ("api-export-sentences", "get", "/api/export/sentences/", None,
     [401, 403, 403, 403, 403, 200]),
    ("api-export-claimreview", "get", "/api/export/claimreview/", None,
     [401, 403, 403, 403, 403, 200]),
    ("api-export-skips", "get", "/api/export/skips/", None, [401, 403, 403, 403, 403, 200]),
    ("api-export-skips", "get", "/api/export/skips/?project=closed", None,
     [401, 403, 403, 403, 403, 200]),
    # Export by project: a project outside the exporter's is unknown (see MORE).
    ("api-export-annotations", "get", "/api/export/annotations/?project=closed", None,
     [401, 403, 403, 403, 403, 200]),
    ("api-export-sentences", "get", "/api/export/sentences/?project=closed", None,
     [401, 403, 403, 403, 403, 200]),
    ("api-export-claimreview", "get", "/api/export/claimreview/?project=closed", None,
     [401, 403, 403, 403, 403, 200]),
    ("api-export-annotations", "get", "/api/export/annotations/?project=default", None,
     [401, 403, 403, 403, 403, 200]),
    # A prediction naming no sentence: 400 once the door is open (see test_predictions).
    ("api-model-predictions", "post", "/api/models/m/predictions/", {"label": "verified"},
     [401, 403, 403, 403, 403, 400]),
    ("api-model-evaluation", "get", "/api/models/m/evaluation/", None,
     [401, 403, 403, 403, 403, 200]),
    ("api-model-evaluation", "get", "/api/models/m/evaluation/?project=closed", None,
     [401, 403, 403, 403, 403, 200]),
]

MORE_PERSONAS = ["exporter", "bare_staff"]
# Two more personas, for the rules that set them apart. exporter (dora): holds the export
# permission and no role, outside the closed project: exports the projects open to her
# only. bare_staff (sam): staff status and no permission, no group: the admin's door opens,
# and nothing else does, in the admin or the API.
# (method, path of a MATRIX row): statuses for MORE_PERSONAS in order.
MORE = {
    ("get", "/healthz"): [200, 200],
    ("get", "/favicon.ico"): [302, 302],
    ("get", "/settings/shortcuts/"): [403, 403],
    ("post", "/settings/shortcuts/"): [403, 403],
    ("get", "/api/me/shortcuts/"): [403, 403],
    ("put", "/api/me/shortcuts/"): [403, 403],
    ("get", "/accounts/login/"): [200, 200],
    ("post", "/accounts/logout/"): [302, 302],
    ("get", "/"): [403, 403],
    ("get", "/articles/{closed}/"): [403, 403],
    ("post", "/next/"): [403, 403],
    ("get", "/adjudicate/"): [403, 403],
    ("get", "/checks/?q=claim"): [403, 403],
    ("get", "/api/sentences/{sentence}/matches/"): [403, 403],
    ("get", "/api/checks/?q=claim"): [403, 403],
    ("get", "/api/sentences/{sentence}/comments/"): [403, 403],
    ("post", "/api/sentences/{sentence}/comments/"): [403, 403],
    ("get", "/admin/dashboard/"): [302, 403],
    ("get", "/admin/"): [302, 200],
    ("get", "/admin/annotations/article/import/"): [302, 403],
    ("get", "/api/schema/"): [200, 200],
    ("get", "/api/docs/"): [200, 200],
    ("post", "/api/token/"): [200, 200],
    ("get", "/api/projects/"): [403, 403],
    ("post", "/api/projects/"): [403, 403],
    ("get", "/api/articles/"): [403, 403],
    ("post", "/api/articles/"): [403, 403],
    ("get", "/api/articles/{closed}/"): [403, 403],
    ("get", "/api/sentences/{sentence}/annotation/"): [403, 403],
    ("put", "/api/sentences/{sentence}/annotation/"): [403, 403],
    ("delete", "/api/sentences/{sentence}/annotation/"): [403, 403],
    ("put", "/api/sentences/{sentence}/skip/"): [403, 403],
    ("delete", "/api/sentences/{sentence}/skip/"): [403, 403],
    ("get", "/api/projects/closed/guidelines/"): [403, 403],
    ("put", "/api/projects/closed/guidelines/seen/"): [403, 403],
    ("get", "/api/annotations/"): [403, 403],
    ("get", "/api/export/skips/"): [200, 403],
    ("get", "/api/export/skips/?project=closed"): [400, 403],
    ("put", "/api/sentences/{sentence}/verdict/"): [403, 403],
    ("delete", "/api/sentences/{sentence}/verdict/"): [403, 403],
    ("get", "/api/stats/"): [403, 403],
    ("post", "/api/queue/next/"): [403, 403],
    ("get", "/api/export/annotations/"): [200, 403],
    ("get", "/api/export/sentences/"): [200, 403],
    ("get", "/api/export/claimreview/"): [200, 403],
    ("get", "/api/export/annotations/?project=closed"): [400, 403],
    ("get", "/api/export/sentences/?project=closed"): [400, 403],
    ("get", "/api/export/claimreview/?project=closed"): [400, 403],
    ("get", "/api/export/annotations/?project=default"): [200, 403],
    ("post", "/api/models/m/predictions/"): [400, 403],
    ("get", "/api/models/m/evaluation/"): [200, 403],
    ("get", "/api/models/m/evaluation/?project=closed"): [400, 403],
}

# URLs that need no row: Django's admin pages for each model (staff only, by Django).
NOT_IN_MATRIX_PREFIXES = ("admin:",)
IN_MATRIX_ADMIN = {"admin:index", "admin:dashboard", "admin:annotations_article_import"}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_row_has_the_more_personas():
    rows = [(method, path) for _, method, path, _, _ in MATRIX]
    assert sorted(set(rows) - set(MORE)) == [], "add these rows to MORE"
    assert sorted(set(MORE) - set(rows)) == [], "these rows of MORE have no row in MATRIX"


def test_every_url_has_a_row():
    covered = {row[0] for row in MATRIX}
    names = {
        name for name in url_names()
        if not name.startswith(NOT_IN_MATRIX_PREFIXES) or name in IN_MATRIX_ADMIN
    }
    assert names - covered == set(), "add these URLs to MATRIX"


@pytest.mark.django_db
def test_permission_matrix():
    closed_project = make_project("closed")
    users = {
        "reviewer": make_user("alice", role="reviewer"),
        "peer": make_user("bob", role="reviewer"),
        "outsider": make_user("carol", role="reviewer"),
        "adjudicator": make_user("judy", role="adjudicator"),
        "staff": make_user("root", is_staff=True, is_superuser=True),
        "exporter": make_user("dora"),
        "bare_staff": make_user("sam", is_staff=True),
    }
    users["exporter"].user_permissions.add(Permission.objects.get(codename="export_dataset"))
    closed_project.members.set([users["reviewer"], users["peer"]])
    make_article("An open claim. Another open claim.")
    PredictionModel.objects.create(name="m")
    closed = make_article("A closed claim.", project=closed_project)
    sentence = closed.sentences.get()
    save_annotation(sentence=sentence, reviewer=users["reviewer"], label="verified")

    failures = []
    for _, method, path, body, expected in MATRIX:
        expected = expected + MORE[(method, path)]
        for persona, status in zip(PERSONAS + MORE_PERSONAS, expected, strict=True):
            user = users.get(persona)
            client = Client()
            if user:
                client.force_login(user)
            url = path.format(closed=closed.pk, sentence=sentence.pk)
            data = json.loads(
                json.dumps(body).replace("{me}", user.username if user else "nobody")
            ) if body else None
            with transaction.atomic():
                response = getattr(client, method)(
                    url, json.dumps(data) if data else None, content_type="application/json"
                )
                transaction.set_rollback(True)  # each cell starts from the same data
            if response.status_code != status:
                failures.append(f"{method.upper()} {url} as {persona}: "
                                f"{response.status_code}, expected {status}")
    assert failures == []
