"""Split article bodies into sentences with exact character offsets.

Pure Python (no Django).  pysbd does the segmenting (made linear in
`fast_pysbd`), one paragraph at a time and a window at a time in a long one;
a thin layer of rules below fixes the few places where it is wrong on news
copy.  Offsets are always recomputed from the body itself, so whatever the
segmenter returns, the spans satisfy the contract of `split_sentences`.

Paragraphs: lines end with \\r\\n, \\r or \\n.  A blank line is one made only
of whitespace (`str.isspace`).  If a blank line separates two non-blank lines,
blank lines are the paragraph breaks and single line breaks are soft wraps;
otherwise every line is its own paragraph.  Blank lines before the first or
after the last non-blank line are padding: they don't switch on soft wraps.
"""

import bisect
import itertools
import multiprocessing
import os
import re
import threading

from . import fast_pysbd

__all__ = [
    "RULES",
    "available_cores",
    "paragraph_spans",
    "rules_for",
    "split_many",
    "split_sentences",
]

# Whose rules split an article: its language's own if pysbd has them, else those of the
# nearest language pysbd has (same script, and abbreviations, ordinals and quotation
# marks written alike), else English's, which only know the script's full stop, "?"
# and "!". The README's table says the same.
RULES = {code: code for code in sorted(fast_pysbd.LANGUAGES)} | {
    "be": "ru",  # Belarusian
    "bn": "hi",  # Bengali: the danda ends a sentence
    "ca": "es",  # Catalan
    "cs": "sk",  # Czech: "2. prosince", "s. r. o."
    "gl": "es",  # Galician
    "mk": "bg",  # Macedonian
    "nb": "da",  # Norwegian Bokmål: "1. januar"
    "ne": "hi",  # Nepali
    "nn": "da",  # Norwegian Nynorsk
    "no": "da",  # Norwegian
    "pa": "hi",  # Punjabi
    "ps": "fa",  # Pashto
    "pt": "es",  # Portuguese
    "sv": "da",  # Swedish: "bl.a."
    "ti": "am",  # Tigrinya: Ethiopic punctuation
    "uk": "ru",  # Ukrainian
}
DEFAULT_RULES = "en"

# pysbd.Segmenter keeps the text being segmented on the instance, so a shared
# segmenter must not be used by two threads at once: one lock each.
_SEGMENTERS = {code: fast_pysbd.Segmenter(code) for code in set(RULES.values())}
_LOCKS = {code: threading.Lock() for code in _SEGMENTERS}

# A long paragraph goes to pysbd a window of _WINDOW characters at a time, so that no
# step of pysbd's (quotes it pairs, lists it numbers) runs over more than a window, and
# the lock is held for one window at a time. A window's sentence ends are taken between
# _CONTEXT characters after its start and _CONTEXT before its end: with that much text
# on either side, pysbd ends them as it would in the whole paragraph, unless a quotation
# or a numbered list runs longer than that.
_WINDOW = 10_000
_CONTEXT = 1_000

# Below this many characters in all, a batch splits in this process: starting workers
# costs more than it saves (about 0.1 s of splitting).
PARALLEL_MIN_CHARS = 200_000
# Texts a worker takes at a time: few round trips, yet the workers stay evenly loaded.
_TEXTS_A_TASK = 20

# pysbd's Arabic, Persian and German rules take an abbreviation found at the very start
# of a text without the space before it, and then no period after those letters ends a
# sentence anywhere in the text ("صباحا." in a text that begins with "ا"). A space in
# front gives them the space they expect.
_PAD = {"ar", "fa", "de"}

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# --- joins: pysbd ends a sentence here, but it goes on ----------------------

_AM_PM_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b"
_TIME_ZONE = r"(?:[ECMP][SD]?T|GMT|UTC|BST|CES?T|EES?T|MSK|IST|JST|AES?T|AEDT)\b"
# Besides a lower-case word, what may follow "a.m."/"p.m." inside the same
# sentence: "9 a.m. Tuesday", "4 p.m. ET", "9 a.m. (1400 GMT)".
# ("11 a.m. Kyiv time", "8 p.m. Eastern time".)
_AFTER_AM_PM = re.compile(rf"{_WEEKDAY}|{_TIME_ZONE}|\(|[A-Z][\w-]* time\b")
# Transliterated Russian initials ("Yu. Ushakov", "Zh. Alferov") are two
# letters, so pysbd takes them for the end of a sentence.
_DIGRAPH_INITIAL_END = re.compile(r"(?:^|[\s(])(?:Yu|Ya|Ye|Yo|Zh|Kh|Ch|Sh|Ts)\.$")
# A Cyrillic initial ("Ю. Ушаков", "С. В. Лавров", "Дж. Байден").
_CYRILLIC_INITIAL_END = re.compile(r"(?:^|[\s(])(?:[А-ЯЁЇІЄҐЎ]|Дж)\.$")
# No sentence ends in a comma or a colon; pysbd's Arabic and Persian rules end one at
# "،" and ":", and its Armenian ones at ":", written for the Armenian full stop "։".
_NEVER_ENDS = {"hy": ",،"}
_NEVER_ENDS_DEFAULT = ",،:"
# A word in lower case: one in mixed case ("iPhone", "eBay") may begin a sentence.
_LOWER_WORD = re.compile(r"[^\W\d_]+")

# Per language: titles always followed by a name ("Sr. García", "Dra. López"), and
# abbreviations that go on before a capital unless a sentence starts there ("40 Min.
# Verspätung", in a language whose nouns are capitalised).
_TITLES = {
    "en": "Ft|Gov|Sen|Rep|Gen|Lt|Col|Capt|Sgt|Pres|Hon",
    "es": "Sr|Sra|Srta|Sres|Dr|Dra|Drs|Prof|Profa|Lic|Ing|Eng|Arq|Gral|Cnel|Pdte|Excmo|Excma",
}
_TITLE_END = {
    rules: re.compile(rf"(?:^|[\s(])(?:{titles})\.$") for rules, titles in _TITLES.items()
}
_UNIT_BEFORE_NOUN_END = {
    "de": re.compile(r"\d\s?(?:Min|Sek|Std|Tsd|Mio|Mrd|Jh|Nr|Bd|Abs|Art)\.$"),
}
# Abbreviations that go on before a number ("approx. 40").
_BEFORE_NUMBER_END = {"en": re.compile(r"(?:^|[\s(])(?:approx|est|ca)\.$", re.IGNORECASE)}
_SENTENCE_STARTERS = {
    "de": frozenset(
        [
            "Am",
            "Auch",
            "Auf",
            "Bei",
            "Da",
            "Dann",
            "Das",
            "Dem",
            "Den",
            "Der",
            "Des",
            "Die",
            "Diese",
            "Dieser",
            "Doch",
            "Ein",
            "Eine",
            "Er",
            "Es",
            "Für",
            "Heute",
            "Ich",
            "Ihr",
            "Im",
            "In",
            "Ist",
            "Jetzt",
            "Man",
            "Mein",
            "Mit",
            "Nach",
            "Nun",
            "Sie",
            "So",
            "Und",
            "Warum",
            "Was",
            "Wenn",
            "Wer",
            "Wie",
            "Wir",
        ]
    ),
}

# pysbd's Russian rules never end a sentence at a unit after a number ("в 2024 г.",
# "500 тыс. руб."), whatever follows; nouns are not capitalised, so a capital after one
# starts a sentence, unless the unit closes an opening phrase ("В 2024 г. Путин ...").
_CYRILLIC_UPPER = "А-ЯЁЇІЄҐЎ"
_UNIT_THEN_SENTENCE = {
    "ru": re.compile(
        r"\d\s?(?:(?:тыс|млн|млрд|трлн)\.?\s)?"
        r"(?:гг?|руб|грн|тыс|долл|млн|млрд|трлн|кг|км|см|ч|мин|сек)(\.)\s+"
        rf"(?=[{_CYRILLIC_UPPER}])"
    ),
}
_OPENING_YEAR = re.compile(r"(?:^|[.!?…]\s+)(?:В|С|К|До|После|На|От|Уже в|У)\s+\d+\s?гг?\.\s*$")

# Where ordinals are written "2." ("am 2. Dezember ... am 3. Dezember"), pysbd takes
# numbers that follow each other for a list and starts an item mid-sentence.
_ORDINAL_RULES = {"de", "da", "sk"}
_ORDINAL = re.compile(r"\d{1,3}\.\s")

# pysbd splits at the "?" of a query string.
_URL_OR_EMAIL = re.compile(r"(?<!\S)\S*?(?:https?://|www\.|\w@\w)\S*", re.IGNORECASE)
_SPACES = re.compile(r"\s*")

# --- splits: pysbd misses these sentence ends -------------------------------

# '"Is this the end?" "No," he said.' and '... war… Nobody ...'.  The lookahead
# only finds a candidate; the next letter must also be upper case.
_QUOTE_THEN_QUOTE = re.compile(r"[.?!…][\"”’]\s+(?=[\"“‘]\w)")
# "... told me, 'This is final.'" Nobody ..." and "... as ‘minor.’ Residents ...": a
# period closed by quote marks (not one of "U.S.'").
_PERIOD_THEN_QUOTES = re.compile(r"(?<!\.\w)\.[\"”’']{1,2}\s+(?=[\"“‘(]?\w)")
_ELLIPSIS_THEN_WORD = re.compile(r"…[\"”’)]*\s+(?=[\"“‘(]?\w)")
# A soft-wrapped line that starts a list item also starts a sentence.
_LIST_ITEM_LINE = re.compile(r"(?:\r\n|\r|\n)[^\S\r\n]*(?=(?:\d{1,3}[.)]|[-*•▪])\s)")

_CLOSERS = "\"”’')]»」』）》〉】"
# Japanese quotes a sentence and goes on with a particle: 「…。」と述べた.
_QUOTATIVE_AFTER_CLOSER = re.compile(r"[」』]と")


def split_sentences(body: str, language: str = "en") -> list[tuple[int, int]]:
    """(start, end) code-point offsets of each sentence of `body`, in order.

    `language` is the article's ISO 639-1 code (a region after it, "pt-BR", is ignored);
    it picks the rules (see `rules_for`).
    """
    rules = rules_for(language)
    spans = []
    for par_start, par_end in paragraph_spans(body):
        paragraph = body[par_start:par_end]
        for start, end in _cut(paragraph, _boundaries(paragraph, rules)):
            spans.append((par_start + start, par_start + end))
    return spans


def split_many(texts, *, processes: int = 1):
    """split_sentences of each (body, language) pair of `texts`, in order, as they come.

    With `processes` > 1 and enough text, forked worker processes split them (pysbd is
    pure Python: one core a process); otherwise this process does.
    """
    texts = list(texts)
    if (
        processes <= 1
        or len(texts) < 2
        or sum(len(body) for body, _ in texts) < PARALLEL_MIN_CHARS
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for body, language in texts:
            yield split_sentences(body, language)
        return
    processes = min(processes, len(texts))
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_fresh_segmenter) as pool:
        yield from pool.imap(_split_pair, texts, chunksize=_TEXTS_A_TASK)


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _fresh_segmenter():
    # A fork copies each lock as it was: held, if another thread was splitting.
    global _SEGMENTERS, _LOCKS
    _SEGMENTERS = {code: fast_pysbd.Segmenter(code) for code in _SEGMENTERS}
    _LOCKS = {code: threading.Lock() for code in _SEGMENTERS}


def _split_pair(pair):
    body, language = pair
    return split_sentences(body, language)


def rules_for(language: str | None) -> str:
    """The pysbd language whose rules split text in `language` (an ISO 639-1 code)."""
    code = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    return RULES.get(code, DEFAULT_RULES)


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, stripped, line breaks inside it included."""
    lines, pos = [], 0
    for match in _LINE_BREAK.finditer(body):
        lines.append((pos, match.start()))
        pos = match.end()
    lines.append((pos, len(body)))
    filled = [i for i, (s, e) in enumerate(lines) if s < e and not body[s:e].isspace()]
    if not filled:
        return []
    if len(filled) == filled[-1] - filled[0] + 1:  # no blank line between them
        paragraphs = [lines[i] for i in filled]
    else:
        paragraphs, first = [], filled[0]
        for prev, i in itertools.pairwise(filled):
            if i > prev + 1:
                paragraphs.append((lines[first][0], lines[prev][1]))
                first = i
        paragraphs.append((lines[first][0], lines[filled[-1]][1]))
    # Stripped, so that pysbd's answer can't depend on indentation or padding.
    return [_strip(body, start, end) for start, end in paragraphs]


def _boundaries(paragraph: str, rules: str) -> list[int]:
    """Sorted offsets where a new sentence may begin (after stripping)."""
    # Same length, so offsets carry over; pysbd would split at every newline.
    text = paragraph.replace("\r", " ").replace("\n", " ")
    urls = [match.span() for match in _URL_OR_EMAIL.finditer(text)]
    cuts = set()
    for end in _segmenter_ends(text, rules):
        end = _after_closers(text, end)
        if not (_continues(text, end, rules) or _inside(urls, end)):
            cuts.add(end)
    for pattern in (_QUOTE_THEN_QUOTE, _PERIOD_THEN_QUOTES, _ELLIPSIS_THEN_WORD):
        for match in pattern.finditer(text):
            if _next_letter_is_upper(text, match.end()):
                cuts.add(match.end())
    if rules in _UNIT_THEN_SENTENCE:
        for match in _UNIT_THEN_SENTENCE[rules].finditer(text):
            if not _OPENING_YEAR.search(text, 0, match.end(1)):
                cuts.add(match.end())
    cuts.update(match.end() for match in _LIST_ITEM_LINE.finditer(paragraph))
    return sorted(cut for cut in cuts if 0 < cut < len(text))


def _segmenter_ends(text: str, rules: str) -> list[int]:
    """Where pysbd ends each sentence of `text`, a window at a time when it is long."""
    ends, size = [], _WINDOW
    while True:
        done = ends[-1] if ends else 0
        # From a sentence start at least _CONTEXT before the last end taken (pysbd treats
        # the start of a text apart), ...
        before = bisect.bisect_right(ends, done - _CONTEXT)
        start = ends[before - 1] if before else 0
        if len(text) - start <= size:
            return ends + [
                start + end for end in _window_ends(text[start:], rules) if start + end > done
            ]
        # ... taking the ends with at least _CONTEXT after them in the window.
        limit = start + size - _CONTEXT
        new = [start + end for end in _window_ends(text[start : start + size], rules)]
        new = [end for end in new if done < end <= limit]
        if new:
            ends += new
            size = _WINDOW
        else:  # no sentence ends in this window: widen it
            size *= 2


def _window_ends(text: str, rules: str) -> list[int]:
    """Where pysbd ends each sentence of `text`, found by searching for its text."""
    try:
        with _LOCKS[rules]:
            segments = _SEGMENTERS[rules].segment(" " + text if rules in _PAD else text)
    except Exception:  # pysbd bug on odd input: the paragraph is one sentence
        return []
    ends, cursor = [], 0
    for segment in segments:
        sentence = segment.sent.strip()
        found = text.find(sentence, cursor) if sentence else -1
        if found >= 0:  # else pysbd changed the text; merge it with a neighbour
            cursor = found + len(sentence)
            ends.append(cursor)
    return ends


def _after_closers(text: str, end: int) -> int:
    """Move a cut made before a closing quote or bracket to after it."""
    while 0 < end < len(text) and text[end] in _CLOSERS and not text[end - 1].isspace():
        end += 1
    return end


def _continues(text: str, end: int, rules: str) -> bool:
    """Whether pysbd's sentence end at `end` is wrong (the sentence goes on)."""
    before = text[max(0, end - 8) : end]
    after = _SPACES.match(text, end).end()
    if text[end - 1] in _NEVER_ENDS.get(rules, _NEVER_ENDS_DEFAULT):
        return True
    if _QUOTATIVE_AFTER_CLOSER.match(text, end - 1):
        return True
    if rules in _ORDINAL_RULES and text[end - 1].isalnum() and _ORDINAL.match(text, after):
        return True
    if (word := _LOWER_WORD.match(text, after)) and word.group().islower():
        return True  # in a cased script, no sentence begins in lower case
    if _AM_PM_END.search(before):
        return bool(_AFTER_AM_PM.match(text, after))
    next_is_upper = text[after : after + 1].isupper()
    if _DIGRAPH_INITIAL_END.search(before) or _CYRILLIC_INITIAL_END.search(before):
        return next_is_upper
    if rules in _BEFORE_NUMBER_END and _BEFORE_NUMBER_END[rules].search(before):
        return text[after : after + 1].isdigit()
    if rules in _TITLE_END and _TITLE_END[rules].search(before):
        return next_is_upper
    if rules in _UNIT_BEFORE_NOUN_END and _UNIT_BEFORE_NOUN_END[rules].search(before):
        next_word = _LOWER_WORD.match(text, after)
        return next_is_upper and next_word.group() not in _SENTENCE_STARTERS[rules]
    return False


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether `pos` falls strictly inside one of the sorted, disjoint `spans`."""
    i = bisect.bisect_left(spans, (pos,)) - 1
    return i >= 0 and spans[i][1] > pos


def _next_letter_is_upper(text: str, pos: int) -> bool:
    rest = text[pos : pos + 2].lstrip('"“‘(')
    return rest[:1].isupper()


def _cut(text: str, boundaries: list[int]) -> list[tuple[int, int]]:
    """Cut `text` at `boundaries` and strip whitespace off every piece."""
    pieces = zip([0, *boundaries], [*boundaries, len(text)], strict=True)
    return [_strip(text, start, end) for start, end in pieces if text[start:end].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """`text[start:end]` without surrounding whitespace, as offsets in `text`."""
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    return start, start + len(piece.strip())
