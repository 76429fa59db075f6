"""The export rows, described for the OpenAPI schema. A test holds these names to the
columns the exports really write."""

from rest_framework import serializers

from ..models import Label, SkipReason


class SentenceFieldsRow(serializers.Serializer):
    sentence_id = serializers.IntegerField()
    article_id = serializers.IntegerField()
    project = serializers.CharField(help_text="Project slug.")
    language = serializers.CharField(help_text="The article's language (ISO 639-1).")
    position = serializers.IntegerField(help_text="0-based position in the article.")
    start = serializers.IntegerField(help_text="Offset in the article body (code points).")
    end = serializers.IntegerField(help_text="body[start:end] == text.")
    text = serializers.CharField()


class AnnotationRow(SentenceFieldsRow):
    annotation_id = serializers.IntegerField()
    label = serializers.ChoiceField(choices=Label.choices)
    reviewer = serializers.CharField(help_text="Username, or a stable pseudonym with anonymize.")
    note = serializers.CharField()
    evidence = serializers.ListField(
        child=serializers.URLField(), help_text="In CSV: the links joined by spaces."
    )
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField(help_text="ISO 8601, UTC.")
    updated_at = serializers.DateTimeField(help_text="ISO 8601, UTC.")
    split = serializers.ChoiceField(choices=["train", "validation", "test"])
    first_label = serializers.ChoiceField(
        choices=Label.choices,
        help_text="The first label the reviewer gave, kept through changes and deletions: "
        "compute blind agreement on it.",
    )
    changed_after_reveal = serializers.BooleanField(
        help_text="The label was changed after the reviewer could see the others' labels. "
        "In CSV: true or false.",
    )
    claim_start = serializers.IntegerField(
        allow_null=True, help_text="The words that carry the claim: body offsets, in the sentence."
    )
    claim_end = serializers.IntegerField(allow_null=True)
    claim_text = serializers.CharField(
        allow_null=True, help_text="body[claim_start:claim_end]; null without a span."
    )


class Vote(serializers.Serializer):
    reviewer = serializers.CharField()
    label = serializers.ChoiceField(choices=Label.choices)


class SentenceRow(SentenceFieldsRow):
    article_title = serializers.CharField()
    article_url = serializers.CharField()
    article_source = serializers.CharField(help_text="Publisher.")
    article_published_at = serializers.DateTimeField(allow_null=True)
    context_before = serializers.CharField(allow_null=True, help_text="The sentence before.")
    context_after = serializers.CharField(allow_null=True, help_text="The sentence after.")
    votes = Vote(many=True, help_text="In CSV: JSON text.")
    vote_count = serializers.IntegerField()
    verified_count = serializers.IntegerField()
    disputed_count = serializers.IntegerField()
    unclear_count = serializers.IntegerField()
    majority_label = serializers.ChoiceField(
        choices=Label.choices, allow_null=True, help_text="Null on a tie or with no votes."
    )
    verdict = serializers.ChoiceField(choices=Label.choices, allow_null=True)
    verdict_rationale = serializers.CharField(allow_null=True)
    verdict_decided_at = serializers.DateTimeField(allow_null=True)
    verdict_claim_start = serializers.IntegerField(
        allow_null=True, help_text="The adjudicator's span of the claim: body offsets."
    )
    verdict_claim_end = serializers.IntegerField(allow_null=True)
    verdict_claim_text = serializers.CharField(allow_null=True)
    split = serializers.ChoiceField(choices=["train", "validation", "test"])
    checked_before = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of checked sentences of other articles stating the same claim, best "
        "first, found when the article was imported. In CSV: JSON text.",
    )


class SkipRow(SentenceFieldsRow):
    skip_id = serializers.IntegerField()
    reviewer = serializers.CharField(help_text="Username, or a stable pseudonym with anonymize.")
    reason = serializers.CharField(
        help_text="One of " + ", ".join(SkipReason.values) + "; '' when none was given."
    )
    created_at = serializers.DateTimeField(help_text="ISO 8601, UTC.")
    updated_at = serializers.DateTimeField(help_text="ISO 8601, UTC.")
    split = serializers.ChoiceField(choices=["train", "validation", "test"])
