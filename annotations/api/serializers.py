import re
from collections.abc import Mapping

from django.conf import settings
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from ..adjudicating import RATIONALE_MAX_LENGTH
from ..annotating import URL_MAX_LENGTH
from ..exporting import FORMATS, SPLITS, InvalidExportQuery, parse_export_query
from ..importing import TITLE_MAX_LENGTH, ArticleTooLarge
from ..matching import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH
from ..models import (
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LINKS,
    MAX_ID,
    NOTE_MAX_LENGTH,
    Annotation,
    Comment,
    Label,
    Project,
    Skip,
    SkipReason,
    Verdict,
)

USERNAME_MAX_LENGTH = 150
SLUG_MAX_LENGTH = Project._meta.get_field("slug").max_length
# How many unknown field names an error lists: the answer stays small whatever was sent.
UNKNOWN_FIELDS_LISTED = 10


def length_limit(field):
    """The most characters (texts) or items (lists) `field` takes as input, or None when
    its values need no bound: numbers, dates and booleans are parsed without per-item
    work and never echoed back."""
    if isinstance(field, serializers.CharField | serializers.ListField):
        return field.max_length
    if isinstance(field, serializers.ChoiceField):  # its error repeats the value sent
        return max(map(len, field.choice_strings_to_values), default=0)
    return None


def needs_limit(field):
    return isinstance(field, serializers.CharField | serializers.ListField)


class BoundedInput:
    """For every serializer of request input. Each text and list field has a max_length,
    checked against the raw value before any field looks at it: DRF validates every item
    of a list (and scans every character of a text) first and checks its length last, so
    an overlong value would cost work in proportion to its size before being refused.
    tests/test_hostile_input.py holds every input serializer to this."""

    def to_internal_value(self, data):
        self.refuse_overlong(data)
        return super().to_internal_value(data)

    def refuse_overlong(self, data):
        if isinstance(data, Mapping):
            too_long = {}
            for field in self.fields.values():
                limit = length_limit(field)
                if field.read_only or limit is None:
                    continue
                value = field.get_value(data)
                if isinstance(value, str | list | tuple) and len(value) > limit:
                    unit = "characters" if isinstance(value, str) else "items"
                    too_long[field.field_name] = [
                        f"at most {limit:,} {unit}, not {len(value):,}"
                    ]
            if too_long:
                self.refuse_too_long(too_long)

    def refuse_too_long(self, errors):
        raise serializers.ValidationError(errors)


class StrictSerializer(BoundedInput, serializers.Serializer):
    """Rejects fields it does not know instead of silently ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    dict.fromkeys(unknown[:UNKNOWN_FIELDS_LISTED], "unknown field")
                )
        return super().to_internal_value(data)


class ProgressFields(serializers.Serializer):
    sentence_count = serializers.IntegerField(read_only=True)
    reviews_done = serializers.IntegerField(read_only=True)
    reviews_needed = serializers.IntegerField(read_only=True)


class ProjectSerializer(BoundedInput, ProgressFields, serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True)
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "slug", "name", "description", "review_target", "default_language", "members",
            "created_at",
            "article_count", "sentence_count", "reviews_done", "reviews_needed",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"description": {"max_length": 10_000}}


class ArticleSerializer(ProgressFields):
    id = serializers.IntegerField()
    project = serializers.CharField(source="project.slug")
    title = serializers.CharField()
    source = serializers.CharField()
    url = serializers.CharField()
    final_url = serializers.CharField()
    fetched_at = serializers.DateTimeField(allow_null=True)
    author = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField()
    created_at = serializers.DateTimeField()
    review_target = serializers.IntegerField(source="target")
    labeled_by_me = serializers.IntegerField(source="labeled_by_user")
    skipped_by_me = serializers.IntegerField(
        source="skipped_by_user", help_text="Sentences you skipped (not labels)."
    )


class ArticleImportSerializer(StrictSerializer):
    """Shape only; the import service checks the values (one set of rules everywhere).
    A `url` without a `body` imports the article of the page at that URL."""

    body = serializers.CharField(required=False, trim_whitespace=False)
    project = serializers.CharField(
        required=False, max_length=SLUG_MAX_LENGTH, help_text="Project slug; default: default."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX_LENGTH)
    source = serializers.CharField(required=False, allow_blank=True, max_length=200)
    url = serializers.CharField(required=False, allow_blank=True, max_length=URL_MAX_LENGTH)
    published_at = serializers.CharField(required=False, allow_blank=True, max_length=100)
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)
    author = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A body of more characters than ARTICLE_MAX_BYTES has more bytes too.
        self.fields["body"].max_length = settings.ARTICLE_MAX_BYTES

    def refuse_too_long(self, errors):
        if "body" in errors:  # too large, as the import itself says (413)
            limit = settings.ARTICLE_MAX_BYTES
            raise ArticleTooLarge(
                f"body is over {limit:,} characters; the limit is {limit:,} bytes "
                "(set ARTICLE_MAX_BYTES to raise it)"
            )
        super().refuse_too_long(errors)


class MyAnnotationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Annotation
        fields = ["label", "note", "evidence", "claim_start", "claim_end", "version",
                  "updated_at"]


class MySkipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skip
        fields = ["reason", "updated_at"]


class SentenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    my_annotation = MyAnnotationSerializer(allow_null=True, help_text="The caller's label.")
    my_skip = MySkipSerializer(allow_null=True, help_text="The caller's skip (not a label).")


class ArticleDetailSerializer(ArticleSerializer):
    body = serializers.CharField()
    sentences = SentenceSerializer(many=True)


CLAIM_HELP = (
    "The words that carry the claim: offsets in the article's body (code points), inside "
    "the sentence, claim_start < claim_end; both null (or left out) for none."
)


# The offsets are stored (and passed to the save function) as 32-bit integers; an article
# body is far shorter.
CLAIM_OFFSET_MAX = 2**31 - 1


def ClaimOffset(**kwargs):  # noqa: N802 (a field, named like one)
    return serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=CLAIM_OFFSET_MAX,
        **kwargs,
    )


class AnnotationInputSerializer(StrictSerializer):
    label = serializers.ChoiceField(choices=Label.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=NOTE_MAX_LENGTH
    )
    evidence = serializers.ListField(
        child=serializers.CharField(max_length=URL_MAX_LENGTH),
        max_length=EVIDENCE_MAX_LINKS,
        required=False,
    )
    claim_start = ClaimOffset(help_text=CLAIM_HELP)
    claim_end = ClaimOffset(help_text=CLAIM_HELP)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="The version you last saw (0: none). A stale version gives 409.",
    )


_ANNOTATION_FIELDS = frozenset(AnnotationInputSerializer._declared_fields)
_LABELS = frozenset(Label.values)
_SURROGATE = re.compile("[\ud800-\udfff]")


def annotation_input(data):
    """AnnotationInputSerializer's validated data for `data` (a request's parsed body), or
    its ValidationError. A body of the usual shape, a JSON object whose every field is
    well-formed, is checked here and taken as it is: building the serializer (a deep copy
    of its fields) and running it was a fifth of a label save's CPU time. Anything else
    goes through the serializer, for the same answer and every error message;
    tests/test_api_annotations.py holds the two to the same answers."""
    if _plain_annotation(data):
        data = {"claim_start": None, "claim_end": None, **data}  # the serializer's defaults
        if "evidence" in data:  # the serializer's CharField trims each link
            return {**data, "evidence": [link.strip() for link in data["evidence"]]}
        return data
    serializer = AnnotationInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _plain_annotation(data):
    """Whether the serializer would take `data` as it is (but for trimming the links)."""
    if type(data) is not dict or not data.keys() <= _ANNOTATION_FIELDS:
        return False
    version, evidence = data.get("version"), data.get("evidence", [])
    return (
        type(data.get("label")) is str and data["label"] in _LABELS
        and _plain_text(data.get("note", ""), NOTE_MAX_LENGTH)
        and (version is None or (type(version) is int and version >= 0))
        and type(evidence) is list and len(evidence) <= EVIDENCE_MAX_LINKS
        and all(_plain_text(link, URL_MAX_LENGTH) and link.strip() for link in evidence)
        and all(_plain_offset(data.get(name)) for name in ("claim_start", "claim_end"))
    )


def _plain_offset(value):
    """Whether a ClaimOffset takes `value` as it is."""
    return value is None or (type(value) is int and 0 <= value <= CLAIM_OFFSET_MAX)


def _plain_text(value, max_length):
    """Whether a CharField takes `value` as it is: text, not too long, no NUL or surrogate."""
    return (
        type(value) is str and len(value) <= max_length and "\x00" not in value
        and not _SURROGATE.search(value)
    )


class AnnotationSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")
    article = serializers.IntegerField(source="sentence.article_id")

    class Meta:
        model = Annotation
        fields = [
            "id", "sentence", "article", "reviewer", "label", "note", "evidence",
            "claim_start", "claim_end", "version", "created_at", "updated_at",
        ]


class OthersCountsSerializer(serializers.Serializer):
    verified = serializers.IntegerField()
    disputed = serializers.IntegerField()
    unclear = serializers.IntegerField()


class SavedAnnotationSerializer(AnnotationSerializer):
    """The caller's annotation as saved, with what they may now see of the others' labels."""

    others = OthersCountsSerializer(
        allow_null=True, read_only=True,
        help_text="Other reviewers' labels on the sentence, counted, where the caller may "
        "see them now (adjudicators; reviewers where the project shows them); else null.",
    )

    class Meta(AnnotationSerializer.Meta):
        fields = [*AnnotationSerializer.Meta.fields, "others"]


_TIMESTAMP = serializers.DateTimeField()


def saved_annotation_data(saved):
    """What SavedAnnotationSerializer makes of `saved` (an annotating.Saved), built
    directly: the save returned every field, so nothing is read again."""
    annotation = saved.annotation
    return {
        "id": annotation.pk, "sentence": annotation.sentence_id, "article": saved.article_id,
        "reviewer": annotation.reviewer.username, "label": annotation.label,
        "note": annotation.note, "evidence": annotation.evidence,
        "claim_start": annotation.claim_start, "claim_end": annotation.claim_end,
        "version": annotation.version,
        "created_at": _TIMESTAMP.to_representation(annotation.created_at),
        "updated_at": _TIMESTAMP.to_representation(annotation.updated_at),
        "others": saved.others,
    }


class ArticleFilterSerializer(BoundedInput, serializers.Serializer):
    project = serializers.SlugField(
        required=False, max_length=SLUG_MAX_LENGTH, help_text="Project slug."
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = AnnotationSerializer(allow_null=True, help_text="What is stored now.")


class VersionQuerySerializer(StrictSerializer):
    version = serializers.IntegerField(required=False, min_value=0)


class AnnotationFilterSerializer(BoundedInput, serializers.Serializer):
    project = serializers.SlugField(required=False, max_length=SLUG_MAX_LENGTH)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    label = serializers.ChoiceField(choices=Label.choices, required=False)
    reviewer = serializers.CharField(required=False, max_length=USERNAME_MAX_LENGTH)


class ExportParamsSerializer(BoundedInput, serializers.Serializer):
    """The query of an export: its format and filters. The fields describe it for the
    schema; `exporting.parse_export_query` checks it, as it does the command's flags
    (`context["projects"]`: those the caller may name, default all)."""

    format = serializers.ChoiceField(choices=FORMATS, default="jsonl")
    project = serializers.SlugField(
        required=False, max_length=SLUG_MAX_LENGTH, help_text="Project slug."
    )
    article = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Article id."
    )
    label = serializers.ChoiceField(
        choices=Label.choices,
        required=False,
        help_text="Annotations: their label. Sentences: the verdict, else the majority label.",
    )
    reviewer = serializers.CharField(
        required=False, max_length=USERNAME_MAX_LENGTH, help_text="Username."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601; labels (or verdicts) changed at or after it."
    )
    has_verdict = serializers.BooleanField(
        required=False, help_text="true: only sentences with a verdict; false: only without."
    )
    split = serializers.ChoiceField(
        choices=SPLITS,
        required=False,
        help_text="Articles are split 80/10/10 by a hash of their text; never across splits.",
    )
    language = serializers.CharField(
        required=False, max_length=16, help_text="The articles' language (ISO 639-1), e.g. ar."
    )
    anonymize = serializers.BooleanField(
        default=False, help_text="Stable pseudonyms instead of usernames."
    )
    csv_guard = serializers.BooleanField(
        default=True,
        help_text="CSV: a ' before text cells starting = + - @ tab or CR, so that spreadsheets "
        "do not run them as formulas. false: every text exactly (for programs).",
    )
    max_lag = serializers.FloatField(
        required=False, min_value=0, max_value=86_400,
        help_text="Seconds the read replica may be behind; further behind, the export reads "
        "the primary (or answers 503 when falling back is off). X-Export-Source, "
        "X-Export-As-Of and X-Export-Lag say what an export reflects.",
    )

    model = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=20,
        help_text="Sentence exports: a model's name (repeat for several) adds its label and "
        "score to each row, in model_labels and model_scores.",
    )

    def scope(self):
        """The projects the caller may export (context "projects", from
        `access.export_scope`; None: every project, for the operator's command)."""
        if "projects" not in self.context:
            raise RuntimeError("An export's parameters need the caller's projects in context.")
        return self.context["projects"]

    def to_internal_value(self, data):
        self.refuse_overlong(data)
        formats = self.fields["format"]
        try:
            query = parse_export_query(
                data, formats=tuple(formats.choices), default_format=formats.default,
                projects=self.scope(),
            )
        except InvalidExportQuery as error:
            raise serializers.ValidationError(error.errors) from None
        return {"format": query.format, "filters": query.filters}

    def filters(self):
        return self.validated_data["filters"]


class VerdictInputSerializer(StrictSerializer):
    label = serializers.ChoiceField(choices=Label.choices)
    rationale = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=RATIONALE_MAX_LENGTH
    )
    claim_start = ClaimOffset(help_text=CLAIM_HELP)
    claim_end = ClaimOffset(help_text=CLAIM_HELP)


class VerdictSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username")

    class Meta:
        model = Verdict
        fields = ["sentence", "label", "rationale", "claim_start", "claim_end", "decided_by",
                  "decided_at"]


class CommentInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=COMMENT_MAX_LENGTH)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")

    class Meta:
        model = Comment
        fields = ["id", "sentence", "author", "text", "created_at"]


class CommentListSerializer(serializers.Serializer):
    results = CommentSerializer(many=True)


class StatsFilterSerializer(StrictSerializer):
    project = serializers.SlugField(required=False, max_length=SLUG_MAX_LENGTH)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class NextSentenceSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    sentence = serializers.IntegerField(source="pk")
    position = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.CharField()


class ClaimReviewParamsSerializer(ExportParamsSerializer):
    format = serializers.ChoiceField(choices=["json", "jsonl"], default="json")


class TokenRequestSerializer(BoundedInput, AuthTokenSerializer):
    """As DRF's, with lengths bounded like the sign-in form's: an overlong username is a
    400 here, before the sign-in is tried and recorded."""

    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH, write_only=True)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )


class LabelCountsSerializer(serializers.Serializer):
    verified = serializers.IntegerField()
    disputed = serializers.IntegerField()
    unclear = serializers.IntegerField()


class MatchSerializer(serializers.Serializer):
    """A checked sentence that states the same claim (see `matching.Match`)."""

    sentence_id = serializers.IntegerField()
    article_id = serializers.IntegerField()
    article_title = serializers.CharField()
    text = serializers.CharField()
    verdict = serializers.ChoiceField(choices=Label.choices, allow_null=True)
    labels = LabelCountsSerializer()
    score = serializers.FloatField(min_value=0, max_value=1)
    url = serializers.CharField()


class MatchListSerializer(serializers.Serializer):
    results = MatchSerializer(many=True)


class CheckSearchSerializer(StrictSerializer):
    q = serializers.CharField(
        min_length=MIN_QUERY_LENGTH, max_length=MAX_QUERY_LENGTH, help_text="Text to search for."
    )
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=16, help_text="ISO 639-1 code."
    )
    project = serializers.SlugField(
        required=False, allow_blank=True, max_length=SLUG_MAX_LENGTH, help_text="Project slug."
    )


class EvaluationParamsSerializer(StrictSerializer):
    """The query of a model's evaluation (`context["projects"]`: those the caller may name,
    None for all)."""

    against = serializers.ChoiceField(
        choices=["verdict", "majority"], default="verdict",
        help_text="verdict: the adjudicators' verdicts. majority: the majority label of the "
        "sentences that reached their review target (ties left out, and counted).",
    )
    project = serializers.SlugField(required=False, max_length=SLUG_MAX_LENGTH)
    split = serializers.ChoiceField(choices=SPLITS, required=False)
    language = serializers.CharField(
        required=False, max_length=16, help_text="The articles' language (ISO 639-1)."
    )

    def validate_project(self, value):
        projects = self.context["projects"]
        projects = Project.objects.all() if projects is None else projects
        if not projects.filter(slug=value).exists():
            known = ", ".join(projects.order_by("slug").values_list("slug", flat=True))
            raise serializers.ValidationError(f"unknown project {value!r}; existing: {known}")
        return value


class PredictionsImportSerializer(serializers.Serializer):
    """What an import of predictions answers."""

    model = serializers.CharField()
    model_created = serializers.BooleanField()
    predictions = serializers.IntegerField()
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ShortcutsSerializer(StrictSerializer):
    """A user's single-key shortcuts: on or off, and the key of each action (a PUT may give
    some keys only: the others keep their defaults)."""

    enabled = serializers.BooleanField()
    keys = serializers.DictField(
        child=serializers.CharField(max_length=1, trim_whitespace=False), required=False,
        help_text="action: key, one character each, no key for two actions.",
    )


class SkipInputSerializer(StrictSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=40,
        help_text="One of " + ", ".join(SkipReason.values) + " (or its words, e.g. "
        "\"not a factual claim\"); empty or missing: no reason.",
    )


class SkipSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")
    reason_text = serializers.CharField(
        source="get_reason_display", help_text="The reason in words ('' for none)."
    )

    class Meta:
        model = Skip
        fields = ["sentence", "reviewer", "reason", "reason_text", "created_at", "updated_at"]


class GuidelinesSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="Project slug.")
    text = serializers.CharField(help_text="Markdown, as written.")
    html = serializers.CharField(help_text="Rendered and sanitised.")
    digest = serializers.CharField(help_text="SHA-256 of the text: names this version.")
    state = serializers.ChoiceField(
        choices=["none", "new", "updated", "seen"],
        help_text="For the caller: none (no guidelines), new (never seen), updated (changed "
        "since seen) or seen.",
    )


class GuidelinesSeenSerializer(StrictSerializer):
    digest = serializers.RegexField(
        r"^[0-9a-f]{64}$", max_length=64, help_text="The digest of the version seen."
    )
