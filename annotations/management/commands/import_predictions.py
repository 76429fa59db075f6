import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.predictions import (
    PROBLEMS_LISTED,
    InvalidModelName,
    InvalidPredictions,
    import_predictions,
)


class Command(BaseCommand):
    help = (
        "Import a model's predictions from JSONL or a JSON list: label (verified, disputed, "
        "unclear), score (0-1, optional) and sentence_id, or article_id (or url) with start "
        "and end. All or nothing; replaces the model's earlier predictions for those sentences."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="'-' reads standard input")
        parser.add_argument("--model", required=True, help="the model's name (created if new)")
        parser.add_argument("--description", help="what the model is (kept with its name)")

    def handle(self, *, file, model, description, **options):
        try:
            if file == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as handle:
                    data = handle.read()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None

        def progress(stage, total):
            return tqdm(total=total, desc=stage, unit="prediction", disable=None,
                        file=sys.stderr)

        try:
            result = import_predictions(
                model=model, data=data, description=description, progress=progress
            )
        except InvalidModelName as error:
            raise CommandError(str(error)) from None
        except InvalidPredictions as error:
            listed = error.problems[:PROBLEMS_LISTED]
            more = len(error.problems) - len(listed)
            raise CommandError("\n".join([
                f"{file}: {len(error.problems)} bad prediction(s); nothing was stored:",
                *(f"  {problem}" for problem in listed),
                *([f"  and {more} more"] if more > 0 else []),
            ])) from None
        self.stdout.write(self.style.SUCCESS(
            f"{result.total} predictions for model {result.model.name!r}"
            f"{' (new model)' if result.model_created else ''}: {result.created} new, "
            f"{result.changed} changed, {result.unchanged} unchanged."
        ))
