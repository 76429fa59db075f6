from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<id:pk>/", views.article_page, name="article"),
    path("next/", views.next_task, name="next"),
    path("adjudicate/", views.adjudicate, name="adjudicate"),
    path("checks/", views.checks, name="checks"),
    path("settings/shortcuts/", views.shortcut_settings, name="shortcuts"),
]
