import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from annotations.access import ADJUDICATOR_GROUP, REVIEWER_GROUP
from annotations.adjudicating import set_verdict
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
    # The demo predictions (fixtures/demo/baseline-predictions.jsonl) name it by its url.
    "url": "https://news.example/ukraine-peace-plan-talks",
    "published_at": "2025-12-04T09:00:00Z",
    "language": "en",
}
# A later report that repeats five claims of the first: with the verdicts below on the
# first, its panel shows them under "Checked before".
FOLLOW_UP_ARTICLE = {
    "file": "ukraine-talks-follow-up.txt",
    "title": "Ukraine talks move to Florida as Kyiv rejects ceding territory",
    "source": "Demo news wire",
    "published_at": "2025-12-05T08:00:00Z",
    "language": "en",
}
# Verdicts on the first article, by the demo adjudicator: (position, label, rationale).
DEMO_VERDICTS = [
    (0, "verified", "Putin said so in his interview with India Today after the Kremlin talks."),
    (4, "unclear", "Whether Moscow had read the revised plan rests on Putin's word alone."),
    (5, "verified", "Putin's demand is on the record; Russia holds most of the Donbas."),
    (9, "verified", "Zelensky's position in his statements of the same week."),
    (13, "verified", "Estimates of the land Russia holds range from 19 to 20 percent."),
]
# (username, role, is_staff)
DEMO_ACCOUNTS = [
    ("admin", None, True),
    ("reviewer1", REVIEWER_GROUP, False),
    ("reviewer2", REVIEWER_GROUP, False),
    ("adjudicator", ADJUDICATOR_GROUP, False),
]


class Command(BaseCommand):
    help = (
        "Load the demo project, its two articles (the second repeats claims of the first, which "
        "carries verdicts) and create the demo accounts. Safe to run again: "
        "existing data and accounts are kept, and passwords are printed only when created."
    )

    def handle(self, **options):
        project, _ = Project.objects.get_or_create(
            slug=DEMO_PROJECT["slug"], defaults=DEMO_PROJECT
        )
        first = self.load(project, DEMO_ARTICLE)
        created = [self.ensure_account(*account) for account in DEMO_ACCOUNTS]
        self.decide(first)
        self.load(project, FOLLOW_UP_ARTICLE)
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

    def load(self, project, record):
        record = dict(record)
        body = (DEMO_DIR / record.pop("file")).read_text(encoding="utf-8")
        result = import_article(body=body, project=project, **record)
        article = result.article
        state = "loaded" if result.created else "already there"
        checked = f", {article.checked_before} checked before" if article.checked_before else ""
        self.stdout.write(
            f"Demo article {state}: {article.title!r} "
            f"({article.sentences.count()} sentences{checked})."
        )
        return article

    def decide(self, article):
        """The demo adjudicator's verdicts on the first article, where none is set."""
        adjudicator = get_user_model().objects.filter(username="adjudicator").first()
        if adjudicator is None:
            return
        sentences = {s.position: s for s in article.sentences.filter(verdict__isnull=True)}
        for position, label, rationale in DEMO_VERDICTS:
            if position in sentences:
                set_verdict(sentence=sentences[position], adjudicator=adjudicator, label=label,
                            rationale=rationale)

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
