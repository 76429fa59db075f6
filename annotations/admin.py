from django.contrib import admin
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from .annotating import delete_annotation, save_annotation
from .models import Annotation, Article, Project, Sentence, Verdict
from .progress import with_progress


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "review_target", "article_count", "created_at"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, project):
        return project.article_count


class SentenceInline(admin.TabularInline):
    model = Sentence
    fields = ["position", "text", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title", "project", "source", "published_at", "sentence_count", "progress", "created_at",
    ]
    list_filter = ["project", "source", "language", "published_at", "created_at"]
    list_select_related = ["project"]
    search_fields = ["title", "source", "url"]
    date_hierarchy = "created_at"
    readonly_fields = ["body", "content_hash", "created_at", "imported_by"]
    inlines = [SentenceInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return with_progress(super().get_queryset(request))

    @admin.display(ordering="sentence_count", description="sentences")
    def sentence_count(self, article):
        return article.sentence_count

    @admin.display(ordering="reviews_needed", description="labels done / needed")
    def progress(self, article):
        return f"{article.reviews_done} / {article.reviews_total} (target {article.target})"


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    list_display = ["text", "article", "position"]
    list_select_related = ["article"]
    list_filter = ["article__project"]
    search_fields = ["text", "article__title"]
    readonly_fields = ["article", "position", "text", "start", "end"]

    def has_add_permission(self, request):
        return False


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    """Changes go through the same services as the API, so that the sentences' label counts
    and the versions stay right."""

    list_display = ["sentence", "reviewer", "label", "version", "updated_at"]
    list_filter = ["label", "reviewer", "sentence__article__project", "updated_at"]
    list_select_related = ["sentence", "reviewer"]
    search_fields = ["sentence__text", "note", "reviewer__username"]
    raw_id_fields = ["sentence"]
    readonly_fields = ["created_at", "updated_at", "version"]

    def save_model(self, request, obj, form, change):
        saved, _ = save_annotation(
            sentence=obj.sentence, reviewer=obj.reviewer, label=obj.label, note=obj.note,
            evidence=obj.evidence,
        )
        obj.pk, obj.version = saved.pk, saved.version

    def delete_model(self, request, obj):
        delete_annotation(sentence=obj.sentence, reviewer=obj.reviewer)

    def delete_queryset(self, request, queryset):
        for annotation in queryset.select_related("sentence", "reviewer"):
            self.delete_model(request, annotation)


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = ["sentence", "label", "decided_by", "decided_at"]
    list_filter = ["label", "decided_by", "sentence__article__project"]
    list_select_related = ["sentence", "decided_by"]
    search_fields = ["sentence__text", "rationale"]
    raw_id_fields = ["sentence"]

admin.site.site_header = "Fact-check workbench"
admin.site.site_title = "Fact-check workbench admin"
admin.site.index_title = "Review desk"
