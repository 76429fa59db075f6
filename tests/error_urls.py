"""The site's URLs and error handlers, plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from factcheck.urls import handler400, handler403, handler404, handler500  # noqa: F401
from factcheck.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied("not for you")


def bad(request):
    raise SuspiciousOperation("odd request")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    *[path(f"{prefix}test/forbidden/", forbidden) for prefix in ("", "api/")],
    *[path(f"{prefix}test/bad/", bad) for prefix in ("", "api/")],
    *[path(f"{prefix}test/broken/", broken) for prefix in ("", "api/")],
    *site_urlpatterns,
]
