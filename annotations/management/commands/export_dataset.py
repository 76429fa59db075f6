import dataclasses
import os
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.export_source import DATABASE_ERRORS, ExportUnavailable, choose
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
        parser.add_argument(
            "--model", action="append",
            help="sentences: add this model's label and score (repeat for several)",
        )
        parser.add_argument("--anonymize", action="store_true", help="pseudonyms for reviewers")
        parser.add_argument(
            "--max-lag", help="seconds the read replica may be behind before the primary is read"
        )
        parser.add_argument(
            "--no-csv-guard", dest="csv_guard", action="store_false",
            help="CSV: write every text exactly, without the ' that keeps spreadsheets from "
            "running a cell starting = + - @ as a formula",
        )

    def handle(self, *, kind, output, **options):
        if options.get("model") and kind != "sentences":
            raise CommandError("--model: only the sentence export adds predictions")
        if options.get("label") and kind == "skips":
            raise CommandError("--label: a skip has no label")
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
        try:
            source = choose(query.filters.max_lag)
            filters = dataclasses.replace(query.filters, database=source.alias)
            if output == "-":
                total, written = self.export(kind, query.format, filters, sys.stdout.buffer)
            else:
                total, written = self.export_to_file(kind, query.format, filters, output)
        except (ExportUnavailable, *DATABASE_ERRORS) as error:
            problem = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise CommandError(
                f"The export failed and wrote nothing to {output}: {problem}"
            ) from None
        if output != "-":
            self.stdout.write(self.style.SUCCESS(
                f"Wrote {total} {kind} rows ({written:,} bytes) to {output} "
                f"(read from the {source.name})."
            ))

    def export_to_file(self, kind, fmt, filters, output):
        """Write under a temporary name beside `output`, renamed to it once complete: a
        cut-off export never looks like a finished file."""
        directory = os.path.dirname(os.path.abspath(output))
        handle, partial = tempfile.mkstemp(
            dir=directory, prefix=f".{os.path.basename(output)}.", suffix=".partial"
        )
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(partial, 0o666 & ~umask)  # as open() would have made it
        try:
            with os.fdopen(handle, "wb") as target:
                done = self.export(kind, fmt, filters, target)
            os.replace(partial, output)
        except BaseException:
            os.unlink(partial)
            raise
        return done

    def export(self, kind, fmt, filters, target):
        total = count_rows(kind, filters)
        written = 0
        with tqdm(total=total, unit="row", disable=None, file=sys.stderr) as bar:
            for chunk in stream_export(kind, fmt, filters):
                target.write(chunk)
                # Rows end with a newline (a note's own newlines make this approximate in
                # CSV, hence the cap).
                bar.update(min(chunk.count(b"\n"), total - bar.n))
                written += len(chunk)
        return total, written
