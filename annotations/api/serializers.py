from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from ..exporting import FORMATS, SPLITS, InvalidExportQuery, parse_export_query
from ..models import MAX_ID, NOTE_MAX_LENGTH, Annotation, Label, Project, Verdict


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not know instead of silently ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    dict.fromkeys(unknown, "unknown field")
                )
        return super().to_internal_value(data)


class ProgressFields(serializers.Serializer):
    sentence_count = serializers.IntegerField(read_only=True)
    reviews_done = serializers.IntegerField(read_only=True)
    reviews_needed = serializers.IntegerField(read_only=True)


class ProjectSerializer(ProgressFields, serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True)
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "slug", "name", "description", "review_target", "members", "created_at",
            "article_count", "sentence_count", "reviews_done", "reviews_needed",
        ]
        read_only_fields = ["id", "created_at"]


class ArticleSerializer(ProgressFields):
    id = serializers.IntegerField()
    project = serializers.CharField(source="project.slug")
    title = serializers.CharField()
    source = serializers.CharField()
    url = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField()
    created_at = serializers.DateTimeField()
    review_target = serializers.IntegerField(source="target")
    labeled_by_me = serializers.IntegerField(source="labeled_by_user")


class ArticleImportSerializer(StrictSerializer):
    """Shape only; the import service checks the values (one set of rules everywhere)."""

    body = serializers.CharField(trim_whitespace=False)
    project = serializers.CharField(required=False, help_text="Project slug; default: default.")
    title = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True)
    url = serializers.CharField(required=False, allow_blank=True)
    published_at = serializers.CharField(required=False, allow_blank=True)
    language = serializers.CharField(required=False, allow_blank=True)


class MyAnnotationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Annotation
        fields = ["label", "note", "evidence", "version", "updated_at"]


class SentenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    my_annotation = MyAnnotationSerializer(allow_null=True, help_text="The caller's label.")


class ArticleDetailSerializer(ArticleSerializer):
    body = serializers.CharField()
    sentences = SentenceSerializer(many=True)


class AnnotationInputSerializer(StrictSerializer):
    label = serializers.ChoiceField(choices=Label.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=NOTE_MAX_LENGTH
    )
    evidence = serializers.ListField(child=serializers.CharField(), required=False)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="The version you last saw (0: none). A stale version gives 409.",
    )


class AnnotationSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")
    article = serializers.IntegerField(source="sentence.article_id")

    class Meta:
        model = Annotation
        fields = [
            "id", "sentence", "article", "reviewer", "label", "note", "evidence", "version",
            "created_at", "updated_at",
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


class ArticleFilterSerializer(serializers.Serializer):
    project = serializers.SlugField(required=False, help_text="Project slug.")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = AnnotationSerializer(allow_null=True, help_text="What is stored now.")


class VersionQuerySerializer(StrictSerializer):
    version = serializers.IntegerField(required=False, min_value=0)


class AnnotationFilterSerializer(serializers.Serializer):
    project = serializers.SlugField(required=False)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    label = serializers.ChoiceField(choices=Label.choices, required=False)
    reviewer = serializers.CharField(required=False)


class ExportParamsSerializer(serializers.Serializer):
    """The query of an export: its format and filters. The fields describe it for the
    schema; `exporting.parse_export_query` checks it, as it does the command's flags
    (`context["projects"]`: those the caller may name, default all)."""

    format = serializers.ChoiceField(choices=FORMATS, default="jsonl")
    project = serializers.SlugField(required=False, help_text="Project slug.")
    article = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Article id."
    )
    label = serializers.ChoiceField(
        choices=Label.choices,
        required=False,
        help_text="Annotations: their label. Sentences: the verdict, else the majority label.",
    )
    reviewer = serializers.CharField(required=False, help_text="Username.")
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
    anonymize = serializers.BooleanField(
        default=False, help_text="Stable pseudonyms instead of usernames."
    )
    csv_guard = serializers.BooleanField(
        default=True,
        help_text="CSV: a ' before text cells starting = + - @ tab or CR, so that spreadsheets "
        "do not run them as formulas. false: every text exactly (for programs).",
    )

    def scope(self):
        """The projects the caller may export (context "projects", from
        `access.export_scope`; None: every project, for the operator's command)."""
        if "projects" not in self.context:
            raise RuntimeError("An export's parameters need the caller's projects in context.")
        return self.context["projects"]

    def to_internal_value(self, data):
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
    rationale = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class VerdictSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username")

    class Meta:
        model = Verdict
        fields = ["sentence", "label", "rationale", "decided_by", "decided_at"]


class StatsFilterSerializer(StrictSerializer):
    project = serializers.SlugField(required=False)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class NextSentenceSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    sentence = serializers.IntegerField(source="pk")
    position = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.CharField()


class ClaimReviewParamsSerializer(ExportParamsSerializer):
    format = serializers.ChoiceField(choices=["json", "jsonl"], default="json")


class TokenRequestSerializer(AuthTokenSerializer):
    """As DRF's, with lengths bounded like the sign-in form's: an overlong username is a
    400 here, before the sign-in is tried and recorded."""

    username = serializers.CharField(max_length=150, write_only=True)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )
