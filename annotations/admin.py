from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from . import rollups
from .access import can_export, can_import, export_scope
from .adjudicating import RATIONALE_MAX_LENGTH, clear_verdict, set_verdict
from .annotating import (
    InvalidAnnotation,
    StaleVersion,
    check_claim,
    clean_annotation,
    clean_claim,
    delete_annotation,
    save_annotation,
)
from .export_source import ExportUnavailable, open_export, streamed_response
from .exporting import CONTENT_TYPES, ExportFilters, stream_export
from .guidelines import render as render_guidelines
from .importing import InvalidArticle, InvalidRecords, import_records, parse_records
from .languages import (
    UnknownLanguage,
    change_language,
    clean_language,
    language_name,
    refusal,
)
from .models import (
    DEFAULT_PROJECT_SLUG,
    Annotation,
    Article,
    Comment,
    Label,
    PredictionModel,
    Project,
    Sentence,
    Verdict,
)
from .progress import with_progress
from .tallies import refresh

# The import page links the articles of an import just done, at most this many.
IMPORTED_LISTED = 200
IMPORTED_SESSION_KEY = "annotations_imported_articles"


class ImportForm(forms.Form):
    project = forms.ModelChoiceField(Project.objects.order_by("name"), to_field_name="slug")
    page_url = forms.CharField(
        required=False, max_length=2000, label="Import from URL",
        widget=forms.URLInput(attrs={"size": 90, "placeholder": "https://"}),
        help_text="A news page: its article is fetched and extracted.",
    )
    file = forms.FileField(
        required=False, label="Or upload a file",
        help_text=".txt (one article), .json (an object or a list), .jsonl or .html (a saved page)",
    )
    body = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        label="Or paste the text",
    )
    title = forms.CharField(
        required=False, max_length=500,
        help_text="For pasted text, a .txt or a page (default: its first line or the page's)",
    )
    source = forms.CharField(required=False, max_length=200)
    url = forms.CharField(
        required=False, max_length=2000, label="Source URL", help_text="Of pasted text"
    )
    published_at = forms.CharField(required=False, help_text="ISO 8601, e.g. 2025-12-04")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].initial = DEFAULT_PROJECT_SLUG

    def clean(self):
        cleaned = super().clean()
        given = [
            bool(cleaned.get("page_url", "").strip()), bool(cleaned.get("file")),
            bool(cleaned.get("body", "").strip()),
        ]
        if sum(given) != 1:
            raise forms.ValidationError(
                "Give a URL, choose a file or paste a text (one of the three)."
            )
        return cleaned

    def records(self):
        """(where, record) pairs, as the import command reads them."""
        data = self.cleaned_data
        if url := data["page_url"].strip():
            return [("URL", {**self._metadata(), "url": url, "title": data["title"]})]
        if data["file"]:
            upload = data["file"]
            records = parse_records(upload.read(), upload.name, title=data["title"] or None)
            if upload.name.lower().endswith(".txt"):
                for _, record in records:
                    record.update(self._metadata())
            return records
        return [("pasted text", {"body": data["body"], **self._metadata(), "title": data["title"]})]

    def _metadata(self):
        return {
            name: self.cleaned_data[name]
            for name in ("source", "url", "published_at")
            if self.cleaned_data[name]
        }


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = [
        "name", "slug", "review_target", "default_language", "show_counts_after_labeling",
        "suggestions_from", "article_count", "created_at",
    ]
    list_select_related = ["suggestions_from"]
    list_filter = ["show_counts_after_labeling", "default_language"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
    readonly_fields = ["guidelines_preview"]

    @admin.display(description="Guidelines as reviewers see them")
    def guidelines_preview(self, project):
        html = render_guidelines(project.guidelines or "")
        return mark_safe(f'<div class="guidelines-preview">{html}</div>') if html else "–"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, project):
        return project.article_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "review_target" in form.changed_data:
            refresh(obj.articles.all())  # progress counts against the new target


class SentenceInline(admin.TabularInline):
    model = Sentence
    fields = ["position", "text", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ChoiceFilter(admin.SimpleListFilter):
    """A filter whose value is one of those it offers; any other matches nothing (the list
    with ?reviewer=abc is empty, not an error)."""

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in {str(choice) for choice, _ in self.lookup_choices}:
            return queryset.none()
        return self.matching(queryset, value)


class LabelFilter(ChoiceFilter):
    title = "has a label"
    parameter_name = "label"

    def lookups(self, request, model_admin):
        return Label.choices

    def matching(self, queryset, label):
        return queryset.filter(
            Exists(Sentence.objects.filter(article=OuterRef("pk"), **{f"{label}_count__gt": 0}))
        )


class ReviewerFilter(ChoiceFilter):
    title = "labeled by"
    parameter_name = "reviewer"

    def lookups(self, request, model_admin):
        reviewers = get_user_model().objects.filter(
            Exists(Annotation.objects.filter(reviewer=OuterRef("pk")))
        )
        return [(user.pk, user.get_username()) for user in reviewers.order_by("username")]

    def matching(self, queryset, reviewer):
        return queryset.filter(
            Exists(Annotation.objects.filter(sentence__article=OuterRef("pk"), reviewer=reviewer))
        )


@admin.action(
    description="Export the selected articles' sentences (JSONL)", permissions=["export"]
)
def export_sentences(modeladmin, request, queryset):
    filters = ExportFilters(
        articles=tuple(queryset.values_list("pk", flat=True)),
        projects=export_scope(request.user),
    )
    try:
        chunks, source = open_export(
            filters, lambda filters: stream_export("sentences", "jsonl", filters)
        )
    except ExportUnavailable as refusal:
        modeladmin.message_user(request, str(refusal), level=messages.ERROR)
        return None
    return streamed_response(
        chunks, source, content_type=CONTENT_TYPES["jsonl"], filename="sentences.jsonl"
    )


class ArticleForm(forms.ModelForm):
    def clean_language(self):
        """Normalised ("pt-BR" -> "pt"); a change is refused once the sentences have labels
        (saving splits the article again, see `languages.change_language`)."""
        try:
            language = clean_language(self.cleaned_data["language"])
        except UnknownLanguage as error:
            raise ValidationError(str(error)) from None
        changed = self.instance.pk and language != self.initial.get("language")
        if changed and (reason := refusal(self.instance)):
            raise ValidationError(reason)
        return language

    def validate_unique(self):
        # Also the constraints on fields the page does not edit: the body's hash is read
        # only, and moving an article into a project that has its text already would
        # otherwise fail on save.
        super().validate_unique()
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self.add_error(None, error)


def name_date_and_time_boxes(formfield, label):
    """Name the date and the time box of a split date-time field ("Published at: date"):
    the admin's one <label> for the field points at neither, which leaves both unnamed for
    a screen reader (WCAG 1.3.1, 4.1.2)."""
    if formfield is not None and isinstance(formfield.widget, forms.SplitDateTimeWidget):
        date, time = formfield.widget.widgets
        date.attrs["aria-label"] = f"{capfirst(label)}: date"
        time.attrs["aria-label"] = f"{capfirst(label)}: time"
    return formfield


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title", "project", "source", "published_at", "sentence_count", "progress",
        "verified", "disputed", "unclear", "checked_before_count", "created_at",
    ]
    list_filter = [
        "project", LabelFilter, ReviewerFilter, "source", "language", "published_at", "created_at",
    ]
    list_select_related = ["project"]
    search_fields = ["title", "source", "url", "author"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "body", "content_hash", "created_at", "imported_by", "final_url", "fetched_at",
    ]
    form = ArticleForm
    inlines = [SentenceInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [export_sentences]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return name_date_and_time_boxes(formfield, getattr(db_field, "verbose_name", ""))

    def has_export_permission(self, request):
        return can_export(request.user)

    def get_queryset(self, request):
        return with_progress(super().get_queryset(request)).annotate(
            **{f"n_{label}": F(f"tally__{label}") for label in Label.values}
        )

    def save_model(self, request, obj, form, change):
        if change and "language" in form.changed_data:
            # Checked by the form a moment ago, in this same transaction; a label saved in
            # between makes this raise and the whole change roll back.
            change_language(obj, obj.language)
            self.message_user(
                request,
                f"The article was split again with the rules for {language_name(obj.language)}.",
                messages.INFO,
            )
        moved = change and "project" in form.changed_data
        if moved:  # its labels leave the old project's daily rollups for the new one's
            rollups.withdraw(Article.objects.filter(pk=obj.pk))
        super().save_model(request, obj, form, change)
        if moved:
            rollups.restore(Article.objects.filter(pk=obj.pk))
        # The target is the article's own, else its project's: a move can change it too.
        if {"review_target", "project"} & set(form.changed_data):
            refresh(Article.objects.filter(pk=obj.pk))  # progress counts against the new target

    def delete_model(self, request, obj):
        with transaction.atomic():
            rollups.withdraw(Article.objects.filter(pk=obj.pk))  # its labels go with it
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            rollups.withdraw(queryset)
            super().delete_queryset(request, queryset)

    @admin.display(ordering="checked_before", description="checked before")
    def checked_before_count(self, article):
        n = article.checked_before
        return f"{n} sentence{'s' if n != 1 else ''} checked before" if n else "–"

    @admin.display(ordering="n_verified", description="verified")
    def verified(self, article):
        return article.n_verified

    @admin.display(ordering="n_disputed", description="disputed")
    def disputed(self, article):
        return article.n_disputed

    @admin.display(ordering="n_unclear", description="unclear")
    def unclear(self, article):
        return article.n_unclear

    def add_view(self, request, form_url="", extra_context=None):
        # An article is its imported text, split into sentences: the import page adds it.
        return redirect("admin:annotations_article_import")

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="annotations_article_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Paste an article or upload a .txt, .json or .jsonl file: the import command's rules."""
        if not can_import(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                results = import_records(
                    form.records(), project=form.cleaned_data["project"],
                    imported_by=request.user,
                )
            except InvalidRecords as error:
                form.add_error(None, f"{error.heading}:")
                for line in error.listed():
                    form.add_error(None, line)
            except InvalidArticle as error:
                form.add_error(None, f"{error}. Nothing was imported.")
            else:
                created = sum(result.created for result in results)
                self.message_user(
                    request,
                    f"{created} article(s) imported, {len(results) - created} already there.",
                    messages.SUCCESS,
                )
                # Listed once, on the page the browser is sent to (a reload lists nothing).
                request.session[IMPORTED_SESSION_KEY] = [
                    [result.article.pk, result.created] for result in results[:IMPORTED_LISTED]
                ] + [len(results)]
                return redirect("admin:annotations_article_import")
        return render(
            request,
            "admin/annotations/article/import.html",
            {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
             "title": "Import articles", **self._imported(request)},
        )

    def _imported(self, request):
        """The articles of the import just done, for links: {imported: [(article, created)],
        more: how many are not listed}; one query."""
        *pairs, total = request.session.pop(IMPORTED_SESSION_KEY, None) or [0]
        articles = Article.objects.select_related("project").in_bulk(pk for pk, _ in pairs)
        imported = [(articles[pk], created) for pk, created in pairs if pk in articles]
        return {"imported": imported, "more": total - len(pairs)}

    @admin.display(ordering="sentence_count", description="sentences")
    def sentence_count(self, article):
        return article.sentence_count

    @admin.display(ordering="reviews_needed", description="labels done / needed")
    def progress(self, article):
        return f"{article.reviews_done} / {article.reviews_total} (target {article.target})"


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    """Read only: an article's sentences cover its body, and their label counts and the
    article's tally count them; they come and go with their article (deleting an article
    still deletes its sentences, hence no has_delete_permission)."""

    list_display = ["text", "article", "position"]
    list_select_related = ["article"]
    list_filter = ["article__project"]
    search_fields = ["text", "article__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_delete": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied("A sentence is deleted with its article.")


class AnnotationForm(forms.ModelForm):
    """The services' checks as form errors. `seen_version` is the version the page showed:
    a change saved elsewhere since then is refused, not overwritten."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
            self.fields["seen_version"].required = True

    def clean(self):
        cleaned = super().clean()
        if {"label", "note", "evidence"} <= cleaned.keys():
            span = {"claim_start": cleaned.get("claim_start"),
                    "claim_end": cleaned.get("claim_end")}
            try:
                clean_annotation(
                    label=cleaned["label"], note=cleaned["note"], evidence=cleaned["evidence"],
                    **span,
                )
                sentence = cleaned.get("sentence") or getattr(self.instance, "sentence", None)
                if sentence is not None:
                    check_claim(sentence, span["claim_start"], span["claim_end"])
            except InvalidAnnotation as error:
                raise forms.ValidationError(str(error)) from None
        if self.instance.pk and cleaned.get("seen_version") != self.instance.version:
            raise forms.ValidationError(str(StaleVersion(self.instance)))
        return cleaned


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    """Every write goes through the services, as the API's do, so that the label counts,
    the tallies and the versions stay right. On change only the label, note and evidence
    can be edited: an annotation is one reviewer's, on one sentence."""

    form = AnnotationForm
    list_display = ["sentence", "reviewer", "label", "version", "updated_at"]
    list_filter = ["label", "reviewer", "sentence__article__project", "updated_at"]
    list_select_related = ["sentence", "reviewer"]
    search_fields = ["sentence__text", "note", "reviewer__username"]
    raw_id_fields = ["sentence"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["sentence", "reviewer"] if obj else []
        return [*fixed, "created_at", "updated_at", "version"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (InvalidAnnotation, StaleVersion) as error:
            # A change saved elsewhere between the form's checks and the save: the view's
            # transaction rolled back; the page comes back with the stored values.
            self.message_user(request, f"Nothing was saved: {error}.", messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        saved, _ = save_annotation(
            sentence=obj.sentence, reviewer=obj.reviewer, label=obj.label, note=obj.note,
            evidence=obj.evidence, claim_start=obj.claim_start, claim_end=obj.claim_end,
            version=form.cleaned_data["seen_version"] or 0,
        )
        obj.pk, obj.version = saved.pk, saved.version

    def delete_model(self, request, obj):
        delete_annotation(sentence=obj.sentence, reviewer=obj.reviewer)

    def delete_queryset(self, request, queryset):
        # One transaction, sentences in id order: the order of every other lock taker.
        with transaction.atomic():
            for annotation in queryset.select_related("sentence", "reviewer").order_by(
                "sentence_id", "reviewer_id"
            ):
                self.delete_model(request, annotation)

    def revert_disabled(self, request, obj=None):
        return True  # a revert would save an old row behind the services' back

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Annotations are changed on their change page.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class VerdictForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        sentence = cleaned.get("sentence") or getattr(self.instance, "sentence", None)
        try:
            span = clean_claim(cleaned.get("claim_start"), cleaned.get("claim_end"))
            if sentence is not None:
                check_claim(sentence, *span)
        except InvalidAnnotation as error:
            raise forms.ValidationError(str(error)) from None
        return cleaned

    def clean_rationale(self):
        rationale = self.cleaned_data["rationale"]
        if len(rationale) > RATIONALE_MAX_LENGTH:
            raise forms.ValidationError(
                f"At most {RATIONALE_MAX_LENGTH:,} characters ({len(rationale):,} given)."
            )
        return rationale


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    """Every write goes through the adjudication services, as the API's do, so that the
    articles' verdict counts stay right; a verdict stays on its sentence."""

    form = VerdictForm
    list_display = ["sentence", "label", "decided_by", "decided_at"]
    list_filter = ["label", "decided_by", "sentence__article__project"]
    list_select_related = ["sentence", "decided_by"]
    search_fields = ["sentence__text", "rationale"]
    raw_id_fields = ["sentence"]

    def get_readonly_fields(self, request, obj=None):
        return ["sentence", "decided_at"] if obj else ["decided_at"]

    def save_model(self, request, obj, form, change):
        saved, _ = set_verdict(sentence=obj.sentence, adjudicator=obj.decided_by,
                               label=obj.label, rationale=obj.rationale,
                               claim_start=obj.claim_start, claim_end=obj.claim_end)
        obj.pk, obj.decided_at = saved.pk, saved.decided_at

    def delete_model(self, request, obj):
        clear_verdict(sentence=obj.sentence, adjudicator=request.user)

    def delete_queryset(self, request, queryset):
        # One transaction, sentences in id order: the order of every other lock taker.
        with transaction.atomic():
            for verdict in queryset.select_related("sentence").order_by("sentence_id"):
                self.delete_model(request, verdict)

@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    """The discussions, to read and moderate: a comment's text can be changed (to redact
    it) or the comment deleted, and the history keeps what it said. Comments are written
    in the discussion itself, not here."""

    list_display = ["sentence", "author", "short_text", "created_at"]
    list_filter = ["sentence__article__project", "author", "created_at"]
    list_select_related = ["sentence", "author"]
    search_fields = ["text", "sentence__text", "author__username"]
    readonly_fields = ["sentence", "author", "created_at"]

    @admin.display(description="text")
    def short_text(self, comment):
        return comment.text[:100]

    def has_add_permission(self, request):
        return False


admin.site.site_header = "Fact-check workbench"
admin.site.site_title = "Fact-check workbench admin"
admin.site.index_title = "Review desk"


@admin.register(PredictionModel)
class PredictionModelAdmin(admin.ModelAdmin):
    """Models and how many predictions each holds; predictions come in through
    `import_predictions` or the API, never one by one here."""

    list_display = ["name", "description", "prediction_count", "created_at"]
    search_fields = ["name", "description"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(prediction_count=Count("predictions"))

    @admin.display(ordering="prediction_count", description="predictions")
    def prediction_count(self, model):
        return model.prediction_count
