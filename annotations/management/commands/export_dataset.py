import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.exporting import (
    FORMATS,
    KINDS,
    PARAMETERS,
    InvalidExportQuery,
    count_rows,
    parse_export_query,
    stream_export,
)


class Command(BaseCommand):
    help = "Write a dataset export to a file: the same rows, formats and filters as the API."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=KINDS, required=True)
        parser.add_argument("--format", choices=FORMATS, default="jsonl")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")
        parser.add_argument("--project", help="project slug")
        parser.add_argument("--article", help="article id")
        parser.add_argument("--label", help="verified, disputed or unclear")
        parser.add_argument("--reviewer", help="username")
        parser.add_argument("--updated-since", help="ISO 8601 date-time")
        parser.add_argument("--has-verdict", metavar="true|false")
        parser.add_argument("--split", help="train, validation or test")
        parser.add_argument("--language", help="the articles' ISO 639-1 code, e.g. ar")
        parser.add_argument("--anonymize", action="store_true", help="pseudonyms for reviewers")
        parser.add_argument(
            "--no-csv-guard", dest="csv_guard", action="store_false",
            help="CSV: write every text exactly, without the ' that keeps spreadsheets from "
            "running a cell starting = + - @ as a formula",
        )

    def handle(self, *, kind, output, **options):
        try:
            # The operator's command exports every project (projects=None).
            query = parse_export_query({name: options.get(name) for name in PARAMETERS})
        except InvalidExportQuery as error:
            raise CommandError(
                "; ".join(
                    f"--{name.replace('_', '-')}: {problem}"
                    for name, problem in error.errors.items()
                )
            ) from None
        filters, fmt = query.filters, query.format
        total = count_rows(kind, filters)
        target = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
        written = 0
        try:
            with tqdm(total=total, unit="row", disable=None, file=sys.stderr) as bar:
                for chunk in stream_export(kind, fmt, filters):
                    target.write(chunk)
                    # Rows end with a newline (a note's own newlines make this approximate
                    # in CSV, hence the cap).
                    step = min(chunk.count(b"\n"), total - bar.n)
                    bar.update(step)
                    written += len(chunk)
        finally:
            if target is not sys.stdout.buffer:
                target.close()
        if output != "-":
            self.stdout.write(
                self.style.SUCCESS(f"Wrote {total} {kind} rows ({written:,} bytes) to {output}.")
            )
