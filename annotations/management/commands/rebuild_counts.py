import sys
from itertools import groupby

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations import counts
from annotations.models import Article, Project


class Command(BaseCommand):
    help = (
        "Rebuild every count derived from the annotations ("
        + ", ".join(derived.name for derived in counts.DERIVED)
        + "), a batch of articles per transaction, then a project per transaction for the "
        "counts kept per project. With --check, change nothing: report the drift per article "
        "(and project) and exit with status 1 if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="report drift, change nothing; exit 1 on drift"
        )
        parser.add_argument(
            "--batch-size", type=int, default=200, metavar="N",
            help="articles per transaction (default 200)",
        )

    def handle(self, *, check, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        articles, projects = Article.objects.count(), Project.objects.count()
        drifted = {counts.ARTICLE: 0, counts.PROJECT: 0}
        for model, total, batches in (
            (Article, articles, counts.batches(batch_size)),
            (Project, projects, [[pk] for pk in Project.objects.values_list("pk", flat=True)]),
        ):
            with tqdm(total=total, unit=model._meta.model_name, disable=None,
                      file=sys.stderr) as bar:
                for pks in batches:
                    batch = model.objects.filter(pk__in=pks)
                    drift = counts.check(batch) if check else counts.rebuild(batch)
                    for per, found in self.report(drift).items():
                        drifted[per] += found
                    bar.update(len(pks))
        names = {
            per: ", ".join(derived.name for derived in counts.DERIVED if derived.per == per)
            for per in drifted
        }
        if check and any(drifted.values()):
            raise CommandError(
                f"Drift in {drifted[counts.ARTICLE]} of {articles} articles"
                + (f" and {drifted[counts.PROJECT]} of {number(projects, 'project')}"
                   if drifted[counts.PROJECT] else "")
                + "; `manage.py rebuild_counts` rebuilds their counts.",
                returncode=1,
            )
        if check:
            self.stdout.write(self.style.SUCCESS(
                f"No drift in {articles} articles ({names[counts.ARTICLE]}) and "
                f"{number(projects, 'project')} ({names[counts.PROJECT]})."
            ))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Rebuilt the {names[counts.ARTICLE]} of {articles} articles; "
                f"{drifted[counts.ARTICLE]} had drifted. Rebuilt the {names[counts.PROJECT]} "
                f"of {number(projects, 'project')}; {drifted[counts.PROJECT]} had drifted."
            ))

    def report(self, drift):
        """Write the drift of each article (and project); return how many drifted, per
        article and per project."""
        drift = sorted(drift, key=lambda row: (row.per, row.id))
        names = {
            counts.ARTICLE: dict(
                Article.objects.filter(pk__in={r.id for r in drift if r.per == counts.ARTICLE})
                .values_list("pk", "title")
            ),
            counts.PROJECT: dict(
                Project.objects.filter(pk__in={r.id for r in drift if r.per == counts.PROJECT})
                .values_list("pk", "slug")
            ),
        }
        drifted = {counts.ARTICLE: 0, counts.PROJECT: 0}
        for (per, pk), rows in groupby(drift, key=lambda row: (row.per, row.id)):
            drifted[per] += 1
            self.stdout.write(f"{per.capitalize()} {pk} ({names[per].get(pk, '')[:60]!r}):")
            for count, fields in groupby(rows, key=lambda row: row.count):
                fields = list(fields)
                if all(row.stored is None for row in fields):
                    self.stdout.write(f"  {count}: none stored")
                else:
                    self.stdout.write(f"  {count}: " + "; ".join(map(describe, fields)))
        return drifted


def number(n, noun):
    return f"{n} {noun}{'s' * (n != 1)}"


def describe(row):
    """e.g. "verified_count on 2 sentences: 9 stored, 7 from the annotations (+2)"."""
    where = f" on {number(row.sentences, 'sentence')}" if row.sentences else ""
    if row.stored is None:
        return f"{row.field}{where}: none stored, {row.expected:g} from the annotations"
    return (
        f"{row.field}{where}: {row.stored:g} stored, {row.expected:g} from the annotations "
        f"({row.stored - row.expected:+g})"
    )
