"""Who exports what: an exporter exports only the projects open to them (`access.export_scope`),
through every export: annotations, sentences, ClaimReview, the admin's action."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from annotations.annotating import save_annotation
from annotations.models import Verdict
from tests.factories import make_article, make_project, make_user

pytestmark = pytest.mark.django_db


def with_export_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="export_dataset"))
    return user


@pytest.fixture
def desk(alice, bob, judy):
    """One labeled sentence with a verdict in an open project and in one only bob belongs to."""
    open_project = make_project("open")
    closed_project = make_project("closed", members=[bob])
    for project in (open_project, closed_project):
        sentence = make_article(f"A claim of {project.slug}.", project=project).sentences.get()
        save_annotation(sentence=sentence, reviewer=bob, label="disputed", note="secret")
        Verdict.objects.create(sentence=sentence, label="disputed", decided_by=judy,
                               decided_at=timezone.now())


@pytest.fixture
def scientist(db):
    """Holds the export permission and no role, and belongs to no project."""
    return with_export_permission(make_user("scientist"))


def rows(client, kind, **query):
    response = client.get(f"/api/export/{kind}/", {"format": "jsonl", **query})
    assert response.status_code == 200, response.content
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


@pytest.mark.parametrize("kind", ["annotations", "sentences"])
def test_exporter_outside_a_members_only_project_does_not_export_it(client, desk, scientist,
                                                                    kind):
    client.force_login(scientist)
    assert {row["project"] for row in rows(client, kind)} == {"open"}


def test_claimreview_export_keeps_to_the_exporters_projects(client, desk, scientist):
    client.force_login(scientist)
    reviews = rows(client, "claimreview")
    assert [review["claimReviewed"] for review in reviews] == ["A claim of open."]


def test_member_exports_their_members_only_project(client, desk, bob):
    client.force_login(with_export_permission(bob))
    assert {row["project"] for row in rows(client, "annotations")} == {"open", "closed"}


def test_adjudicator_and_staff_export_every_project(client, desk, judy, staff):
    for user in (with_export_permission(judy), staff):
        client.force_login(user)
        assert {row["project"] for row in rows(client, "sentences")} == {"open", "closed"}


def test_a_project_outside_the_scope_is_unknown_and_not_listed(client, desk, scientist):
    client.force_login(scientist)
    response = client.get("/api/export/annotations/", {"project": "closed"})
    assert response.status_code == 400
    message = str(response.json())
    assert "unknown project 'closed'" in message
    assert "existing: default, open" in message


def test_the_operators_command_exports_every_project(tmp_path, desk):
    output = tmp_path / "annotations.jsonl"
    call_command("export_dataset", "--kind", "annotations", "--output", str(output))
    assert {json.loads(line)["project"] for line in output.read_text().splitlines()} == {
        "open", "closed"
    }
