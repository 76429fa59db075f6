"""Score sentence splitting per language on the multilingual cases, tuned and held out.

Run from anywhere:  .venv/bin/python bench/languages.py [--verbose]

Three splitters on the same passages (tests/multilingual/, one module per language; and
the English cases of tests/segmentation_cases.py): English rules whatever the language
(how articles were split before they were split by language), pysbd with the language's
own or nearest rules (annotations.segmentation.RULES), and `split_sentences` (those rules
and the corrections). A case counts as right only if all of its sentences match exactly.
--verbose prints the cases `split_sentences` gets wrong.
"""

import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import pysbd  # noqa: E402

from annotations.segmentation import paragraph_spans, rules_for, split_sentences  # noqa: E402
from tests.multilingual import HELD_OUT, LANGUAGES, TUNED  # noqa: E402
from tests.segmentation_cases import HELD_OUT_CASES, TRICKY_CASES  # noqa: E402


def pysbd_split(language):
    segmenter = pysbd.Segmenter(language=rules_for(language), clean=False, char_span=True)

    def split(text):
        """pysbd alone, one paragraph at a time (as split_sentences gives it text)."""
        found = []
        for start, end in paragraph_spans(text):
            found += [span.sent.strip() for span in segmenter.segment(text[start:end])]
        return [sentence for sentence in found if sentence]

    return split


SPLITTERS = {
    "English rules": lambda language: lambda text: _split(text, "en"),
    "pysbd, the language's rules": pysbd_split,
    "split_sentences": lambda language: lambda text: _split(text, language),
}


def _split(text, language):
    return [text[start:end] for start, end in split_sentences(text, language)]


def scores(cases, make_split, verbose=False):
    right, total = defaultdict(int), defaultdict(int)
    for case in cases:
        got = make_split(case.language)(case.text)
        total[case.language] += 1
        right[case.language] += got == case.sentences
        if verbose and got != case.sentences:
            print(f"  {case.id}: {got}")
    return right, total


def main():
    verbose = "--verbose" in sys.argv
    sets = {"tuned": TUNED + TRICKY_CASES, "held out": HELD_OUT + HELD_OUT_CASES}
    print("| splitter | set | " + " | ".join(LANGUAGES) + " | all nine | en |")
    print("|---|---|" + "---|" * (len(LANGUAGES) + 2))
    for name, make_split in SPLITTERS.items():
        for set_name, cases in sets.items():
            right, total = scores(cases, make_split, verbose and name == "split_sentences")
            cells = [f"{right[code]}/{total[code]}" for code in LANGUAGES]
            nine = sum(right[code] for code in LANGUAGES), sum(total[code] for code in LANGUAGES)
            percent = 100 * nine[0] / nine[1]
            cells += [f"{nine[0]}/{nine[1]} ({percent:.0f} %)", f"{right['en']}/{total['en']}"]
            print(f"| {name} | {set_name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
