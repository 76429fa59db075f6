import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.importing import (
    InvalidArticle,
    InvalidRecords,
    get_project,
    import_records,
    read_records,
)
from annotations.models import DEFAULT_PROJECT_SLUG, Sentence
from annotations.segmentation import available_cores


def _positive(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Import articles from .txt (one article), .json (an object or a list), .jsonl "
        "(an object a line) or .html (a saved web page) files, or from web pages by --url. "
        "All or nothing: one bad record stores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE")
        parser.add_argument(
            "--url", action="append", default=[], dest="urls", metavar="URL",
            help="fetch this page and import its article (repeat for several)",
        )
        parser.add_argument(
            "--project", default=DEFAULT_PROJECT_SLUG, help="project slug (default: default)"
        )
        parser.add_argument(
            "--title",
            help="title of a .txt or .html article (default: its first line, or the page's)",
        )
        parser.add_argument(
            "--processes",
            type=_positive,
            default=available_cores(),
            metavar="N",
            help="processes that split the articles into sentences (default: the cores, "
            f"here {available_cores()})",
        )

    def handle(self, *, files, urls, project, title, processes, **options):
        if not files and not urls:
            raise CommandError("Give at least one FILE or --url URL.")
        try:
            records = [pair for path in files for pair in read_records(path, title=title)]
            records += [(f"url {n}", {"url": url}) for n, url in enumerate(urls, start=1)]
            target = get_project(project)
            with tqdm(
                total=len(records), unit="article", disable=None, file=sys.stderr
            ) as bar:
                results = import_records(
                    records, project=target, progress=bar.update, processes=processes
                )
        except InvalidRecords as error:
            if len(error.errors) == 1:
                raise CommandError(f"{error.errors[0]}. Nothing was imported.") from None
            raise CommandError(
                "\n".join([
                    f"{error.heading}:",
                    *(f"  {line}" for line in error.listed()),
                ])
            ) from None
        except InvalidArticle as error:
            raise CommandError(f"{error}. Nothing was imported.") from None
        created = sum(result.created for result in results)
        sentences = Sentence.objects.filter(
            article__in=[result.article for result in results if result.created]
        ).count()
        # A record's own project wins over --project.
        slugs = sorted(
            {target.slug} if not results
            else {result.article.project.slug for result in results}
        )
        where = ", ".join(repr(slug) for slug in slugs)
        fetched = results[len(results) - len(urls):] if urls else []
        for url, result in zip(urls, fetched, strict=True):
            if not result.created:
                self.stdout.write(
                    f"{url}: already imported (article {result.article.pk}, "
                    f"{result.article.title!r}); nothing changed."
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} created ({sentences} sentences), "
                f"{len(results) - created} unchanged, "
                f"in project{'s' if len(slugs) > 1 else ''} {where}."
            )
        )
