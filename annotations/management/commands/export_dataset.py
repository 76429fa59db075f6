import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.api.serializers import ExportParamsSerializer
from annotations.exporting import FORMATS, KINDS, count_rows, stream_export


class Command(BaseCommand):
    help = "Write a dataset export to a file: the same rows, formats and filters as the API."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=KINDS, required=True)
        parser.add_argument("--format", choices=FORMATS, default="jsonl")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")
        parser.add_argument("--project", help="project slug")
        parser.add_argument("--article", type=int, help="article id")
        parser.add_argument("--label", help="verified, disputed or unclear")
        parser.add_argument("--reviewer", help="username")
        parser.add_argument("--updated-since", help="ISO 8601 date-time")
        parser.add_argument("--has-verdict", choices=["true", "false"])
        parser.add_argument("--split", help="train, validation or test")
        parser.add_argument("--anonymize", action="store_true", help="pseudonyms for reviewers")

    def handle(self, *, kind, output, **options):
        names = ["format", "project", "article", "label", "reviewer", "updated_since",
                 "has_verdict", "split", "anonymize"]
        query = {name: options[name] for name in names if options.get(name) not in (None, "")}
        # The operator's command exports every project.
        params = ExportParamsSerializer(data=query, context={"projects": None})
        if not params.is_valid():
            problems = "; ".join(
                f"--{field.replace('_', '-')}: {' '.join(map(str, errors))}"
                for field, errors in params.errors.items()
            )
            raise CommandError(problems)
        filters = params.filters()
        fmt = params.validated_data["format"]
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
