"""Score sentence segmenters on the tricky news cases and measure their speed.

Run from anywhere:  .venv/bin/python bench/segmenters.py [--verbose]
after installing the segmenters compared:  .venv/bin/pip install -e ".[bench]"

Two scores: on the tuned cases (TRICKY_CASES, those our corrections were written
for) and on the held-out cases (HELD_OUT_CASES, never used to write them), which
say how the rules do on text they were not fitted to.  Every candidate gets the
same paragraphs (those of annotations.segmentation), so the scores compare
sentence splitting only.  A case counts as right only if all of its sentences
match exactly.  Speed is sentences of reference text per second: the tuned
cases repeated to a few thousand sentences, and the demo article repeated.
"""

import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

try:
    import blingfire
    import nltk
    import syntok.segmenter
    from nltk.tokenize.punkt import PunktSentenceTokenizer
except ImportError as error:
    sys.exit(
        f"{error.name} is missing: install the segmenters compared with\n"
        '    .venv/bin/pip install -e ".[bench]"'
    )
import pysbd  # noqa: E402

from annotations.segmentation import paragraph_spans, split_sentences  # noqa: E402
from tests.segmentation_cases import HELD_OUT_CASES, TRICKY_CASES, Case  # noqa: E402

DEMO_TEXT = REPO_ROOT / "fixtures" / "demo" / "ukraine-peace-plan-talks.txt"
DEMO_SENTENCES = 14
CASE_SENTENCES_TARGET = 3000

Spans = list[tuple[int, int]]


def per_paragraph(split_paragraph: Callable[[str], Spans]) -> Callable[[str], Spans]:
    """Run a paragraph splitter over each paragraph and shift its offsets."""

    def split(body: str) -> Spans:
        spans = []
        for par_start, par_end in paragraph_spans(body):
            paragraph = body[par_start:par_end]
            spans.extend((par_start + s, par_start + e) for s, e in split_paragraph(paragraph))
        return spans

    return split


_PYSBD = pysbd.Segmenter(language="en", clean=False, char_span=True)


def pysbd_paragraph(text: str) -> Spans:
    return [(span.start, span.end) for span in _PYSBD.segment(text)]


def syntok_paragraph(text: str) -> Spans:
    return [
        (sentence[0].offset, sentence[-1].offset + len(sentence[-1].value))
        for paragraph in syntok.segmenter.analyze(text)
        for sentence in paragraph
    ]


def blingfire_paragraph(text: str) -> Spans:
    return list(blingfire.text_to_sentences_and_offsets(text)[1])


def _punkt() -> tuple[str, Callable[[str], Spans]]:
    try:
        nltk.data.find("tokenizers/punkt_tab/english/")
    except LookupError:  # no data download here: the untrained default
        return "nltk punkt (untrained)", PunktSentenceTokenizer().span_tokenize
    tokenizer = nltk.tokenize.PunktTokenizer("english")
    return "nltk punkt_tab (english)", tokenizer.span_tokenize


PUNKT_NAME, punkt_paragraph = _punkt()

CANDIDATES: list[tuple[str, Callable[[str], Spans]]] = [
    ("pysbd (raw, per paragraph)", per_paragraph(pysbd_paragraph)),
    ("syntok", per_paragraph(syntok_paragraph)),
    ("blingfire", per_paragraph(blingfire_paragraph)),
    (PUNKT_NAME, per_paragraph(punkt_paragraph)),
    ("split_sentences (ours)", split_sentences),
]


def sentences(split: Callable[[str], Spans], body: str) -> list[str]:
    return [text for s, e in split(body) if (text := body[s:e].strip())]


def failures(split: Callable[[str], Spans], cases: list[Case]) -> list[str]:
    return [case.id for case in cases if sentences(split, case.text) != case.sentences]


def sentences_per_second(split: Callable[[str], Spans], texts: list[str], count: int) -> float:
    started = time.perf_counter()
    for text in texts:
        split(text)
    return count / (time.perf_counter() - started)


def main() -> None:
    verbose = "--verbose" in sys.argv
    per_round = sum(len(case.sentences) for case in TRICKY_CASES)
    rounds = -(-CASE_SENTENCES_TARGET // per_round)
    case_texts = [case.text for case in TRICKY_CASES] * rounds
    demo = DEMO_TEXT.read_text(encoding="utf-8")
    demo_rounds = 100

    held_out_sentences = sum(len(case.sentences) for case in HELD_OUT_CASES)
    print(
        f"{len(TRICKY_CASES)} tuned cases ({per_round} sentences), {len(HELD_OUT_CASES)} "
        f"held-out cases ({held_out_sentences} sentences); speed on "
        f"{per_round * rounds} tuned-case sentences and {demo_rounds} x the demo article\n"
    )
    header = (
        f"{'segmenter':<28} {'tuned right':>12} {'held-out right':>15} {'cases sent/s':>13} "
        f"{'demo sent/s':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, split in CANDIDATES:
        failed = failures(split, TRICKY_CASES)
        failed_held_out = failures(split, HELD_OUT_CASES)
        case_speed = sentences_per_second(split, case_texts, per_round * rounds)
        demo_speed = sentences_per_second(split, [demo] * demo_rounds, DEMO_SENTENCES * demo_rounds)
        tuned = f"{len(TRICKY_CASES) - len(failed)}/{len(TRICKY_CASES)}"
        held_out = f"{len(HELD_OUT_CASES) - len(failed_held_out)}/{len(HELD_OUT_CASES)}"
        print(f"{name:<28} {tuned:>12} {held_out:>15} {case_speed:>13,.0f} {demo_speed:>12,.0f}")
        if verbose and failed:
            print("    wrong (tuned): " + ", ".join(failed))
        if verbose and failed_held_out:
            print("    wrong (held out): " + ", ".join(failed_held_out))


if __name__ == "__main__":
    main()
