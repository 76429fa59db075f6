"""A model against the desk's labels: its confusion matrix with a reference, the metrics
read off it, and the reviewers' own agreement with the same reference beside it.

The reference of a sentence is its verdict (`against="verdict"`), or its majority label
(`against="majority"`): the label most of its reviewers gave, once it has as many labels
as its review target; a sentence whose top labels tie has none (left out, and counted).

The database counts (the confusion matrix is one GROUP BY, the reviewers' agreement
another); Python only does the arithmetic on 3 x 3 matrices. The metrics are those of
scikit-learn with `labels=[verified, disputed, unclear]` and `zero_division=0` (tests hold
them to it): a label with nothing to divide by scores 0, macro-F1 averages the three.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.fields import CharField

from .agreement import Coincidences
from .agreement import summary as agreement_summary
from .exporting import in_scope
from .models import Annotation, Label, Prediction, PredictionModel, Sentence, review_target_of
from .progress import label_count

LABELS = Label.values
AGAINST = ("verdict", "majority")
# A prediction at least this confident that disagrees with a verdict is worth a look.
CONFIDENT = 0.8
DISAGREEMENTS_LISTED = 20


@dataclass(frozen=True)
class EvaluationFilters:
    project: str | None = None  # slug
    split: str | None = None  # train, validation, test (exporting.SPLITS)
    language: str | None = None  # the article's
    articles: object = None  # an Article queryset (the dashboard's filters)
    projects: object = None  # the projects the caller may see; None: every project


def with_references(rows, prefix="", *, annotate=False):
    """`rows` with the aliases ev_votes, ev_target, ref_verdict and ref_majority (a label,
    or NULL without a reference); `annotate` makes them annotations, which aggregate()
    can read."""
    n = {c: F(f"{prefix}{c}_count") for c in LABELS}
    add = rows.annotate if annotate else rows.alias
    rows = add(
        ev_votes=label_count(prefix), ev_target=review_target_of(f"{prefix}article__")
    )
    reached = Q(ev_votes__gte=F("ev_target"))
    top = [
        When(
            reached & Q(**{f"{prefix}{c}_count__gt": n[a]}) & Q(**{f"{prefix}{c}_count__gt": n[b]}),
            then=Value(c),
        )
        for c, a, b in (
            ("verified", "disputed", "unclear"),
            ("disputed", "verified", "unclear"),
            ("unclear", "verified", "disputed"),
        )
    ]
    add = rows.annotate if annotate else rows.alias
    return add(
        ref_verdict=F(f"{prefix}verdict__label"),
        ref_majority=Case(*top, default=None, output_field=CharField()),
    )


def _has_reference(against):
    return Q(**{f"ref_{against}__isnull": False})


# ---- metrics from a confusion matrix --------------------------------------------------------


def empty_confusion():
    return {c: dict.fromkeys(LABELS, 0) for c in LABELS}


def scores(confusion):
    """n, accuracy, macro-F1, Cohen's kappa and per-label precision, recall, F1 and support
    from {reference: {predicted: count}}."""
    n = sum(sum(row.values()) for row in confusion.values())
    correct = sum(confusion[c][c] for c in LABELS)
    per_label = {}
    for c in LABELS:
        tp = confusion[c][c]
        support = sum(confusion[c].values())
        predicted = sum(confusion[r][c] for r in LABELS)
        fp, fn = predicted - tp, support - tp
        per_label[c] = {
            "precision": tp / predicted if predicted else 0.0,
            "recall": tp / support if support else 0.0,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
            "support": support,
        }
    kappa = None
    if n:
        observed = correct / n
        expected = sum(
            sum(confusion[c].values()) * sum(confusion[r][c] for r in LABELS) for c in LABELS
        ) / (n * n)
        # Undefined when chance alone agrees always (both sides use one label).
        kappa = (observed - expected) / (1 - expected) if expected < 1 else None
    return {
        "n": n,
        "accuracy": correct / n if n else 0.0,
        "macro_f1": sum(per_label[c]["f1"] for c in LABELS) / len(LABELS),
        "kappa": kappa,
        "per_label": per_label,
        "confusion": confusion,
    }


# ---- the counts, for any number of models in a fixed number of queries ---------------------


def reference_totals(filters):
    """{against: sentences with that reference} and the majority's ties; one query."""
    sentences = with_references(in_scope(Sentence.objects.all(), filters, ""), annotate=True)
    reached = Q(ev_votes__gte=F("ev_target"))
    return sentences.aggregate(
        verdict=Count("pk", filter=_has_reference("verdict")),
        majority=Count("pk", filter=_has_reference("majority")),
        ties=Count("pk", filter=reached & Q(ref_majority__isnull=True)),
    )


def confusions(models, filters):
    """{(model id, against): confusion matrix} for every model and reference; one query."""
    rows = (
        with_references(in_scope(Prediction.objects.filter(model__in=models), filters,
                                "sentence__"), "sentence__", annotate=True)
        .filter(_has_reference("verdict") | _has_reference("majority"))
        .values("model_id", "ref_verdict", "ref_majority", "label")
        .annotate(count=Count("pk"))
        .order_by()
    )
    result = defaultdict(empty_confusion)
    for row in rows:
        for against in AGAINST:
            reference = row[f"ref_{against}"]
            if reference is not None:
                result[row["model_id"], against][reference][row["label"]] += row["count"]
    return result


def reviewer_alphas(models, filters):
    """{(model id, against): agreement summary} of the reviewers on the sentences each model
    was compared on; one query. It counts the compared sentences by their labels' counts (a
    few hundred distinct profiles for a million sentences), and the coincidences are summed
    here from those: the same figures as summing them row by row in the database, at the cost
    of a count."""
    counts = [f"sentence__{c}_count" for c in LABELS]
    rows = (
        with_references(in_scope(Prediction.objects.filter(model__in=models), filters,
                                 "sentence__"), "sentence__", annotate=True)
        .filter(ev_votes__gte=2)
        .values("model_id", "ref_verdict", "ref_majority", *counts)
        .annotate(sentences=Count("pk"))
        .order_by()
    )
    coincidences = defaultdict(Coincidences)
    for row in rows:
        profile = {c: row[field] for c, field in zip(LABELS, counts, strict=True)}
        for against in AGAINST:
            if row[f"ref_{against}"] is not None:
                coincidences[row["model_id"], against].add_unit(profile, row["sentences"])
    return {key: agreement_summary(pairs) for key, pairs in coincidences.items()}


def reviewer_accuracy(models, filters, *, by_reviewer=False):
    """{(model id, against[, reviewer]): (labels, labels equal to the reference)} of the
    reviewers on the sentences each model was compared on; one query."""
    key = "sentence__predictions__model_id"
    rows = (
        with_references(
            in_scope(Annotation.objects.filter(**{f"{key}__in": models}), filters, "sentence__"),
            "sentence__",
        )
        .values(key, *(["reviewer__username"] if by_reviewer else []))
        .annotate(**{
            name: count
            for against in AGAINST
            for name, count in (
                (f"{against}_n", Count("pk", filter=_has_reference(against))),
                (f"{against}_agree", Count("pk", filter=Q(label=F(f"ref_{against}")))),
            )
        })
        .order_by()
    )
    result = {}
    for row in rows:
        who = (row["reviewer__username"],) if by_reviewer else ()
        for against in AGAINST:
            if row[f"{against}_n"]:
                result[(row[key], against, *who)] = (row[f"{against}_n"], row[f"{against}_agree"])
    return result


def _human(alpha, pooled, reviewers):
    labels, agreeing = pooled or (0, 0)
    human = {
        "labels": labels,
        "accuracy": agreeing / labels if labels else None,
        "alpha": alpha["alpha"] if alpha else None,
        "percent_agreement": alpha["percent"] if alpha else None,
        "pairable_sentences": alpha["pairable_sentences"] if alpha else 0,
    }
    if reviewers is not None:
        human["reviewers"] = reviewers
    return human


def _result(model, against, confusion, totals, alpha, pooled, reviewers=None):
    figures = scores(confusion)
    reference = totals[against]
    return {
        "model": model.name,
        "against": against,
        "n": figures["n"],
        "coverage": figures["n"] / reference if reference else 0.0,
        "accuracy": figures["accuracy"],
        "macro_f1": figures["macro_f1"],
        "kappa": figures["kappa"],
        "per_label": figures["per_label"],
        "confusion": figures["confusion"],
        "human": _human(alpha, pooled, reviewers),
        "reference_sentences": reference,
        "ties": totals["ties"] if against == "majority" else 0,
    }


def evaluate(model, *, against="verdict", filters=EvaluationFilters()):
    """The evaluation of one model against one reference: the API's answer. Five queries."""
    if against not in AGAINST:
        raise ValueError(f"against must be one of {', '.join(AGAINST)}")
    models = [model.pk]
    totals = reference_totals(filters)
    accuracy = reviewer_accuracy(models, filters, by_reviewer=True)
    mine = sorted(
        (who, counts) for (_, kind, who), counts in accuracy.items() if kind == against
    )
    reviewers = [
        {"reviewer": who, "labels": labels, "accuracy": agreeing / labels}
        for who, (labels, agreeing) in mine
    ]
    pooled = (sum(labels for _, (labels, _) in mine), sum(agree for _, (_, agree) in mine))
    return _result(
        model, against,
        confusions(models, filters).get((model.pk, against), empty_confusion()),
        totals,
        reviewer_alphas(models, filters).get((model.pk, against)),
        pooled,
        reviewers,
    )


def evaluate_all(models, filters=EvaluationFilters()):
    """[(model, {against: evaluation})] for every model in `models` (a list), both
    references, without the per-reviewer breakdown: the dashboard's. Four queries."""
    if not models:
        return []
    ids = [model.pk for model in models]
    totals = reference_totals(filters)
    matrices = confusions(ids, filters)
    alphas = reviewer_alphas(ids, filters)
    pooled = reviewer_accuracy(ids, filters)
    return [
        (model, {
            against: _result(
                model, against, matrices.get((model.pk, against), empty_confusion()), totals,
                alphas.get((model.pk, against)), pooled.get((model.pk, against)),
            )
            for against in AGAINST
        })
        for model in models
    ]


def confident_disagreements(filters=EvaluationFilters(), *, threshold=CONFIDENT,
                            limit=DISAGREEMENTS_LISTED):
    """Predictions at least `threshold` confident whose label is not the sentence's
    verdict, most confident first: the first place to look for a wrong verdict. One query."""
    predictions = in_scope(Prediction.objects.all(), filters, "sentence__")
    return list(
        predictions.filter(score__gte=threshold, sentence__verdict__isnull=False)
        .exclude(label=F("sentence__verdict__label"))
        .select_related("model", "sentence__verdict")
        .only("label", "score", "model__name", "sentence__article_id", "sentence__text",
              "sentence__verdict__label")
        .order_by("-score", "sentence_id", "model_id")[:limit]
    )


def models_section(filters=EvaluationFilters()):
    """The dashboard's Models section: every model against both references and the
    confident disagreements. One query without models, six with any number."""
    models = list(PredictionModel.objects.order_by("name"))
    if not models:
        return {"models": [], "disagreements": []}
    return {
        "models": evaluate_all(models, filters),
        "disagreements": confident_disagreements(filters),
    }
