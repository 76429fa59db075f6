"""Recall and false matches of the claim score on the cases in tests/matching_cases.py.

    .venv/bin/python bench/match_cases.py

For each restated claim: found when it scores above the threshold with its own claim and
higher than with every other claim (PAIRS tuned the score; HELD_OUT were written after).
A false match is any other pair (an unrelated sentence, or a restated claim, against a
claim it does not restate) above the threshold. No database needed: the score is Python.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ENV_FILE", "")


def main():
    import django

    django.setup()
    from annotations.matching import THRESHOLD, score
    from tests.matching_cases import HELD_OUT, PAIRS, UNRELATED

    cases = PAIRS + HELD_OUT
    claims = [claim for claim, _ in cases]
    for name, pairs in (("tuning pairs", PAIRS), ("held-out pairs", HELD_OUT)):
        found = sum(
            1 for claim, restated in pairs
            if score(claim, restated) >= THRESHOLD
            and max(claims, key=lambda c, r=restated: score(c, r)) == claim
        )
        print(f"{name}: recall {found}/{len(pairs)}")
    true_scores = [score(claim, restated) for claim, restated in cases]
    false_scores = [
        score(claim, other)
        for other in UNRELATED + [restated for _, restated in cases]
        for claim in claims
        if (claim, other) not in cases
    ]
    false = sum(1 for value in false_scores if value >= THRESHOLD)
    print(f"false matches: {false}/{len(false_scores)} pairs")
    print(f"threshold {THRESHOLD}; lowest true score {min(true_scores):.2f}, "
          f"highest false score {max(false_scores):.2f}")


if __name__ == "__main__":
    main()
