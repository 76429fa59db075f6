"""One-line builders of valid objects; keyword arguments override the defaults."""

from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations.importing import import_article
from annotations.models import Project

PASSWORD = "correct horse battery staple"
_serial = count(1)


def make_user(username=None, *, role=None, **fields):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_serial)}", password=PASSWORD, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
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
    return import_article(body=body, project=project or "default", **fields).article
