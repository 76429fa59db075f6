from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_page, name="article"),
]
