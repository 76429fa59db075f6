import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from annotations.access import ADJUDICATOR_GROUP, REVIEWER_GROUP
from annotations.importing import import_article
from annotations.models import Project

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PROJECT = {
    "slug": "demo",
    "name": "Demo desk",
    "description": "A news report on the talks about the US peace plan for Ukraine.",
}
DEMO_ARTICLE = {
    "file": "ukraine-peace-plan-talks.txt",
    "title": "Putin says Moscow disagrees with parts of the US plan for Ukraine",
    "source": "Demo news wire",
    "published_at": "2025-12-04T09:00:00Z",
    "language": "en",
}
# (username, role, is_staff)
DEMO_ACCOUNTS = [
    ("admin", None, True),
    ("reviewer1", REVIEWER_GROUP, False),
    ("reviewer2", REVIEWER_GROUP, False),
    ("adjudicator", ADJUDICATOR_GROUP, False),
]


class Command(BaseCommand):
    help = (
        "Load the demo project and article and create the demo accounts. Safe to run again: "
        "existing data and accounts are kept, and passwords are printed only when created."
    )

    def handle(self, **options):
        project, _ = Project.objects.get_or_create(
            slug=DEMO_PROJECT["slug"], defaults=DEMO_PROJECT
        )
        article = dict(DEMO_ARTICLE)
        body = (DEMO_DIR / article.pop("file")).read_text(encoding="utf-8")
        result = import_article(body=body, project=project, **article)
        state = "loaded" if result.created else "already there"
        self.stdout.write(
            f"Demo article {state}: {result.article.title!r} "
            f"({result.article.sentences.count()} sentences)."
        )
        created = [self.ensure_account(*account) for account in DEMO_ACCOUNTS]
        created = [pair for pair in created if pair]
        if created:
            self.stdout.write(self.style.WARNING("Demo accounts (passwords shown only once):"))
            for username, password in created:
                self.stdout.write(f"  {username:<12} {password}")
        else:
            self.stdout.write(
                "Demo accounts exist already (admin, reviewer1, reviewer2, adjudicator); "
                "reset a password with: .venv/bin/python manage.py changepassword USERNAME"
            )

    def ensure_account(self, username, role, is_staff):
        """Create the account if missing; return (username, password) when created."""
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return None
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username, password=password, is_staff=is_staff, is_superuser=is_staff
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return username, password
