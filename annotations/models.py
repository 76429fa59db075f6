from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, IntegerField
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

DEFAULT_PROJECT_SLUG = "default"
NOTE_MAX_LENGTH = 10_000
EVIDENCE_MAX_LINKS = 20
COMMENT_MAX_LENGTH = 2_000
GUIDELINES_MAX_LENGTH = 100_000
# Ids are 64-bit in the database: a larger number given as an id is refused, not overflowed.
MAX_ID = 2**63 - 1


class Label(models.TextChoices):
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"
    UNCLEAR = "unclear", "Unclear"


def _label_is_valid(field="label"):
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": Label.values}),
        name="%(app_label)s_%(class)s_label_valid",
    )


def _claim_is_valid():
    """A claim span is both offsets or neither, and not empty. That it lies inside the
    sentence is checked by `annotating.check_claim` (a constraint cannot see the sentence)."""
    return models.CheckConstraint(
        condition=models.Q(claim_start__isnull=True, claim_end__isnull=True)
        | models.Q(claim_start__isnull=False, claim_end__gt=models.F("claim_start")),
        name="%(app_label)s_%(class)s_claim_valid",
    )


def claim_parts(sentence, claim_start, claim_end):
    """(before, claim, after): the sentence's text cut around a claim span given in body
    offsets, or None without a span. Reads `sentence.text` and `sentence.start`."""
    if claim_start is None:
        return None
    a, b = claim_start - sentence.start, claim_end - sentence.start
    return sentence.text[:a], sentence.text[a:b], sentence.text[b:]


def validate_language(value):
    """A stored language is a bare ISO 639-1 code, in lower case."""
    from .languages import UnknownLanguage, clean_language

    try:
        code = clean_language(value)
    except UnknownLanguage as error:
        raise ValidationError(str(error)) from None
    if code != value:
        raise ValidationError(f"write the language {value!r} as {code!r} (ISO 639-1)")


class Project(models.Model):
    """A desk, campaign or dataset: a group of articles with its own review target.

    A project without members is open to every reviewer; one with members is visible
    to those members, adjudicators and staff only (see `access.visible_projects`).
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    review_target = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1)],
        help_text="Independent labels each sentence needs.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="projects",
        help_text="Leave empty to open the project to every reviewer.",
    )
    show_counts_after_labeling = models.BooleanField(
        default=False,
        help_text=(
            "Show reviewers how many others chose each label once they have labeled a "
            "sentence. Changes made after seeing them are recorded (first_label)."
        ),
    )
    default_language = models.CharField(
        max_length=16,
        default="en",
        validators=[validate_language],
        help_text=(
            "ISO 639-1 code of the articles imported without a language whose text is too "
            "short or too mixed to detect one."
        ),
    )
    show_matches_before_labeling = models.BooleanField(
        default=False,
        db_default=False,
        help_text=(
            "Show reviewers the earlier checks of a sentence's claim before they label it. "
            "Off: only once they have labeled it, so that an earlier verdict does not "
            "steer their label."
        ),
    )
    suggestions_from = models.ForeignKey(
        "PredictionModel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            "Show reviewers this model's label as a suggestion. Off by default: a visible "
            "guess steers the label. Predictions never count as labels."
        ),
    )
    guidelines = models.TextField(
        blank=True,
        max_length=GUIDELINES_MAX_LENGTH,
        help_text=(
            "How to label, in Markdown (no HTML). Reviewers see them beside the article (key g); "
            "they open by themselves the first time a reviewer opens the project and again "
            "after every change."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_target__gte=1), name="project_review_target_positive"
            )
        ]

    def __str__(self):
        return self.name


class Article(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=500)
    source = models.CharField(max_length=200, blank=True, help_text="Publisher.")
    url = models.URLField(max_length=2000, blank=True)
    final_url = models.URLField(
        max_length=2000, blank=True, help_text="Where the URL led after redirects, if fetched."
    )
    fetched_at = models.DateTimeField(
        null=True, blank=True, help_text="When the page was fetched, if imported from its URL."
    )
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=16,
        default="en",
        validators=[validate_language],
        help_text=(
            "ISO 639-1 code; it picks the sentence-splitting rules. Changing it splits the "
            "article again, which is refused once its sentences have labels."
        ),
    )
    body = models.TextField(help_text="The exact text as imported, never rewritten.")
    content_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the body with its line endings made \\n."
    )
    split_bucket = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="0-99 from the content hash: places the article in a dataset split.",
    )
    review_target = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Overrides the project's review target for this article.",
    )
    checked_before = models.PositiveIntegerField(
        db_default=0,
        editable=False,
        help_text="Sentences that matched a claim checked before, counted on import.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_articles",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "content_hash"], name="article_unique_body_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(review_target__isnull=True) | models.Q(review_target__gte=1),
                name="article_review_target_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "-created_at"]),
            # Re-importing a URL finds the article without fetching the page again.
            models.Index(fields=["project", "url"], name="article_project_url"),
        ]

    def __str__(self):
        return self.title

    @property
    def effective_review_target(self):
        """Reads `self.project`: select it with the article to avoid a query. The same rule
        as `review_target_of` (a check constraint keeps the article's own target >= 1)."""
        if self.review_target is not None:
            return self.review_target
        return self.project.review_target


def review_target_of(article="article__"):
    """The review target in a query: the article's own, else its project's. `article` is
    the path to the article ("" from Article itself)."""
    return Coalesce(
        F(f"{article}review_target"), F(f"{article}project__review_target"),
        output_field=IntegerField(),
    )


class Sentence(models.Model):
    """A span of its article's body: `article.body[start:end] == text`, in code points.

    The label counts mirror its annotations (kept by `annotating`, in the same transaction
    as each change), so that progress, agreement and the dashboard read 1 row a sentence
    instead of grouping every annotation.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    position = models.PositiveIntegerField(help_text="0-based order within the article.")
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    verified_count = models.PositiveIntegerField(db_default=0, editable=False)
    disputed_count = models.PositiveIntegerField(db_default=0, editable=False)
    unclear_count = models.PositiveIntegerField(db_default=0, editable=False)

    class Meta:
        ordering = ["article_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="sentence_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="sentence_span_not_empty"
            ),
        ]

    def __str__(self):
        return self.text[:80]


class Annotation(models.Model):
    """One reviewer's label for one sentence; `version` grows with every change."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="annotations")
    # PROTECT: labels are data; deactivate a reviewer instead of deleting their work.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    label = models.CharField(max_length=16, choices=Label.choices)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    evidence = models.JSONField(default=list, blank=True, help_text="http(s) links.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    first_label = models.CharField(
        max_length=16,
        choices=Label.choices,
        blank=True,
        editable=False,
        help_text="The label given before the reviewer could see anyone else's.",
    )
    changed_after_reveal = models.BooleanField(
        default=False,
        editable=False,
        help_text="The label was changed after the reviewer saw the others' counts.",
    )
    # The words that carry the claim: offsets in the article's body, inside the sentence.
    claim_start = models.PositiveIntegerField(null=True, blank=True)
    claim_end = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sentence_id", "reviewer_id"]
        permissions = [("export_dataset", "Can export labeled datasets")]
        constraints = [
            models.UniqueConstraint(
                fields=["sentence", "reviewer"], name="annotation_one_per_reviewer"
            ),
            _label_is_valid(),
            _claim_is_valid(),
        ]
        indexes = [
            models.Index(fields=["reviewer", "sentence"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self):
        return f"{self.label} by {self.reviewer_id} on sentence {self.sentence_id}"

    def claim_parts(self):
        return claim_parts(self.sentence, self.claim_start, self.claim_end)


class Verdict(models.Model):
    """An adjudicator's final label for a sentence."""

    sentence = models.OneToOneField(Sentence, on_delete=models.CASCADE, related_name="verdict")
    label = models.CharField(max_length=16, choices=Label.choices)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts"
    )
    decided_at = models.DateTimeField()
    # The adjudicator's own span of the claim, as on Annotation.
    claim_start = models.PositiveIntegerField(null=True, blank=True)
    claim_end = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sentence_id"]
        constraints = [_label_is_valid(), _claim_is_valid()]

    def __str__(self):
        return f"{self.label} on sentence {self.sentence_id}"

    def claim_parts(self):
        return claim_parts(self.sentence, self.claim_start, self.claim_end)


class Hold(models.Model):
    """A sentence the queue handed to a reviewer. While enough reviewers hold a sentence
    (by label or by hold) the queue sends nobody else to it; a hold expires so that an
    abandoned one frees its sentence."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="holds")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holds"
    )
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sentence", "reviewer"], name="hold_one_per_reviewer")
        ]

    def __str__(self):
        return f"sentence {self.sentence_id} held by {self.reviewer_id} until {self.expires_at}"


class ArticleTally(models.Model):
    """Running sums over an article's sentences, moved by `tallies.apply_change` in the same
    transaction as every label change, so that progress, agreement and the dashboard read
    one row an article instead of grouping every label. `tallies.refresh` rebuilds them.

    o_* are the coincidences of label pairs (o_vd = o_dv; see `agreement`), pairs the
    ordered pairs of labels on pairable sentences (two labels or more), agreeing those
    that match, reviews_done the labels counted up to the review target, verdicts the
    sentences an adjudicator has decided.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    sentences = models.PositiveIntegerField(db_default=0)
    verified = models.PositiveIntegerField(db_default=0)
    disputed = models.PositiveIntegerField(db_default=0)
    unclear = models.PositiveIntegerField(db_default=0)
    reviews_done = models.PositiveIntegerField(db_default=0)
    pairable = models.PositiveIntegerField(db_default=0)
    pairs = models.BigIntegerField(db_default=0)
    agreeing = models.BigIntegerField(db_default=0)
    o_vv = models.FloatField(db_default=0.0)
    o_dd = models.FloatField(db_default=0.0)
    o_uu = models.FloatField(db_default=0.0)
    o_vd = models.FloatField(db_default=0.0)
    o_vu = models.FloatField(db_default=0.0)
    o_du = models.FloatField(db_default=0.0)
    # Sentences with a verdict: moved by adjudicating.set_verdict and clear_verdict.
    verdicts = models.PositiveIntegerField(db_default=0)

    def __str__(self):
        return f"tally of article {self.article_id}"


class DailyRollup(models.Model):
    """Running sums of the labels one reviewer gave on one day (the day each was first
    given, in TIME_ZONE) to the sentences of one project: what the dashboard's activity
    figures add up, so that a period reads a row per day and reviewer instead of grouping
    every label. Moved by `rollups.apply_change` in the same transaction as every label
    change; `rollups.refresh` rebuilds them.

    verified, disputed and unclear count the labels as they are now; the rest are the sums
    behind the reviewer's agreement with the others on those labels (see `rollups`): o_* the
    coincidences of their pairs (symmetric, o_vd = o_dv), pairs the pairs, agreeing those
    that match. A row can fall to no labels; its sums are then zero.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    verified = models.IntegerField(db_default=0)
    disputed = models.IntegerField(db_default=0)
    unclear = models.IntegerField(db_default=0)
    pairs = models.BigIntegerField(db_default=0)
    agreeing = models.BigIntegerField(db_default=0)
    o_vv = models.FloatField(db_default=0.0)
    o_dd = models.FloatField(db_default=0.0)
    o_uu = models.FloatField(db_default=0.0)
    o_vd = models.FloatField(db_default=0.0)
    o_vu = models.FloatField(db_default=0.0)
    o_du = models.FloatField(db_default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "day", "reviewer"], name="rollup_one_row_per_key"
            ),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"labels of {self.reviewer_id} on {self.day}"


class PriorCheck(models.Model):
    """The checked sentences of other articles that state the same claim as `sentence`,
    found when its article was imported: what the sentence export gives as `checked_before`
    and the landing page counts. Live matches come from `matching.matches_for`."""

    sentence = models.OneToOneField(
        Sentence, on_delete=models.CASCADE, primary_key=True, related_name="prior_check"
    )
    matches = models.JSONField(default=list, help_text="Sentence ids, best match first.")

    def __str__(self):
        return f"checked before: sentence {self.sentence_id}"


MODEL_NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"


class PredictionModel(models.Model):
    """A claim-verification model whose predictions are compared with the desk's labels;
    its name is how the API and the commands address it."""

    name = models.CharField(
        max_length=100,
        unique=True,
        validators=[RegexValidator(
            f"^{MODEL_NAME_PATTERN}\\Z",
            "Letters, digits, dots, dashes and underscores, starting with a letter or digit.",
        )],
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Prediction(models.Model):
    """One model's label for one sentence, with its confidence when it gives one. Never a
    label of the desk: it counts nowhere in agreement, progress or the queue."""

    # The unique (model, sentence) index serves the model's lookups: no index of its own.
    model = models.ForeignKey(
        PredictionModel, on_delete=models.CASCADE, related_name="predictions", db_index=False
    )
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="predictions")
    label = models.CharField(max_length=16, choices=Label.choices)
    score = models.FloatField(null=True, blank=True, help_text="0 to 1, when the model gives one.")

    class Meta:
        ordering = ["model_id", "sentence_id"]
        constraints = [
            models.UniqueConstraint(fields=["model", "sentence"], name="prediction_one_per_model"),
            _label_is_valid(),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True)
                | models.Q(score__gte=0.0, score__lte=1.0),
                name="prediction_score_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.label} by model {self.model_id} on sentence {self.sentence_id}"


class ShortcutSettings(models.Model):
    """A user's single-key shortcuts: on or off, and the key for each action, where it is
    not the default (annotations.shortcuts; WCAG 2.1.4). No row: the defaults, on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="shortcut_settings",
    )
    enabled = models.BooleanField(default=True)
    keys = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"shortcuts of user {self.user_id}"


class Comment(models.Model):
    """A short message in a sentence's discussion, seen by those who may talk about it
    (`access.may_discuss`): reviewers who have labeled it, adjudicators and staff."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    text = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sentence_id", "id"]

    def __str__(self):
        return f"comment by {self.author_id} on sentence {self.sentence_id}"


class CommentRead(models.Model):
    """How far `user` has read the discussion of `sentence`: the id of the last comment
    they were shown. Comments after it, by others, are new to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sentence"], name="comment_read_one_per_user")
        ]

    def __str__(self):
        return f"user {self.user_id} read sentence {self.sentence_id} up to {self.last_read_id}"


class GuidelinesSeen(models.Model):
    """The guidelines of `project` as `user` last saw them, by digest (`guidelines.digest_of`):
    the article page opens them by itself while the digest differs from the current text's."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="guidelines_seen_once"),
        ]

    def __str__(self):
        return f"guidelines of project {self.project_id} seen by {self.user_id}"


class SkipReason(models.TextChoices):
    NOT_A_CLAIM = "not_a_claim", "not a factual claim"
    OPINION = "opinion", "opinion"
    NEEDS_EXPERTISE = "needs_expertise", "needs expertise"
    OTHER = "other", "other"


class Skip(models.Model):
    """A sentence a reviewer chose not to label, with an optional reason. Not a label: it
    counts nowhere in progress, agreement or the review target; the queue does not offer the
    sentence to that reviewer again. A reviewer has a label or a skip on a sentence, never
    both (`skipping`; labeling removes the skip)."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="skips")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skips"
    )
    reason = models.CharField(max_length=32, choices=SkipReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sentence_id", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(fields=["sentence", "reviewer"], name="skip_one_per_reviewer"),
            models.CheckConstraint(
                condition=models.Q(reason__in=["", *SkipReason.values]),
                name="skip_reason_valid",
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "sentence"])]

    def __str__(self):
        return f"sentence {self.sentence_id} skipped by {self.reviewer_id}"
