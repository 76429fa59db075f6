from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from ..models import MODEL_NAME_PATTERN
from . import views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("token/", views.ObtainToken.as_view(), name="api-token"),
    path("projects/", views.ProjectList.as_view(), name="api-projects"),
    path("articles/", views.ArticleList.as_view(), name="api-articles"),
    path("articles/<id:pk>/", views.ArticleDetail.as_view(), name="api-article"),
    path(
        "sentences/<id:pk>/annotation/",
        views.MyAnnotation.as_view(),
        name="api-my-annotation",
    ),
    path("sentences/<id:pk>/skip/", views.MySkip.as_view(), name="api-skip"),
    path("projects/<slug:slug>/guidelines/", views.Guidelines.as_view(), name="api-guidelines"),
    path(
        "projects/<slug:slug>/guidelines/seen/",
        views.GuidelinesSeen.as_view(),
        name="api-guidelines-seen",
    ),
    path("annotations/", views.AnnotationList.as_view(), name="api-annotations"),
    path("export/annotations/", views.AnnotationExport.as_view(), name="api-export-annotations"),
    path("export/sentences/", views.SentenceExport.as_view(), name="api-export-sentences"),
    path("export/skips/", views.SkipExport.as_view(), name="api-export-skips"),
    path(
        "export/claimreview/", views.ClaimReviewExport.as_view(), name="api-export-claimreview"
    ),
    path("sentences/<id:pk>/verdict/", views.SentenceVerdict.as_view(), name="api-verdict"),
    path("sentences/<id:pk>/matches/", views.SentenceMatches.as_view(), name="api-matches"),
    path("sentences/<id:pk>/comments/", views.SentenceComments.as_view(), name="api-comments"),
    path("checks/", views.CheckSearch.as_view(), name="api-checks"),
    path("stats/", views.Stats.as_view(), name="api-stats"),
    path("queue/next/", views.NextSentence.as_view(), name="api-queue-next"),
    path("me/shortcuts/", views.MyShortcuts.as_view(), name="api-my-shortcuts"),
    re_path(
        rf"^models/(?P<name>{MODEL_NAME_PATTERN})/predictions/$",
        views.ModelPredictions.as_view(),
        name="api-model-predictions",
    ),
    re_path(
        rf"^models/(?P<name>{MODEL_NAME_PATTERN})/evaluation/$",
        views.ModelEvaluation.as_view(),
        name="api-model-evaluation",
    ),
]
