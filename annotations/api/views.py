import json

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .. import guidelines
from ..access import (
    check_search_articles,
    export_scope,
    may_discuss,
    may_search_checks,
    may_see_matches,
    visible_annotations,
    visible_articles,
    visible_projects,
    visible_sentences,
)
from ..adjudicating import clear_verdict, set_verdict
from ..annotating import SentenceNotFound, delete_annotation, save_label
from ..claimreview import claim_reviews
from ..discussing import add_comment, comments_of, mark_read
from ..evaluation import EvaluationFilters, evaluate
from ..export_source import ExportUnavailable, open_export, streamed_response
from ..exporting import CONTENT_TYPES, gather, stream_export
from ..importing import import_article
from ..limits import sign_in_refusal
from ..matching import matches_for, search_checks
from ..models import Annotation, Article, PredictionModel, Sentence, Skip
from ..models import GuidelinesSeen as GuidelinesSeenRow
from ..predictions import import_predictions
from ..progress import projects_with_progress, with_progress
from ..queue import next_sentence
from ..shortcuts import InvalidShortcuts, save_shortcuts, shortcuts_for
from ..skipping import skip_sentence, unskip_sentence
from ..stats import collection_stats
from . import serializers
from .permissions import (
    CanExport,
    CanReadStats,
    IsAdjudicator,
    IsReviewer,
    ReviewerToReadCreatorToWrite,
    ReviewerToReadImporterToWrite,
)
from .rows import AnnotationRow, SentenceRow, SkipRow
from .throttles import TokenRateThrottle


class ProjectList(generics.ListCreateAPIView):
    """Projects the caller may see, with progress; staff create projects."""

    permission_classes = [ReviewerToReadCreatorToWrite]
    serializer_class = serializers.ProjectSerializer

    def get_queryset(self):
        return projects_with_progress(visible_projects(self.request.user)).prefetch_related(
            "members"
        )

    def perform_create(self, serializer):
        project = serializer.save()
        project.article_count = project.sentence_count = 0
        project.reviews_done = project.reviews_needed = 0


class ArticleList(generics.GenericAPIView):
    """GET: articles the caller may see, with progress (filter `project`: a slug).
    POST (staff): import one article; 201 when new, 200 when the same body is there."""

    permission_classes = [ReviewerToReadImporterToWrite]
    serializer_class = serializers.ArticleSerializer

    @extend_schema(
        parameters=[serializers.ArticleFilterSerializer],
        responses=serializers.ArticleSerializer(many=True),
    )
    def get(self, request):
        articles = visible_articles(request.user).select_related("project")
        params = serializers.ArticleFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        if project := params.validated_data.get("project"):
            articles = articles.filter(project__slug=project)
        page = self.paginate_queryset(with_progress(articles, request.user))
        return self.get_paginated_response(serializers.ArticleSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.ArticleImportSerializer,
        responses={
            201: serializers.ArticleDetailSerializer,
            200: serializers.ArticleDetailSerializer,
        },
    )
    def post(self, request):
        data = serializers.ArticleImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = import_article(imported_by=request.user, **data.validated_data)
        # Importing reaches every project: the importer sees what they imported even where
        # they have no role.
        article = _article_detail(request.user, result.article.pk, Article.objects.all())
        created = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(serializers.ArticleDetailSerializer(article).data, status=created)


class ArticleDetail(APIView):
    """An article with its sentences and the caller's own label on each."""

    permission_classes = [IsReviewer]

    @extend_schema(responses=serializers.ArticleDetailSerializer)
    def get(self, request, pk):
        article = _article_detail(request.user, pk)
        return Response(serializers.ArticleDetailSerializer(article).data)


def _article_detail(user, pk, articles=None):
    """Four queries: the article with its progress, its sentences, the user's labels and
    skips. `articles`: where to look (default: those the user sees)."""
    mine = Annotation.objects.filter(reviewer=user)
    articles = visible_articles(user) if articles is None else articles
    queryset = with_progress(articles.select_related("project"), user)
    article = get_object_or_404(
        queryset.prefetch_related(
            Prefetch("sentences", Sentence.objects.prefetch_related(
                Prefetch("annotations", mine, to_attr="mine"),
                Prefetch("skips", Skip.objects.filter(reviewer=user), to_attr="my_skips"),
            ))
        ),
        pk=pk,
    )
    for sentence in article.sentences.all():
        sentence.my_annotation = sentence.mine[0] if sentence.mine else None
        sentence.my_skip = sentence.my_skips[0] if sentence.my_skips else None
    return article


class MyAnnotation(APIView):
    """The caller's own annotation of one sentence: read, upsert, delete. A PUT answers
    with `others`, what the caller may now see of the other reviewers' labels; a DELETE
    answers 204, since afterwards a reviewer sees none and an adjudicator's view does not
    depend on their own label."""

    permission_classes = [IsReviewer]

    def get_sentence(self):
        sentences = visible_sentences(self.request.user).select_related("article__project")
        return get_object_or_404(sentences, pk=self.kwargs["pk"])

    @extend_schema(responses=serializers.AnnotationSerializer)
    def get(self, request, pk):
        annotation = get_object_or_404(
            Annotation.objects.select_related("reviewer", "sentence"),
            sentence=self.get_sentence(), reviewer=request.user,
        )
        return Response(serializers.AnnotationSerializer(annotation).data)

    @extend_schema(
        request=serializers.AnnotationInputSerializer,
        responses={
            200: serializers.SavedAnnotationSerializer,
            201: serializers.SavedAnnotationSerializer,
            409: serializers.ConflictSerializer,
        },
    )
    def put(self, request, pk):
        data = serializers.annotation_input(request.data)
        try:
            saved = save_label(sentence_id=pk, reviewer=request.user, **data)
        except SentenceNotFound:
            raise Http404 from None
        return Response(
            serializers.saved_annotation_data(saved),
            status=status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK,
        )

    @extend_schema(parameters=[serializers.VersionQuerySerializer], responses={204: None})
    def delete(self, request, pk):
        version = serializers.VersionQuerySerializer(data=request.query_params)
        version.is_valid(raise_exception=True)
        if not delete_annotation(
            sentence=self.get_sentence(), reviewer=request.user, **version.validated_data
        ):
            return Response({"detail": "You have no annotation on this sentence."}, status=404)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MySkip(APIView):
    """The caller's skip of one sentence: not a label, counted nowhere, and the queue does
    not offer the sentence to them again. Whoever may label the sentence may skip it. PUT
    skips (or changes the reason); DELETE undoes. Skipping a sentence one has labeled is a
    409 (remove the label first); labeling a skipped sentence removes the skip."""

    permission_classes = [IsReviewer]

    @extend_schema(
        request=serializers.SkipInputSerializer,
        responses={200: serializers.SkipSerializer, 201: serializers.SkipSerializer,
                   409: OpenApiResponse(description="You have labeled this sentence.")},
    )
    def put(self, request, pk):
        data = serializers.SkipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            skip, created = skip_sentence(
                sentence_id=pk, reviewer=request.user,
                reason=data.validated_data.get("reason") or "",
            )
        except SentenceNotFound:
            raise Http404 from None
        return Response(
            serializers.SkipSerializer(skip).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        try:
            deleted = unskip_sentence(sentence_id=pk, reviewer=request.user)
        except SentenceNotFound:
            raise Http404 from None
        if not deleted:
            return Response({"detail": "You have not skipped this sentence."}, status=404)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Guidelines(APIView):
    """A project's guidelines (Markdown and safe HTML), and whether the caller has seen
    this version of them."""

    permission_classes = [IsReviewer]

    @extend_schema(responses=serializers.GuidelinesSerializer)
    def get(self, request, slug):
        project = get_object_or_404(visible_projects(request.user), slug=slug)
        seen = GuidelinesSeenRow.objects.filter(user=request.user, project=project).first()
        text = project.guidelines
        return Response({
            "project": project.slug, "text": text, "html": guidelines.render(text),
            "digest": guidelines.digest_of(text),
            "state": guidelines.state(text, seen.digest if seen else None),
        })


class GuidelinesSeen(APIView):
    """Record that the caller has read a version of the project's guidelines (`digest`,
    as GET gives it): the article page stops opening them by itself until they change."""

    permission_classes = [IsReviewer]

    @extend_schema(request=serializers.GuidelinesSeenSerializer, responses={204: None})
    def put(self, request, slug):
        project = get_object_or_404(visible_projects(request.user), slug=slug)
        data = serializers.GuidelinesSeenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guidelines.mark_seen(user=request.user, project=project, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnnotationList(generics.ListAPIView):
    """Annotations, filtered by `project` (slug), `article` (id), `label`, `reviewer`
    (username). Reviewers see only their own; adjudicators and staff see all."""

    permission_classes = [IsReviewer]
    serializer_class = serializers.AnnotationSerializer

    @extend_schema(parameters=[serializers.AnnotationFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        params = serializers.AnnotationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        annotations = visible_annotations(user).select_related("reviewer", "sentence")
        lookups = {
            "project": "sentence__article__project__slug",
            "article": "sentence__article_id",
            "label": "label",
            "reviewer": "reviewer__username",
        }
        for name, value in params.validated_data.items():
            annotations = annotations.filter(**{lookups[name]: value})
        return annotations.order_by("sentence__article_id", "sentence__position", "reviewer_id")


class Export(APIView):
    """Stream a dataset as JSONL (one row a line), CSV (a header row) or JSON (an array)."""

    permission_classes = [CanExport]
    kind = None  # "annotations" or "sentences"

    def get(self, request):
        query = request.query_params.dict()
        if self.kind == "skips" and "label" in query:
            raise ValidationError({"label": ["a skip has no label"]})
        if "model" in request.query_params:
            if self.kind != "sentences":
                raise ValidationError({"model": ["only the sentence export adds predictions"]})
            query["model"] = request.query_params.getlist("model")
        params = serializers.ExportParamsSerializer(
            data=query, context={"projects": export_scope(request.user)}
        )
        params.is_valid(raise_exception=True)
        fmt = params.validated_data["format"]
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return export_response(
            params.filters(),
            lambda filters: stream_export(self.kind, fmt, filters),
            content_type=CONTENT_TYPES[fmt],
            filename=f"{self.kind}-{stamp}.{fmt}",
        )


def export_response(filters, chunks_of, *, content_type, filename=None):
    """A streamed export, saying which database it read and how fresh that was; 503 with
    Retry-After when no database may serve it now (export_source)."""
    try:
        chunks, source = open_export(filters, chunks_of)
    except ExportUnavailable as refusal:
        return Response(
            {"detail": str(refusal)},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(refusal.retry_after)},
        )
    return streamed_response(chunks, source, content_type=content_type, filename=filename)


def _export_schema(row, description):
    return extend_schema(
        summary=description,
        parameters=[serializers.ExportParamsSerializer],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(row(many=True)),
            (200, "text/csv"): OpenApiResponse(row(many=True)),
            (200, "application/json"): OpenApiResponse(row(many=True)),
        },
    )


@_export_schema(AnnotationRow, "One row per annotation.")
class AnnotationExport(Export):
    kind = "annotations"


@_export_schema(SentenceRow, "One row per sentence: votes, counts, majority label, verdict.")
class SentenceExport(Export):
    kind = "sentences"


@_export_schema(SkipRow, "One row per skip: who skipped which sentence, and why.")
class SkipExport(Export):
    kind = "skips"


@extend_schema(
    summary="Verdicts as schema.org ClaimReview JSON-LD (json: an array; jsonl: one a line).",
    parameters=[serializers.ClaimReviewParamsSerializer],
    responses={(200, "application/ld+json"): OpenApiResponse(description="ClaimReview list")},
)
class ClaimReviewExport(APIView):
    permission_classes = [CanExport]

    def get(self, request):
        params = serializers.ClaimReviewParamsSerializer(
            data=request.query_params.dict(), context={"projects": export_scope(request.user)}
        )
        params.is_valid(raise_exception=True)
        fmt = params.validated_data["format"]
        content_type = "application/ld+json" if fmt == "json" else CONTENT_TYPES["jsonl"]
        site_url = request.build_absolute_uri("/")

        def chunks_of(filters):
            reviews = claim_reviews(filters, site_url=site_url, publisher=settings.PUBLISHER_NAME)
            return gather((json.dumps(review, ensure_ascii=False) + "\n" for review in reviews),
                          fmt)

        return export_response(params.filters(), chunks_of, content_type=content_type)


class SentenceVerdict(APIView):
    """An adjudicator sets (or replaces) the verdict on a sentence, or removes it."""

    permission_classes = [IsAdjudicator]

    @extend_schema(
        request=serializers.VerdictInputSerializer,
        responses={200: serializers.VerdictSerializer, 201: serializers.VerdictSerializer},
    )
    def put(self, request, pk):
        data = serializers.VerdictInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verdict, created = set_verdict(
            sentence=get_object_or_404(visible_sentences(request.user), pk=pk),
            adjudicator=request.user,
            **data.validated_data,
        )
        return Response(
            serializers.VerdictSerializer(verdict).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        sentence = get_object_or_404(visible_sentences(request.user), pk=pk)
        if not clear_verdict(sentence=sentence, adjudicator=request.user):
            return Response({"detail": "This sentence has no verdict."}, status=404)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Stats(APIView):
    """Totals, label mix, progress and agreement (Krippendorff's alpha, nominal, and
    percent agreement) overall, per article and per reviewer."""

    permission_classes = [CanReadStats]

    @extend_schema(parameters=[serializers.StatsFilterSerializer], responses=OpenApiResponse())
    def get(self, request):
        params = serializers.StatsFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        articles = Article.objects.all()
        if project := params.validated_data.get("project"):
            articles = articles.filter(project__slug=project)
        if article := params.validated_data.get("article"):
            articles = articles.filter(pk=article)
        return Response(collection_stats(articles))


class NextSentence(APIView):
    """The sentence that most needs the caller's label (204 when none); the queue holds it
    and the sentences after it for the caller for a while, so others go elsewhere."""

    permission_classes = [IsReviewer]

    @extend_schema(
        parameters=[serializers.ArticleFilterSerializer],
        request=None,
        responses={200: serializers.NextSentenceSerializer, 204: None},
    )
    def post(self, request):
        params = serializers.ArticleFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        sentence = next_sentence(request.user, project=params.validated_data.get("project"))
        if sentence is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        sentence.url = f"/articles/{sentence.article_id}/#s-{sentence.pk}"
        return Response(serializers.NextSentenceSerializer(sentence).data)


class MyShortcuts(APIView):
    """The caller's single-key shortcuts (the pages' keys): read them, or turn them off and
    choose the keys (WCAG 2.1.4)."""

    permission_classes = [IsReviewer]

    @extend_schema(responses={200: serializers.ShortcutsSerializer})
    def get(self, request):
        shortcuts = shortcuts_for(request.user)
        return Response({"enabled": shortcuts["enabled"], "keys": shortcuts["keys"]})

    @extend_schema(request=serializers.ShortcutsSerializer,
                   responses={200: serializers.ShortcutsSerializer})
    def put(self, request):
        given = serializers.ShortcutsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            shortcuts = save_shortcuts(
                user=request.user, enabled=given.validated_data["enabled"],
                keys=given.validated_data.get("keys", {}),
            )
        except InvalidShortcuts as error:
            raise ValidationError({f"keys.{error.action}" if error.action else "keys":
                                   [str(error)]}) from None
        return Response({"enabled": shortcuts["enabled"], "keys": shortcuts["keys"]})


class SentenceMatches(APIView):
    """The checked sentences of other articles the caller sees that state the same claim,
    best first, at most 10. Reviewers: once they have labeled the sentence (or before,
    where the project shows them before)."""

    permission_classes = [IsReviewer]

    @extend_schema(responses={200: serializers.MatchListSerializer, 403: None})
    def get(self, request, pk):
        user = request.user
        sentence = get_object_or_404(
            visible_sentences(user).select_related("article__project"), pk=pk
        )
        labeled = Annotation.objects.filter(sentence=sentence, reviewer=user).exists()
        if not may_see_matches(user, sentence.article.project, labeled=labeled):
            raise PermissionDenied(
                "Label this sentence first: its earlier checks show once you have."
            )
        matches = matches_for(sentence, visible_articles(user))
        return Response({"results": [match.as_dict() for match in matches]})


class SentenceComments(generics.ListAPIView):
    """The sentence's discussion, oldest first (GET, paginated), and a new comment (POST
    `{text}`). Reviewers once they have labeled the sentence, never before; adjudicators
    always. Reading marks the comments listed as read, for the landing page."""

    permission_classes = [IsReviewer]
    serializer_class = serializers.CommentSerializer

    def get_sentence(self):
        user = self.request.user
        sentence = get_object_or_404(visible_sentences(user), pk=self.kwargs["pk"])
        labeled = Annotation.objects.filter(sentence=sentence, reviewer=user).exists()
        if not may_discuss(user, labeled=labeled):
            raise PermissionDenied(
                "Label this sentence first: its discussion shows once you have."
            )
        return sentence

    def get_queryset(self):
        self.sentence = self.get_sentence()
        return comments_of(self.sentence)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page:
            mark_read(self.request.user, self.sentence, page[-1].pk)
        return page

    @extend_schema(request=serializers.CommentInputSerializer,
                   responses={201: serializers.CommentSerializer})
    def post(self, request, pk):
        sentence = self.get_sentence()
        data = serializers.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = add_comment(sentence=sentence, author=request.user, **data.validated_data)
        return Response(serializers.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CheckSearch(APIView):
    """Search every checked claim the caller may search by text (`q`), best first, at
    most 10; filters `language` (ISO 639-1) and `project` (slug)."""

    permission_classes = [IsReviewer]

    @extend_schema(
        parameters=[serializers.CheckSearchSerializer],
        responses={200: serializers.MatchListSerializer},
    )
    def get(self, request):
        if not may_search_checks(request.user):
            raise PermissionDenied(
                "Searching earlier checks is for adjudicators, and for reviewers of projects "
                "that show them before labeling."
            )
        params = serializers.CheckSearchSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        articles = check_search_articles(request.user)
        if project := params.validated_data.get("project"):
            articles = articles.filter(project__slug=project)
        matches = search_checks(
            params.validated_data["q"], articles,
            language=params.validated_data.get("language") or None,
        )
        return Response({"results": [match.as_dict() for match in matches]})


class ObtainToken(ObtainAuthToken):
    """POST username and password, get {"token": key}; locked out like the sign-in page."""

    serializer_class = serializers.TokenRequestSerializer
    throttle_classes = [TokenRateThrottle]
    # DRF's token view reads JSON with the plain parser; ours bounds nesting like every
    # other endpoint.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as error:
            # django-axes marks the request it refused; DRF wraps the request, so the
            # lockout middleware does not see the mark.
            if getattr(request, "axes_locked_out", False):
                message, wait = sign_in_refusal(request)
                return Response(
                    {"detail": message},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                    headers={"Retry-After": str(wait)},
                )
            left = getattr(request, "sign_in_attempts_left", None)
            if left is None:
                raise
            return Response({**error.detail, "attempts_left": left}, status=error.status_code)


class ModelPredictions(APIView):
    """A model's predictions, JSONL or a JSON list in the body (any content type), each
    `{label, score?}` with `sentence_id`, or `article_id` (or `url`) with `start` and `end`.
    The model is created if new. All or nothing; replaces the model's earlier predictions
    for those sentences. Sentences outside the caller's export scope are unknown."""

    permission_classes = [CanExport]
    # The body is read as it is: JSON Lines have no parser of their own.
    parser_classes = []

    @extend_schema(
        request={"application/x-ndjson": OpenApiTypes.STR, "application/json": OpenApiTypes.ANY},
        responses={200: serializers.PredictionsImportSerializer,
                   201: serializers.PredictionsImportSerializer},
    )
    def post(self, request, name):
        result = import_predictions(
            model=name, data=request.body, projects=export_scope(request.user)
        )
        return Response(
            serializers.PredictionsImportSerializer(result.summary()).data,
            status=status.HTTP_201_CREATED if result.model_created else status.HTTP_200_OK,
        )


class ModelEvaluation(APIView):
    """A model against the verdicts or the majority labels: coverage, accuracy, macro-F1,
    Cohen's kappa, per-label precision, recall, F1 and support, the confusion matrix
    {reference: {predicted: count}}, and the reviewers' own agreement with the same
    reference on the same sentences (`human`). Within the caller's export scope."""

    permission_classes = [CanExport]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[serializers.EvaluationParamsSerializer], responses=OpenApiResponse()
    )
    def get(self, request, name):
        params = serializers.EvaluationParamsSerializer(
            data=request.query_params.dict(), context={"projects": export_scope(request.user)}
        )
        params.is_valid(raise_exception=True)
        options = dict(params.validated_data)
        model = get_object_or_404(PredictionModel, name=name)
        against = options.pop("against")
        filters = EvaluationFilters(projects=export_scope(request.user), **options)
        return Response(evaluate(model, against=against, filters=filters))
