from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from annotations import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("annotations.api.urls")),
    # Browsers ask for /favicon.ico where a page names no icon. Lazy: the static files'
    # manifest may not exist yet when the URLs load (collectstatic).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg")), name="favicon"),
    path("", include("annotations.urls")),
]

handler400 = "annotations.errors.bad_request"
handler403 = "annotations.errors.permission_denied"
handler404 = "annotations.errors.page_not_found"
handler500 = "annotations.errors.server_error"
