"""A model's evaluation, held to scikit-learn (metrics) and krippendorff (the reviewers'
alpha) on generated data, against verdicts and majorities, on whichever database runs."""

import json
import math
import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from annotations.adjudicating import set_verdict
from annotations.annotating import save_annotation
from annotations.evaluation import (
    AGAINST,
    EvaluationFilters,
    confident_disagreements,
    evaluate,
    evaluate_all,
    scores,
)
from annotations.models import Label, PredictionModel, Sentence
from annotations.predictions import import_predictions
from tests.factories import make_article, make_project, make_user

LABELS = Label.values
CONTRACT_KEYS = {"model", "against", "n", "coverage", "accuracy", "macro_f1", "kappa",
                 "per_label", "confusion", "human"}


def build(seed, *, sentences=30, reviewers=3, review_target=2, reference_labels=LABELS,
          predicted_labels=LABELS, coverage=0.8, verdict_share=0.6, project=None):
    """A project of generated labels, verdicts and one model's predictions. Labels are drawn
    near a hidden truth so that the figures are neither 0 nor 1; returns the model."""
    rng = random.Random(seed)
    project = project or make_project(f"gen-{seed}", review_target=review_target)
    people = [make_user(f"r{seed}-{i}", role="reviewer") for i in range(reviewers)]
    judge = make_user(f"j{seed}", role="adjudicator")
    per_article = 6
    ids = []
    for a in range(math.ceil(sentences / per_article)):
        body = " ".join(f"Claim number {i} of article {a} in set {seed} is here."
                        for i in range(per_article))
        ids += list(make_article(body, project=project).sentences.values_list("pk", flat=True))
    ids = ids[:sentences]
    rows = []
    for pk in ids:
        sentence = Sentence.objects.get(pk=pk)
        truth = rng.choice(reference_labels)
        for person in rng.sample(people, rng.randint(0, reviewers)):
            label = truth if rng.random() < 0.7 else rng.choice(reference_labels)
            save_annotation(sentence=sentence, reviewer=person, label=label)
        if rng.random() < verdict_share:
            set_verdict(sentence=sentence, adjudicator=judge, label=truth)
        if rng.random() < coverage:
            guess = truth if rng.random() < 0.6 else rng.choice(predicted_labels)
            if guess not in predicted_labels:
                guess = rng.choice(predicted_labels)
            score = rng.choice([None, round(rng.random(), 3)])
            rows.append({"sentence_id": pk, "label": guess, "score": score})
    name = f"model-{seed}"
    import_predictions(model=name, data="\n".join(map(json.dumps, rows)))
    return PredictionModel.objects.get(name=name)


def reference_of(sentence, against):
    """The reference label, computed apart from the product's query: from the annotations."""
    if against == "verdict":
        return getattr(getattr(sentence, "verdict", None), "label", None)
    labels = [a.label for a in sentence.annotations.all()]
    if len(labels) < sentence.article.effective_review_target:
        return None
    counts = sorted(((labels.count(c), c) for c in LABELS), reverse=True)
    return counts[0][1] if counts[0][0] > counts[1][0] else None


def expected(model, against, sentences=None):
    """Every figure from scikit-learn and krippendorff over the same data."""
    sentences = sentences if sentences is not None else Sentence.objects.all()
    sentences = list(sentences.select_related("verdict", "article__project")
                     .prefetch_related("annotations__reviewer"))
    predicted = dict(model.predictions.values_list("sentence_id", "label"))
    referenced = [s for s in sentences if reference_of(s, against) is not None]
    compared = [s for s in referenced if s.pk in predicted]
    truth = [reference_of(s, against) for s in compared]
    guess = [predicted[s.pk] for s in compared]
    result = {"n": len(compared), "coverage": len(compared) / len(referenced)}
    if compared:
        precision, recall, f1, support = precision_recall_fscore_support(
            truth, guess, labels=LABELS, zero_division=0
        )
        result |= {
            "accuracy": accuracy_score(truth, guess),
            "macro_f1": f1_score(truth, guess, labels=LABELS, average="macro", zero_division=0),
            "kappa": cohen_kappa_score(truth, guess, labels=LABELS),
            "per_label": {
                c: {"precision": precision[i], "recall": recall[i], "f1": f1[i],
                    "support": int(support[i])}
                for i, c in enumerate(LABELS)
            },
            "confusion": {
                c: dict(zip(LABELS, map(int, row), strict=True))
                for c, row in zip(LABELS, confusion_matrix(truth, guess, labels=LABELS),
                                  strict=True)
            },
        }
    reviewers = {}
    for s, reference in zip(compared, truth, strict=True):
        for a in s.annotations.all():
            n, agree = reviewers.get(a.reviewer.username, (0, 0))
            reviewers[a.reviewer.username] = (n + 1, agree + (a.label == reference))
    result["reviewers"] = [
        {"reviewer": who, "labels": n, "accuracy": agree / n}
        for who, (n, agree) in sorted(reviewers.items())
    ]
    pairable = [s for s in compared if s.annotations.count() >= 2]
    if pairable:
        people = sorted({a.reviewer_id for s in pairable for a in s.annotations.all()})
        data = np.full((len(people), len(pairable)), np.nan)
        for j, s in enumerate(pairable):
            for a in s.annotations.all():
                data[people.index(a.reviewer_id), j] = LABELS.index(a.label)
        try:
            result["alpha"] = krippendorff.alpha(reliability_data=data,
                                                 level_of_measurement="nominal")
        except ValueError:  # a single value: no variation, alpha undefined
            result["alpha"] = None
    return result


def assert_close(actual, wanted, where):
    if wanted is None or (isinstance(wanted, float) and math.isnan(wanted)):
        assert actual is None, where
    else:
        assert actual == pytest.approx(wanted, abs=1e-9), where


def assert_matches(answer, wanted):
    assert answer["n"] == wanted["n"]
    assert_close(answer["coverage"], wanted["coverage"], "coverage")
    if wanted["n"]:
        for name in ("accuracy", "macro_f1", "kappa"):
            assert_close(answer[name], wanted[name], name)
        for c in LABELS:
            for name in ("precision", "recall", "f1", "support"):
                assert_close(answer["per_label"][c][name], wanted["per_label"][c][name],
                             f"{c} {name}")
        assert answer["confusion"] == wanted["confusion"]
    assert answer["human"]["reviewers"] == [
        {**row, "accuracy": pytest.approx(row["accuracy"])} for row in wanted["reviewers"]
    ]
    if "alpha" in wanted:
        assert_close(answer["human"]["alpha"], wanted["alpha"], "alpha")


@pytest.mark.django_db
@pytest.mark.parametrize("against", AGAINST)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_metric_matches_scikit_learn(seed, against):
    model = build(seed)
    answer = evaluate(model, against=against)
    assert set(answer) >= CONTRACT_KEYS
    assert_matches(answer, expected(model, against))


@pytest.mark.django_db
@pytest.mark.parametrize("against", AGAINST)
def test_a_label_nobody_uses_scores_zero_and_still_counts_in_macro_f1(against):
    model = build(4, reference_labels=["verified", "disputed"],
                  predicted_labels=["verified", "disputed"])
    answer = evaluate(model, against=against)
    assert answer["per_label"]["unclear"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0
    }
    assert answer["confusion"]["unclear"] == {"verified": 0, "disputed": 0, "unclear": 0}
    assert answer["macro_f1"] == pytest.approx(
        (answer["per_label"]["verified"]["f1"] + answer["per_label"]["disputed"]["f1"]) / 3
    )
    assert_matches(answer, expected(model, against))


@pytest.mark.django_db
def test_a_label_only_the_model_uses_has_precision_zero_and_no_support():
    model = build(5, reference_labels=["verified", "disputed"], predicted_labels=["unclear"])
    answer = evaluate(model, against="verdict")
    assert answer["per_label"]["unclear"]["support"] == 0
    assert answer["per_label"]["unclear"]["precision"] == 0.0
    assert_matches(answer, expected(model, "verdict"))


@pytest.mark.django_db
@pytest.mark.parametrize("against", AGAINST)
def test_a_model_covering_part_of_the_sentences_is_compared_on_those(against):
    model = build(6, coverage=0.4)
    answer = evaluate(model, against=against)
    wanted = expected(model, against)
    assert 0 < answer["coverage"] < 1
    assert answer["n"] < answer["reference_sentences"]
    assert_matches(answer, wanted)


@pytest.mark.django_db
def test_majority_ties_are_left_out_and_counted():
    project = make_project("ties", review_target=2)
    alice, bob, carol = (make_user(name, role="reviewer") for name in ("al", "bo", "ca"))
    tied, clear, short = make_article(
        "A tied claim is here. A clear claim is here. A short claim is here.", project=project
    ).sentences.order_by("position")
    save_annotation(sentence=tied, reviewer=alice, label="verified")
    save_annotation(sentence=tied, reviewer=bob, label="disputed")
    for person, label in ((alice, "disputed"), (bob, "disputed"), (carol, "verified")):
        save_annotation(sentence=clear, reviewer=person, label=label)
    save_annotation(sentence=short, reviewer=alice, label="unclear")  # below the target
    rows = [{"sentence_id": s.pk, "label": "disputed", "score": 0.9} for s in (tied, clear, short)]
    import_predictions(model="m", data=json.dumps(rows))
    answer = evaluate(PredictionModel.objects.get(name="m"), against="majority")
    assert answer["ties"] == 1
    assert answer["reference_sentences"] == 1
    assert answer["n"] == 1 and answer["accuracy"] == 1.0
    assert answer["confusion"]["disputed"]["disputed"] == 1
    # The reviewers on that one sentence: two agree with the majority, one does not.
    assert answer["human"]["labels"] == 3
    assert answer["human"]["accuracy"] == pytest.approx(2 / 3)
    assert_matches(answer, expected(PredictionModel.objects.get(name="m"), "majority"))


@pytest.mark.django_db
def test_no_reference_gives_zeros_and_no_kappa():
    make_article("Nobody has labeled this. Nor this.")
    sentence = Sentence.objects.first()
    import_predictions(model="m", data=json.dumps([{"sentence_id": sentence.pk,
                                                    "label": "verified"}]))
    answer = evaluate(PredictionModel.objects.get(name="m"), against="verdict")
    assert answer["n"] == 0 and answer["coverage"] == 0.0 and answer["accuracy"] == 0.0
    assert answer["kappa"] is None and answer["macro_f1"] == 0.0
    assert answer["human"]["accuracy"] is None and answer["human"]["reviewers"] == []


def test_kappa_is_undefined_when_both_sides_use_one_label():
    confusion = {c: dict.fromkeys(LABELS, 0) for c in LABELS}
    confusion["verified"]["verified"] = 4
    assert scores(confusion)["kappa"] is None
    assert scores(confusion)["accuracy"] == 1.0


@pytest.mark.django_db
def test_filters_limit_the_sentences_compared():
    model = build(7, sentences=12)
    other = make_project("other")
    build(8, sentences=12, project=other)
    import_predictions(
        model=model.name,
        data=json.dumps([{"sentence_id": s, "label": "verified"} for s in
                         Sentence.objects.filter(article__project=other)
                         .values_list("pk", flat=True)]),
    )
    mine = Sentence.objects.filter(article__project__slug="gen-7")
    answer = evaluate(model, against="verdict", filters=EvaluationFilters(project="gen-7"))
    assert_matches(answer, expected(model, "verdict", mine))
    everything = evaluate(model, against="verdict")
    assert everything["n"] > answer["n"]
    assert evaluate(model, filters=EvaluationFilters(language="xx"))["n"] == 0
    for split in ("train", "validation", "test"):
        chosen = evaluate(model, filters=EvaluationFilters(split=split))
        from annotations.exporting import split_filter

        part = Sentence.objects.filter(split_filter("article__split_bucket", split))
        assert_matches(chosen, expected(model, "verdict", part)) if chosen["n"] else None


@pytest.mark.django_db
def test_every_model_at_once_gives_the_same_figures_as_one_by_one(django_assert_num_queries):
    first, second = build(9), build(10)
    with django_assert_num_queries(4):  # totals, confusions, reviewers' alpha, accuracy
        together = dict(evaluate_all([first, second]))
    for model in (first, second):
        for against in AGAINST:
            alone = evaluate(model, against=against)
            del alone["human"]["reviewers"]
            assert together[model][against] == alone


@pytest.mark.django_db
def test_confident_disagreements_are_the_most_confident_first():
    project = make_project("d")
    judge = make_user("judge", role="adjudicator")
    a, b, c = make_article("One claim. Two claim. Three claim.", project=project
                           ).sentences.order_by("position")
    for sentence in (a, b, c):
        set_verdict(sentence=sentence, adjudicator=judge, label="verified")
    import_predictions(model="m", data=json.dumps([
        {"sentence_id": a.pk, "label": "disputed", "score": 0.85},
        {"sentence_id": b.pk, "label": "unclear", "score": 0.99},
        {"sentence_id": c.pk, "label": "verified", "score": 1.0},  # agrees
    ]))
    import_predictions(model="n", data=json.dumps([
        {"sentence_id": a.pk, "label": "disputed", "score": 0.5},  # not confident
    ]))
    found = confident_disagreements()
    assert [(p.sentence_id, p.model.name) for p in found] == [(b.pk, "m"), (a.pk, "m")]


# ---- the API --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_answers_the_contract_with_a_token(staff):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    model = build(11)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    for against in AGAINST:
        response = client.get(f"/api/models/{model.name}/evaluation/?against={against}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        answer = response.json()
        assert set(answer) == CONTRACT_KEYS | {"reference_sentences", "ties"}
        assert answer["model"] == model.name and answer["against"] == against
        assert set(answer["per_label"]) == set(LABELS) == set(answer["confusion"])
        for c in LABELS:
            assert set(answer["per_label"][c]) == {"precision", "recall", "f1", "support"}
            assert set(answer["confusion"][c]) == set(LABELS)
        assert_matches(answer, expected(model, against))


@pytest.mark.django_db
def test_the_api_filters_by_project_split_and_language(staff):
    from tests.factories import api

    model = build(12, sentences=12)
    answer = api(staff).get(
        f"/api/models/{model.name}/evaluation/?project=gen-12&split=train&language=en"
    ).json()
    wanted = evaluate(model, filters=EvaluationFilters(project="gen-12", split="train",
                                                       language="en"))
    assert answer == json.loads(json.dumps(wanted))


@pytest.mark.django_db
@pytest.mark.parametrize("query, field", [
    ("against=consensus", "against"),
    ("split=dev", "split"),
    ("project=nowhere", "project"),
    ("colour=blue", "colour"),
])
def test_the_api_refuses_a_bad_query_naming_the_parameter(staff, query, field):
    from tests.factories import api

    PredictionModel.objects.create(name="m")
    response = api(staff).get(f"/api/models/m/evaluation/?{query}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_an_unknown_model_is_404(staff):
    from tests.factories import api

    assert api(staff).get("/api/models/nobody/evaluation/").status_code == 404
