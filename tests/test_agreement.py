"""Agreement figures against Krippendorff's own worked example and the reference package."""

import math
import random
from collections import Counter

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.agreement import Coincidences, alpha, summary
from annotations.annotating import save_annotation
from annotations.models import Annotation, Article
from annotations.stats import agreement_report
from annotations.tallies import coincidences
from tests.factories import make_article, make_user

NAN = float("nan")


def alpha_of_table(table):
    """Our alpha for a reliability table: rows are observers, columns units, NaN missing."""
    result = Coincidences()
    for unit in zip(*table, strict=True):
        result.add_unit(Counter(value for value in unit if not math.isnan(value)))
    return alpha(result.o)


def reference_alpha(table):
    with np.errstate(invalid="ignore", divide="ignore"):  # it answers NaN when undefined
        return krippendorff.alpha(
            reliability_data=np.array(table), level_of_measurement="nominal"
        )


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# four observers, twelve units, nominal values 1-5, some missing. Published alpha: 0.743.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_krippendorffs_worked_example():
    assert round(alpha_of_table(KRIPPENDORFF_2011), 3) == 0.743
    assert alpha_of_table(KRIPPENDORFF_2011) == pytest.approx(
        reference_alpha(KRIPPENDORFF_2011), abs=1e-9
    )


def test_two_observers_binary_example():
    # Krippendorff (2011), section A: two observers, ten units, binary data: alpha 0.095.
    table = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert round(alpha_of_table(table), 3) == 0.095


def test_perfect_agreement_is_one_and_no_variation_is_undefined():
    assert alpha_of_table([[1, 2, 3], [1, 2, 3]]) == 1.0
    assert alpha_of_table([[1, 1, 1], [1, 1, 1]]) is None
    assert alpha_of_table([[1, NAN], [NAN, 2]]) is None  # nothing pairable


tables = st.integers(2, 5).flatmap(
    lambda observers: st.integers(1, 15).flatmap(
        lambda units: st.lists(
            st.lists(st.sampled_from([1.0, 2.0, 3.0, NAN]), min_size=units, max_size=units),
            min_size=observers,
            max_size=observers,
        )
    )
)


@settings(max_examples=400, deadline=None)
@given(tables)
def test_alpha_matches_the_reference_package_on_random_tables(table):
    ours = alpha_of_table(table)
    try:
        reference = reference_alpha(table)
    except ValueError:  # the package refuses tables with fewer than two distinct values
        reference = NAN
    if ours is None:
        assert math.isnan(reference) or reference is None or not math.isfinite(reference)
    else:
        assert ours == pytest.approx(reference, abs=1e-9)


# ---- the same figures summed in the database --------------------------------------------


def random_labels(seed, reviewers, articles):
    rng = random.Random(seed)
    table = {}
    for article in articles:
        for sentence in article.sentences.all():
            for reviewer in reviewers:
                if rng.random() < 0.7:
                    label = rng.choice(["verified", "disputed", "unclear"])
                    save_annotation(sentence=sentence, reviewer=reviewer, label=label)
                    table.setdefault(article.pk, {}).setdefault(sentence.pk, []).append(label)
    return table


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_database_sums_give_the_same_alpha_as_python(seed):
    reviewers = [make_user(f"r{seed}{i}", role="reviewer") for i in range(4)]
    body = " ".join(f"Claim {i} is made." for i in range(12))
    articles = [make_article(f"{body} Article {seed}-{n}.") for n in range(3)]
    table = random_labels(seed, reviewers, articles)

    expected = Coincidences()
    for sentences in table.values():
        for labels in sentences.values():
            expected.add_unit(Counter(labels))
    ours = coincidences(Article.objects.all())
    assert alpha(ours.o) == pytest.approx(alpha(expected.o), abs=1e-9)
    assert summary(ours)["percent"] == pytest.approx(summary(expected)["percent"], abs=1e-9)

    for article_id, by_article in coincidences(Article.objects.all(), by_article=True).items():
        one = Coincidences()
        for labels in table[article_id].values():
            one.add_unit(Counter(labels))
        assert alpha(by_article.o) == pytest.approx(alpha(one.o), abs=1e-9)


@pytest.mark.django_db
def test_per_reviewer_agreement_counts_the_pairs_that_include_them():
    alice, bob, carol = (make_user(name, role="reviewer") for name in ("al", "bo", "ca"))
    first, second = make_article("One claim. Two claims.").sentences.all()
    for sentence, labels in ((first, ("verified", "verified", "disputed")),
                             (second, ("unclear", "unclear", "unclear"))):
        for reviewer, label in zip((alice, bob, carol), labels, strict=True):
            save_annotation(sentence=sentence, reviewer=reviewer, label=label)

    report = agreement_report(Article.objects.all(), Annotation.objects.all())

    # alice agrees with bob on both sentences, with carol on the second: 3 of 4 pairs.
    assert report["per_reviewer"][alice.pk]["percent"] == pytest.approx(75)
    # carol agrees with nobody on the first, with both on the second: 2 of 4.
    assert report["per_reviewer"][carol.pk]["percent"] == pytest.approx(50)
    assert report["overall"]["percent"] == pytest.approx(100 * 8 / 12)
    assert report["per_reviewer"][carol.pk]["alpha"] < report["per_reviewer"][alice.pk]["alpha"]
    assert report["overall"]["confusion"]["verified"]["disputed"] == pytest.approx(1.0)
