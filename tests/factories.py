"""One-line builders of valid objects; keyword arguments override the defaults."""

from io import StringIO
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from annotations.importing import import_article
from annotations.models import Project

PASSWORD = "correct horse battery staple"
_serial = count(1)


def make_user(username=None, *, role=None, **fields):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_serial)}", password=PASSWORD, **fields
    )
    if role:
        # get_or_create: transactional tests flush the rows the data migrations made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_project(slug=None, *, members=(), **fields):
    slug = slug or f"project-{next(_serial)}"
    project = Project.objects.create(slug=slug, name=fields.pop("name", slug.title()), **fields)
    project.members.set(members)
    return project


def make_article(body=None, *, project=None, **fields):
    """An imported article; the default body has three sentences."""
    body = body or (
        f"Article {next(_serial)} opens with a claim. The second sentence is here. "
        "The third one closes it."
    )
    if project is None:
        project, _ = Project.objects.get_or_create(slug="default", defaults={"name": "Default"})
    return import_article(body=body, project=project, **fields).article


def api(user=None):
    """An API client, signed in as `user` when given."""
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def assert_no_drift():
    """`manage.py rebuild_counts --check` finds every derived count (label counts, tallies)
    equal to what the annotations make."""
    report = StringIO()
    try:
        call_command("rebuild_counts", "--check", stdout=report, stderr=StringIO())
    except CommandError as error:
        raise AssertionError(f"{error}\n{report.getvalue()}") from None
