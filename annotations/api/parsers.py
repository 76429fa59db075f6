import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ParseError(f"JSON parse error - duplicate field {key!r}")
        seen[key] = value
    return seen


class StrictJSONParser(JSONParser):
    """JSON that is valid UTF-8, has no duplicate fields and is not nested absurdly deep:
    anything else is a 400 that says which."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            text = stream.read().decode(settings.DEFAULT_CHARSET)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - not valid UTF-8 (byte {error.start})") from None
        try:
            return json.loads(text, object_pairs_hook=_no_duplicates)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
