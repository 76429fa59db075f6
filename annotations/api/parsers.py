import json
import re

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


# A surrogate can only come from a \uXXXX escape (the UTF-8 decoder refuses them), and a
# paired one decodes to a single character: any left after parsing is a lone half.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(document):
    """Where the first lone surrogate is (`label`, `evidence[2]`), or None; iterative, so
    that any depth json accepted is fine."""
    stack = [("", document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str) and _SURROGATE.search(value):
            return where or "the document"
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where else key
                if _SURROGATE.search(key):
                    return f"a field name ({name!r})"
                stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return None


class StrictJSONParser(JSONParser):
    """JSON that is valid UTF-8, has no duplicate fields, no lone surrogate escapes and is not
    nested absurdly deep: anything else is a 400 that says which."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            text = stream.read().decode(settings.DEFAULT_CHARSET)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - not valid UTF-8 (byte {error.start})") from None
        try:
            document = json.loads(text, object_pairs_hook=_no_duplicates)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        if _SURROGATE_ESCAPE.search(text) and (where := _lone_surrogate(document)):
            raise ParseError(
                f"JSON parse error - {where} holds a lone surrogate escape (\\ud800 to "
                "\\udfff without its pair), which is not a character"
            )
        return document
