"""One place that turns domain exceptions into HTTP answers."""

from django.db import InterfaceError, OperationalError
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..annotating import InvalidAnnotation, StaleVersion
from ..discussing import InvalidComment
from ..importing import ArticleTooLarge, InvalidArticle
from ..predictions import PROBLEMS_LISTED, InvalidModelName, InvalidPredictions
from ..skipping import AlreadyLabeled, InvalidSkip
from .throttles import AnonRateThrottle


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        from .serializers import AnnotationSerializer

        current = AnnotationSerializer(exc.current).data if exc.current else None
        return Response({"detail": str(exc), "current": current}, status.HTTP_409_CONFLICT)
    if isinstance(exc, AlreadyLabeled):
        return Response({"detail": str(exc)}, status.HTTP_409_CONFLICT)
    if isinstance(exc, ArticleTooLarge):
        return Response({"detail": str(exc)}, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, InvalidPredictions):
        return Response(
            {"detail": str(exc), "errors": exc.problems[:PROBLEMS_LISTED],
             "error_count": len(exc.problems)},
            status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(
        exc, InvalidArticle | InvalidAnnotation | InvalidModelName | InvalidComment | InvalidSkip
    ):
        return Response({"detail": str(exc)}, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is out of reach (restarting, failing over): nothing was saved, and
        # the same request will work once it is back.
        return Response(
            {"detail": "The database is unavailable; nothing was saved. Try again shortly."},
            status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, NotAuthenticated | AuthenticationFailed):
        # DRF checks permissions before throttles, so a caller refused for want of a
        # sign-in never reached the anonymous rate: count them here.
        throttle = AnonRateThrottle()
        if not throttle.allow_request(context["request"], context["view"]):
            exc = Throttled(throttle.wait())
    return drf_exception_handler(exc, context)
