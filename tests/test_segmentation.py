import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import segmentation
from annotations.segmentation import split_sentences
from tests.segmentation_cases import HELD_OUT_CASES, TRICKY_CASES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO_ROOT / "fixtures" / "demo"

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def sentences(body):
    return [body[start:end] for start, end in split_sentences(body)]


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
    monkeypatch.setattr(segmentation, "_SEGMENTER", _BrokenSegmenter(RuntimeError("boom")))
    assert sentences("First one. Second one.\n\nThird.") == ["First one. Second one.", "Third."]


def test_segmenter_output_that_is_not_in_the_text_is_ignored(monkeypatch):
    fake = _BrokenSegmenter(["First one. ", "SECOND??", "Third one."])
    monkeypatch.setattr(segmentation, "_SEGMENTER", fake)
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
