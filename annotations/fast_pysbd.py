"""pysbd's segmenters, with pysbd's answers in time linear in the text's length.

Pure Python (no Django). pysbd 0.3.4 rewrites the whole text once for every abbreviation
and every list item it finds, compiles a pattern for every sentence and searches for it
from the start of the text: its time grows with the square of a paragraph's length. Each
class below replaces one of those steps with one that gives the same result, and says why
it is the same; tests/test_segmentation.py holds them to pysbd's own answers, in every
language pysbd has.

The languages differ only in what the steps are given: their lists of abbreviations and
their own versions of some of pysbd's methods (the rewrite for an abbreviation in ar, bg,
de, fa, ru and sk; the list step in sk; other steps in de, kk and sk). Where a language
has its own method, the step here calls it, and only what it saves is shared.
"""

import functools
import re

import pysbd
from pysbd.abbreviation_replacer import AbbreviationReplacer
from pysbd.languages import LANGUAGE_CODES
from pysbd.lists_item_replacer import ListItemReplacer
from pysbd.processor import Processor
from pysbd.utils import Text, TextSpan

__all__ = ["LANGUAGES", "Segmenter"]

LANGUAGES = frozenset(LANGUAGE_CODES)

_SPACES = re.compile(r"\s*")


class Segmenter(pysbd.Segmenter):
    """pysbd.Segmenter(language=language, clean=False, char_span=True), faster."""

    def __init__(self, language="en"):
        super().__init__(language=language, clean=False, char_span=True)
        self.language_module = _fast_language(language)

    def sentences_with_char_spans(self, sentences):
        """pysbd's, without compiling a pattern for each sentence and scanning the text
        from its start for each."""
        spans, prior_end = [], 0
        for sentence in sentences:
            if found := _match_ending_after(self.original_text, sentence, prior_end):
                start, prior_end = found
                spans.append(TextSpan(self.original_text[start:prior_end], start, prior_end))
        return spans


def _match_ending_after(text, literal, prior_end):
    """(start, end) of pysbd's match for a sentence: `literal` and the white space after
    it, the first that ends after `prior_end` among the matches found by scanning `text`
    from its start; None if there is none."""
    if not literal or literal[0].isspace() or _overlaps_itself(literal):
        # A match may then hide the next occurrence: scan as pysbd does.
        pattern = re.escape(literal) + r"\s*"
        return next((m.span() for m in re.finditer(pattern, text) if m.end() > prior_end), None)
    # Occurrences cannot overlap, so each one is a match, and one that starts before the
    # white space leading up to prior_end, less the literal's length, ends before it.
    pos = prior_end
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    pos = max(0, pos - len(literal))
    while (start := text.find(literal, pos)) >= 0:
        pos = _SPACES.match(text, start + len(literal)).end()
        if pos > prior_end:
            return start, pos
    return None


def _overlaps_itself(literal):
    """Whether a proper prefix of `literal` is also a suffix of it ("ha ha")."""
    k = literal.find(literal[0], 1)
    while k > 0:
        if literal.startswith(literal[k:]):
            return True
        k = literal.find(literal[0], k + 1)
    return False


class _AbbreviationReplacer:
    """pysbd's, rewriting the text once for each spelling of an abbreviation.

    pysbd rewrites the whole text once for every occurrence, compiling the pattern anew
    each time, although the rewrite is the same for one spelling and a second one changes
    nothing: it only turns the periods after that spelling into a placeholder, which no
    other spelling's rewrite can bring back. So each spelling is rewritten once, at its
    first occurrence that pysbd would rewrite, in pysbd's order, with pysbd's pattern.

    A spelling is the abbreviation as found, without the white space before it, unless
    the language's rewrite looks at that white space too (ar, de, fa, sk).
    """

    def search_for_abbreviations_in_string(self, text):
        lang = self.lang
        own_scan = _overrides(type(self), "scan_for_replacements")
        own_period = _overrides(type(self), "replace_period_of_abbr")
        keep_space = own_scan or type(self).replace_period_of_abbr is _SLOVAK_PERIOD_OF_ABBR
        prepositive = lang.Abbreviation.PREPOSITIVE_ABBREVIATIONS
        number = lang.Abbreviation.NUMBER_ABBREVIATIONS
        lowered = text.lower()
        # The lowered text finds what pysbd's pattern (which ignores case) finds for an
        # abbreviation of ASCII letters, unless a letter lowers to two, or is one of the
        # two that match an ASCII letter ignoring case and yet lower to another letter.
        plain = len(lowered) == len(text) and not _OTHER_CASES.search(text)
        for abbreviation in lang.Abbreviation.ABBREVIATIONS:
            stripped = abbreviation.strip()
            if stripped not in lowered:
                continue
            if plain and stripped.isascii() and stripped.isalpha():
                occurrences = _occurrences_in(text, lowered, stripped)
            else:
                occurrences = _occurrences(stripped).findall(text)
            if not occurrences:
                continue
            # pysbd looks behind for the literal "{abbr} " (braces included) to find the
            # next word, so it finds none unless that literal is in the text.
            if "{" + stripped + "} " in text:
                next_chars = re.findall(r"(?<={" + re.escape(stripped) + "} ).{1}", text)
            else:
                next_chars = []
            rewritten = set()
            for index, occurrence in enumerate(occurrences):
                spelling = occurrence if keep_space else occurrence.strip()
                if spelling in rewritten:
                    continue
                if own_scan:  # the language's rewrite, whatever the next word
                    text = self.scan_for_replacements(text, occurrence, index, next_chars)
                else:
                    char = next_chars[index] if index < len(next_chars) else ""
                    kind = occurrence.strip().lower()
                    if char.isupper() and kind not in prepositive:
                        continue
                    if own_period and kind not in prepositive and kind not in number:
                        text = self.replace_period_of_abbr(text, occurrence)
                    else:
                        text = _period_after(lang, occurrence.strip()).sub("∯", " " + text)[1:]
                rewritten.add(spelling)
        return text


def _overrides(cls, name):
    """Whether `cls` has its own version of AbbreviationReplacer's method `name`."""
    return getattr(cls, name) is not getattr(AbbreviationReplacer, name)


_SLOVAK_PERIOD_OF_ABBR = LANGUAGE_CODES["sk"].AbbreviationReplacer.replace_period_of_abbr

_OTHER_CASES = re.compile("[ſı]")


def _occurrences_in(text, lowered, abbreviation):
    """What _occurrences(abbreviation).findall(text) finds, found in `lowered` (the text
    lowered, as long as the text) for an abbreviation of ASCII letters: ten times faster
    than the pattern."""
    found, size = [], len(abbreviation)
    at = lowered.find(abbreviation)
    while at >= 0:
        if at == 0:
            found.append(text[:size])
        elif text[at - 1].isspace():  # what \s matches
            found.append(text[at - 1 : at + size])
        at = lowered.find(abbreviation, at + 1)
    return found


@functools.cache
def _occurrences(abbreviation):
    """pysbd's pattern for an abbreviation after a space (unescaped, as pysbd has it: the
    "." of "e.g" matches any character)."""
    return re.compile(rf"(?:^|\s|\r|\n){abbreviation}", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)  # spellings come from the text: keep a bounded few
def _period_after(lang, spelling):
    """pysbd's pattern for a period after `spelling` that ends no sentence in `lang`."""
    kind = spelling.lower()
    if kind in lang.Abbreviation.PREPOSITIVE_ABBREVIATIONS:
        return re.compile(rf"(?<=\s{spelling})\.(?=(\s|:\d+))")
    if kind in lang.Abbreviation.NUMBER_ABBREVIATIONS:
        return re.compile(rf"(?<=\s{spelling})\.(?=(\s\d|\s+\())")
    return re.compile(
        rf"(?<=\s{re.escape(spelling)})\.(?=((\.|\:|-|\?|,)|(\s([a-z]|I\s|I'm|I'll|\d|\())))"
    )


class _ListItemReplacer(ListItemReplacer):
    """pysbd's, rewriting the text once for all list numbers and once for each letter,
    rather than once for each list item.

    A rewrite marks the items of one number (or letter) as list items, which its pattern
    then no longer matches, and leaves the other numbers' items as they were: so a second
    rewrite for the same number changes nothing, and the order does not matter. The one
    exception is a letter without its opening bracket ("a)"), which gains a line break
    before it at each rewrite: it gets them all at once.
    """

    def scan_lists(self, regex1, regex2, replacement, strip=False):
        items = [int(item) for item in re.findall(regex1, self.text)]
        numbers = set()
        for index, item in enumerate(items):
            # pysbd's test: the next item follows this one, or this one the previous.
            previous = items[index - 1] if index > 0 else None
            if (index < len(items) - 1 and item + 1 == items[index + 1]) or (
                index > 0
                and (
                    item - 1 == previous
                    or (item == 0 and previous == 9)
                    or (item == 9 and previous == 0)
                )
            ):
                numbers.add(str(item))
        if not numbers:
            return

        def replace(match):  # substitute_found_list_items's, for every number at once
            match = match.group().strip() if strip else match.group()
            chomped = match if len(match) == 1 else match.strip(".])")
            return chomped + replacement if chomped in numbers else match

        self.text = re.sub(regex2, replace, self.text)

    def iterate_alphabet_array(self, regex, parens=False, roman_numeral=False):
        alphabet = self.ROMAN_NUMERALS if roman_numeral else self.LATIN_NUMERALS
        items = [item for item in re.findall(regex, self.text) if item in alphabet]
        rewrites = {}  # letter: how many times pysbd rewrites for it
        for index, item in enumerate(items):
            if _alphabet_item_rewritten(items, index, alphabet):
                rewrites[item] = rewrites.get(item, 0) + 1
        for item, times in rewrites.items():
            if parens:
                self.text = self._replace_alphabet_list_parens(item, times)
            else:
                self.text = self.replace_alphabet_list(item)
        return self.text

    def _replace_alphabet_list_parens(self, letter, times):
        """replace_alphabet_list_parens(letter) done `times` times."""

        def replace(match):
            match = match.group()
            if "(" in match:
                return f"\r&✂&{letter}" if match.strip("(") == letter else match
            return "\r" * times + match if match == letter else match

        return re.sub(
            self.EXTRACT_ALPHABETICAL_LIST_LETTERS_REGEX, replace, self.text, flags=re.IGNORECASE
        )


def _alphabet_item_rewritten(items, i, alphabet):
    """Whether pysbd rewrites the text for items[i] (its last_array_item_replacement and
    other_items_replacement, whose negative indexes wrap around as pysbd's do)."""
    item = items[i]
    if items[i - 1] not in alphabet or item not in alphabet:
        return False
    after_previous = abs(alphabet.index(items[i - 1]) - alphabet.index(item)) == 1
    if i == len(items) - 1:
        return after_previous
    if items[i + 1] not in alphabet:
        return False
    return alphabet.index(items[i + 1]) - alphabet.index(item) == 1 or after_previous


class _Processor:
    def process(self):
        """pysbd's, with _ListItemReplacer (or the language's own list step, made the same
        way)."""
        if not self.text:
            return self.text
        self.text = self.text.replace("\n", "\r")
        self.text = self.lang.FastListItemReplacer(self.text).add_line_break()
        self.replace_abbreviations()
        self.replace_numbers()
        self.replace_continuous_punctuation()
        self.replace_periods_before_numeric_references()
        self.text = Text(self.text).apply(
            self.lang.Abbreviation.WithMultiplePeriodsAndEmailRule,
            self.lang.GeoLocationRule,
            self.lang.FileFormatRule,
        )
        return self.split_into_segments()


@functools.cache
def _fast_language(code):
    """pysbd's language module for `code`, with the steps above in place of pysbd's."""
    lang = LANGUAGE_CODES[code]
    replacer = getattr(lang, "AbbreviationReplacer", AbbreviationReplacer)
    processor = getattr(lang, "Processor", Processor)
    list_replacer = _ListItemReplacer
    if own_list_step := getattr(lang, "ListItemReplacer", None):
        # Slovak's leaves out the lettered lists: the same choice of steps, made fast.
        list_replacer = type(
            f"_{lang.__name__}ListItemReplacer",
            (_ListItemReplacer,),
            {"add_line_break": own_list_step.add_line_break},
        )
    return type(
        f"_{lang.__name__}",
        (lang,),
        {
            "AbbreviationReplacer": type(
                f"_{lang.__name__}AbbreviationReplacer", (_AbbreviationReplacer, replacer), {}
            ),
            "Processor": type(f"_{lang.__name__}Processor", (_Processor, processor), {}),
            "FastListItemReplacer": list_replacer,
        },
    )
