import sys
from itertools import groupby

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations import counts
from annotations.models import Article


class Command(BaseCommand):
    help = (
        "Rebuild every count derived from the annotations ("
        + ", ".join(derived.name for derived in counts.DERIVED)
        + "), a batch of articles per transaction. With --check, change nothing: report "
        "the drift per article and exit with status 1 if there is any."
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
        total = Article.objects.count()
        drifted = 0
        with tqdm(total=total, unit="article", disable=None, file=sys.stderr) as bar:
            for pks in counts.batches(batch_size):
                articles = Article.objects.filter(pk__in=pks)
                drift = counts.check(articles) if check else counts.rebuild(articles)
                drifted += self.report(drift)
                bar.update(len(pks))
        names = ", ".join(derived.name for derived in counts.DERIVED)
        if check and drifted:
            raise CommandError(
                f"Drift in {drifted} of {total} articles; `manage.py rebuild_counts` "
                "rebuilds their counts.",
                returncode=1,
            )
        if check:
            self.stdout.write(self.style.SUCCESS(f"No drift in {total} articles ({names})."))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Rebuilt the {names} of {total} articles; {drifted} had drifted."
            ))

    def report(self, drift):
        """Write the drift of each article; return how many articles drifted."""
        drift = sorted(drift, key=lambda row: row.article_id)
        titles = dict(
            Article.objects.filter(pk__in={row.article_id for row in drift})
            .values_list("pk", "title")
        )
        articles = 0
        for article_id, rows in groupby(drift, key=lambda row: row.article_id):
            articles += 1
            self.stdout.write(f"Article {article_id} ({titles.get(article_id, '')[:60]!r}):")
            for count, fields in groupby(rows, key=lambda row: row.count):
                fields = list(fields)
                if all(row.stored is None for row in fields):
                    self.stdout.write(f"  {count}: none stored")
                else:
                    self.stdout.write(f"  {count}: " + "; ".join(map(describe, fields)))
        return articles


def describe(row):
    """e.g. "verified_count on 2 sentences: 9 stored, 7 from the annotations (+2)"."""
    where = f" on {row.sentences} sentence{'s' * (row.sentences != 1)}" if row.sentences else ""
    if row.stored is None:
        return f"{row.field}{where}: none stored, {row.expected:g} from the annotations"
    return (
        f"{row.field}{where}: {row.stored:g} stored, {row.expected:g} from the annotations "
        f"({row.stored - row.expected:+g})"
    )
