from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from . import views

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("projects/", views.ProjectList.as_view(), name="api-projects"),
    path("articles/", views.ArticleList.as_view(), name="api-articles"),
    path("articles/<int:pk>/", views.ArticleDetail.as_view(), name="api-article"),
    path(
        "sentences/<int:pk>/annotation/",
        views.MyAnnotation.as_view(),
        name="api-my-annotation",
    ),
    path("annotations/", views.AnnotationList.as_view(), name="api-annotations"),
    path(
        "export/annotations/",
        views.Export.as_view(kind="annotations"),
        name="api-export-annotations",
    ),
    path(
        "export/sentences/", views.Export.as_view(kind="sentences"), name="api-export-sentences"
    ),
]
