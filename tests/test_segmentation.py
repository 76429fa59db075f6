import json
import multiprocessing
import re
import threading
from pathlib import Path

import pysbd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pysbd.lang.english import English
from pysbd.lists_item_replacer import ListItemReplacer

from annotations import fast_pysbd, segmentation
from annotations.segmentation import paragraph_spans, split_many, split_sentences
from tests.segmentation_cases import HELD_OUT_CASES, TRICKY_CASES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO_ROOT / "fixtures" / "demo"

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def sentences(body, language="en"):
    return [body[start:end] for start, end in split_sentences(body, language)]


def assert_contract(body, spans):
    """The invariants promised by split_sentences, checked from the outside."""
    covered = [False] * len(body)
    previous_end = 0
    for start, end in spans:
        assert type(start) is int and type(end) is int
        assert previous_end <= start < end <= len(body), "ordered, non-overlapping"
        text = body[start:end]
        assert text == text.strip(), "no surrounding whitespace"
        covered[start:end] = [True] * (end - start)
        previous_end = end
    uncovered = [i for i, ch in enumerate(body) if not ch.isspace() and not covered[i]]
    assert not uncovered, "every non-whitespace character is in a sentence"

    lines = LINE_BREAK.split(body)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    blank_between = bool(filled) and any(
        not lines[i].strip() for i in range(filled[0], filled[-1] + 1)
    )
    for start, end in spans:
        span_lines = LINE_BREAK.split(body[start:end])
        if blank_between:
            assert all(line.strip() for line in span_lines), "crosses a blank line"
        else:
            assert len(span_lines) == 1, "crosses a line break (one paragraph per line)"


# --- the hand-written cases ---------------------------------------------------


@pytest.mark.parametrize("case", TRICKY_CASES, ids=[case.id for case in TRICKY_CASES])
def test_tricky_news_passage_splits_like_an_editor_would(case):
    assert sentences(case.text) == case.sentences
    assert_contract(case.text, split_sentences(case.text))


def test_tricky_cases_have_unique_ids_and_are_plentiful():
    ids = [case.id for case in TRICKY_CASES]
    assert len(ids) == len(set(ids)) >= 50


def spans_of(case):
    """The expected sentences' offsets in the case's text, found in order."""
    spans, start = [], 0
    for sentence in case.sentences:
        start = case.text.index(sentence, start)
        spans.append((start, start + len(sentence)))
        start += len(sentence)
    return spans


@pytest.mark.parametrize(
    "case", TRICKY_CASES + HELD_OUT_CASES, ids=[c.id for c in TRICKY_CASES + HELD_OUT_CASES]
)
def test_each_case_is_a_valid_split_of_its_text(case):
    """The expected sentences themselves keep the splitter's contract, so a case can only
    be wrong about where a sentence ends, never malformed."""
    assert_contract(case.text, spans_of(case))


@pytest.mark.parametrize("case", HELD_OUT_CASES, ids=[case.id for case in HELD_OUT_CASES])
def test_held_out_passages_keep_the_contract(case):
    """Held-out cases measure the splitter (bench/segmenters.py); only its contract is
    asserted on them, not the editor's split."""
    assert_contract(case.text, split_sentences(case.text))


def test_held_out_cases_are_new_and_plentiful():
    ids = [case.id for case in TRICKY_CASES + HELD_OUT_CASES]
    assert len(ids) == len(set(ids))
    assert not {case.text for case in HELD_OUT_CASES} & {case.text for case in TRICKY_CASES}
    assert len(HELD_OUT_CASES) >= 40


def test_abbreviation_us_does_not_end_sentence():
    assert sentences("The U.S. envoy met Ukrainian officials. Talks went well.") == [
        "The U.S. envoy met Ukrainian officials.",
        "Talks went well.",
    ]


def test_am_followed_by_weekday_does_not_end_sentence():
    assert sentences("Voting starts at 7 a.m. Sunday.") == ["Voting starts at 7 a.m. Sunday."]


def test_am_ending_sentence_before_capitalised_word_ends_sentence():
    assert sentences("Voting started at 7 a.m. Turnout was high.") == [
        "Voting started at 7 a.m.",
        "Turnout was high.",
    ]


def test_transliterated_initial_does_not_end_sentence():
    assert sentences("Aide Yu. Ushakov spoke. He was brief.") == [
        "Aide Yu. Ushakov spoke.",
        "He was brief.",
    ]


def test_two_quoted_sentences_run_together_are_split():
    assert sentences('"Why?" "Because," he said.') == ['"Why?"', '"Because," he said.']


def test_closing_quote_stays_with_its_sentence():
    assert sentences("‘It is over.’ He left.") == ["‘It is over.’", "He left."]


def test_query_string_question_mark_does_not_end_sentence():
    assert sentences("See https://x.org/p?q=1 for more. Thanks.") == [
        "See https://x.org/p?q=1 for more.",
        "Thanks.",
    ]


# --- the demo article ---------------------------------------------------------


def test_demo_article_splits_into_the_expected_14_sentences():
    body = (DEMO_DIR / "ukraine-peace-plan-talks.txt").read_text(encoding="utf-8")
    expected_json = DEMO_DIR / "ukraine-peace-plan-talks.sentences.json"
    expected = json.loads(expected_json.read_text(encoding="utf-8"))
    assert len(expected) == 14
    spans = split_sentences(body)
    assert spans == [(item["start"], item["end"]) for item in expected]
    assert [body[start:end] for start, end in spans] == [item["text"] for item in expected]


# --- layout -------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", " ", "\n", "\r\n\r\n", "\t\u00a0\u3000\u2028"])
def test_empty_or_whitespace_only_body_has_no_sentences(body):
    assert split_sentences(body) == []


def test_offsets_count_code_points_not_bytes():
    body = "Ça va 👍🏽. Щось сталося. Done."
    spans = split_sentences(body)
    assert [body[start:end] for start, end in spans] == ["Ça va 👍🏽.", "Щось сталося.", "Done."]
    assert spans[1][0] == len("Ça va 👍🏽. ")


def test_every_line_is_a_paragraph_when_there_are_no_blank_lines():
    assert sentences("Breaking news\nthe president resigned.") == [
        "Breaking news",
        "the president resigned.",
    ]


def test_single_newline_is_a_soft_wrap_when_blank_lines_separate_paragraphs():
    body = "The president\nresigned.\n\nA vote\nfollows."
    assert sentences(body) == ["The president\nresigned.", "A vote\nfollows."]


def test_trailing_blank_lines_do_not_turn_line_breaks_into_soft_wraps():
    assert sentences("Breaking news\nThe president resigned.\n\n\n") == [
        "Breaking news",
        "The president resigned.",
    ]


def test_whitespace_only_line_counts_as_blank_line():
    body = "One\nline.\r\n \t\u00a0\r\nTwo\rlines."
    assert sentences(body) == ["One\nline.", "Two\rlines."]


# --- robustness when the segmenter misbehaves --------------------------------


class _Span:
    def __init__(self, sent):
        self.sent = sent


class _BrokenSegmenter:
    def __init__(self, result):
        self.result = result

    def segment(self, text):
        if isinstance(self.result, Exception):
            raise self.result
        return [_Span(sent) for sent in self.result]


def test_segmenter_crash_falls_back_to_one_sentence_per_paragraph(monkeypatch):
    monkeypatch.setitem(segmentation._SEGMENTERS, "en", _BrokenSegmenter(RuntimeError("boom")))
    assert sentences("First one. Second one.\n\nThird.") == ["First one. Second one.", "Third."]


def test_segmenter_output_that_is_not_in_the_text_is_ignored(monkeypatch):
    fake = _BrokenSegmenter(["First one. ", "SECOND??", "Third one."])
    monkeypatch.setitem(segmentation._SEGMENTERS, "en", fake)
    body = "First one. Second one. Third one."
    assert sentences(body) == ["First one.", "Second one. Third one."]


# --- properties ---------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "U.S.",
        "Mr.",
        "Yu.",
        "a.m.",
        "p.m.",
        "ET",
        "Tuesday",
        "No.",
        "3.5%",
        "$1.2",
        "e.g.",
        "etc.",
        "https://example.com/a.b?c=d.",
        "www.bbc.co.uk",
        "x@y.org",
        "Putin",
        "said",
        "the",
        "war",
        "I",
        "1.",
        "2)",
        "-",
        "•",
        "e\u0301",
        "n\u0303o",
        "👍🏽",
        "🇺🇦",
        "שלום",
        "مرحبا",
        "Київ",
        "東京",
        "\u200b",
        "\ufeff",
        "\u0000",
        "\ud800",
        "ß",
    ]
)
PUNCTUATION = st.sampled_from(
    list(".?!,;:…\"'“”‘’()[]«»") + ["...", '?"', '."', "!”", "’ ", '" "', ".)"]
)
WHITESPACE = st.sampled_from(
    [
        " ",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "\r\n\r\n",
        "\r\r",
        "\n \n",
        "\n\t\u00a0\n",
        "\u00a0",
        "\u2028",
        "\u2029",
        "\u3000",
        "\x0b",
        "\x0c",
        "\x85",
        "\u200a",
        "\u1680",
    ]
)
NEWSY_TEXT = st.lists(
    st.one_of(WORDS, PUNCTUATION, WHITESPACE, st.text(max_size=5)), max_size=60
).map("".join)

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(st.text())
def test_contract_holds_for_arbitrary_unicode(body):
    assert_contract(body, split_sentences(body))


@PROPERTY_SETTINGS
@given(NEWSY_TEXT)
def test_contract_holds_for_newsy_text_with_odd_whitespace(body):
    assert_contract(body, split_sentences(body))


@PROPERTY_SETTINGS
@given(st.lists(NEWSY_TEXT, min_size=1, max_size=5), st.sampled_from(["\n", "\r\n", "\r"]))
def test_sentences_never_cross_blank_lines(paragraphs, newline):
    body = (newline * 2).join(paragraphs)
    assert_contract(body, split_sentences(body))


@PROPERTY_SETTINGS
@given(NEWSY_TEXT)
def test_leading_and_trailing_blank_lines_only_shift_offsets(body):
    padded = "\n \n" + body + " \r\n\r\n"
    shifted = [(start - 3, end - 3) for start, end in split_sentences(padded)]
    assert shifted == split_sentences(body)


# --- long paragraphs ------------------------------------------------------------

DEMO_BODY = (DEMO_DIR / "ukraine-peace-plan-talks.txt").read_text(encoding="utf-8")
# Cases whose split depends on the text before them: pysbd pairs a ‘ after a space with
# the next ’ however far, and counts "1." as the next item of a list that ended earlier.
_NOT_JOINABLE = {"curly-single-quote", "month-abbreviation-mid-sentence"}
JOINABLE_PARTS = [
    case.text for case in TRICKY_CASES if "\n" not in case.text and case.id not in _NOT_JOINABLE
] + [DEMO_BODY[start:end] for start, end in paragraph_spans(DEMO_BODY)]


def split_of_parts(parts):
    """The spans of the parts, split one by one, in the paragraph they make joined by spaces."""
    spans, offset = [], 0
    for part in parts:
        spans += [(offset + start, offset + end) for start, end in split_sentences(part)]
        offset += len(part) + 1
    return spans


@pytest.mark.parametrize("window", [None, (600, 100), (2_500, 500)])
def test_a_long_paragraph_splits_as_its_parts_do(monkeypatch, window):
    """Seventy news passages twenty times over (137 KB, one paragraph): the same
    sentences as each passage alone, whatever the window pysbd is given at a time."""
    if window:
        monkeypatch.setattr(segmentation, "_WINDOW", window[0])
        monkeypatch.setattr(segmentation, "_CONTEXT", window[1])
    parts = JOINABLE_PARTS * 20
    body = " ".join(parts)
    assert len(body) > 10 * segmentation._WINDOW
    assert split_sentences(body) == split_of_parts(parts)


class _Recorder:
    """The real segmenter, noting the length of every text it is given."""

    def __init__(self, segmenter):
        self.segmenter, self.lengths = segmenter, []

    def segment(self, text):
        self.lengths.append(len(text))
        return self.segmenter.segment(text)


def test_pysbd_sees_a_long_paragraph_a_window_at_a_time(monkeypatch):
    """What keeps a 1 MB article linear (pysbd is quadratic in places) and the
    segmenter's lock short: no text longer than a window, each character about once."""
    body = " ".join(JOINABLE_PARTS * 10)
    recorder = _Recorder(segmentation._SEGMENTERS["en"])
    monkeypatch.setitem(segmentation._SEGMENTERS, "en", recorder)
    split_sentences(body)
    assert max(recorder.lengths) <= segmentation._WINDOW < len(body) / 5
    assert sum(recorder.lengths) < 1.3 * len(body)


def test_a_window_without_a_sentence_end_widens():
    body = " ".join(["word"] * 6_000) + ". Next one."
    assert len(body) > 2 * segmentation._WINDOW
    assert sentences(body) == [body[: -len(" Next one.")], "Next one."]


# --- fast_pysbd gives pysbd's own answers -----------------------------------------

PYSBD = pysbd.Segmenter(language="en", clean=False, char_span=True)
FAST = fast_pysbd.Segmenter("en")


def pysbd_answer(segmenter, text):
    try:
        return [(span.sent, span.start, span.end) for span in segmenter.segment(text)]
    except Exception as error:  # pysbd fails on some odd input: so must the other
        return type(error)


@pytest.mark.parametrize("text", [case.text for case in TRICKY_CASES] + [DEMO_BODY])
def test_fast_pysbd_answers_as_pysbd_on_the_news_passages(text):
    assert pysbd_answer(FAST, text) == pysbd_answer(PYSBD, text)


def test_fast_pysbd_answers_as_pysbd_on_a_long_paragraph():
    text = " ".join(JOINABLE_PARTS)
    assert pysbd_answer(FAST, text) == pysbd_answer(PYSBD, text)


# Abbreviations in every case, list items of every kind, the letters that match an ASCII
# letter ignoring case (İ ı ſ K), sentences that repeat, and pysbd's own placeholders.
LISTY_WORDS = st.sampled_from(
    [
        "1.", "2.", "3.", "9.", "10.", "0.", "3)", "4)", "-1.", "⁃2.", "a.", "b.", "c.",
        "a)", "b)", "(a)", "(b", "(c)", "i.", "ii.", "iv)", "(ii)", "x)", "A.", "B)",
        "Mr.", "MR.", "mr.", "Dr.", "No.", "no.", "p.", "pp.", "Art.", "St.", "e.g.", "E.G.",
        "i.e.", "Ph.D.", "vs.", "Jan.", "Inc.", "al.", "{mr} ", "{no} A", "ſt.", "İ", "ı",
        "K", "∯", "ȸ", "Yes.", "Yes.", "ha ha.", "He said so.",
    ]
)
LISTY_TEXT = st.lists(
    st.one_of(LISTY_WORDS, WORDS, PUNCTUATION, WHITESPACE), max_size=80
).map("".join)


@PROPERTY_SETTINGS
@given(LISTY_TEXT)
def test_fast_pysbd_answers_as_pysbd(text):
    assert pysbd_answer(FAST, text) == pysbd_answer(PYSBD, text)


@PROPERTY_SETTINGS
@given(LISTY_TEXT)
@example("Choose a) one b) two a) three b) four (a) five.")  # a letter rewritten twice
@example(" ".join(f"{n % 12}. Item" for n in range(40)))  # numbers rewritten many times
def test_fast_pysbd_steps_rewrite_the_text_as_pysbds_do(text):
    """Closer than the answers: the text after the list and abbreviation steps."""
    text = text.replace("\n", "\r")  # as pysbd's processor hands it over
    assert fast_pysbd._ListItemReplacer(text).add_line_break() == (
        ListItemReplacer(text).add_line_break()
    )
    fast_english = fast_pysbd._fast_language("en")
    assert fast_english.AbbreviationReplacer(text, fast_english).replace() == (
        English.AbbreviationReplacer(text, English).replace()
    )


# --- split_many: a batch, in worker processes ---------------------------------------

MANY = [(part, "en") for part in JOINABLE_PARTS]


def test_split_many_splits_each_text_as_split_sentences_does_in_worker_processes(monkeypatch):
    monkeypatch.setattr(segmentation, "PARALLEL_MIN_CHARS", 0)
    results = split_many(MANY, processes=2)
    first = next(results)
    assert len(multiprocessing.active_children()) == 2
    assert [first, *results] == [split_sentences(text) for text, _ in MANY]
    assert not multiprocessing.active_children()


def test_split_many_stays_in_this_process_for_a_small_batch():
    results = split_many(MANY[:5], processes=2)
    first = next(results)
    assert not multiprocessing.active_children()
    assert [first, *results] == [split_sentences(text) for text, _ in MANY[:5]]


def test_split_many_passes_each_text_its_language(monkeypatch):
    given = []
    monkeypatch.setattr(
        segmentation, "split_sentences", lambda body, language: given.append(language) or []
    )
    list(split_many([("Eins.", "de"), ("One.", "en")], processes=1))
    assert given == ["de", "en"]


def test_a_worker_does_not_wait_for_a_lock_held_when_it_was_forked(monkeypatch):
    """A web worker's other thread may be splitting at the moment of the fork."""
    monkeypatch.setattr(segmentation, "PARALLEL_MIN_CHARS", 0)
    results = []
    with segmentation._LOCKS["en"]:
        worker = threading.Thread(
            target=lambda: results.extend(split_many(MANY[:4], processes=2)), daemon=True
        )
        worker.start()
        worker.join(timeout=60)
    assert not worker.is_alive()
    assert results == [split_sentences(text) for text, _ in MANY[:4]]
