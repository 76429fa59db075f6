"""News passages in the languages the splitter supports well, and how an editor splits them.

One module per language, each with TUNED cases (the per-language corrections in
annotations/segmentation.py were written against them) and HELD_OUT cases (never looked
at while writing rules: they say how the rules do on text they were not fitted to).
Written for these tests, in the style of wire copy: abbreviations, initials, dates,
quotations, questions and numbers, where splitters go wrong.
"""

from importlib import import_module

from tests.segmentation_cases import Case

LANGUAGES = ["ru", "uk", "de", "fr", "es", "pt", "zh", "ja", "ar"]

_MODULES = [import_module(f"tests.multilingual.{code}") for code in LANGUAGES]
TUNED: list[Case] = [case for module in _MODULES for case in module.TUNED]
HELD_OUT: list[Case] = [case for module in _MODULES for case in module.HELD_OUT]
