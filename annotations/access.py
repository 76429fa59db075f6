"""Who may see and do what. Every query for projects, articles or sentences starts here."""

from django.db.models import Q

from .models import Article, Project

REVIEWER_GROUP = "reviewer"
ADJUDICATOR_GROUP = "adjudicator"
EXPORT_PERMISSION = "annotations.export_dataset"


def _groups(user):
    # Cached on the user object: role checks run many times per request.
    if not hasattr(user, "_factcheck_groups"):
        user._factcheck_groups = set(user.groups.values_list("name", flat=True))
    return user._factcheck_groups


def is_adjudicator(user):
    return user.is_active and (user.is_staff or ADJUDICATOR_GROUP in _groups(user))


def is_reviewer(user):
    """Reviewers, adjudicators and staff may all label sentences."""
    return user.is_active and (
        user.is_staff or bool(_groups(user) & {REVIEWER_GROUP, ADJUDICATOR_GROUP})
    )


def can_export(user):
    return user.is_active and (user.is_staff or user.has_perm(EXPORT_PERMISSION))


def visible_projects(user):
    """The projects `user` may see: all for staff and adjudicators; for reviewers the open
    ones (no members) and those they belong to; none for anyone else."""
    if not (user.is_authenticated and is_reviewer(user)):
        return Project.objects.none()
    if is_adjudicator(user):
        return Project.objects.all()
    return Project.objects.filter(Q(members=None) | Q(members=user)).distinct()


def visible_articles(user):
    return Article.objects.filter(project__in=visible_projects(user))


def sign_in_name(request, credentials):
    """The username django-axes records for a sign-in attempt: as given, cut to the
    length a username can have, so that no attempt is too long to record."""
    username = credentials.get("username") if credentials else request.POST.get("username")
    return (username or "")[:150] or None
