from django.conf import settings
from django.http import JsonResponse


class RequestSizeLimit:
    """Refuse a request body over DATA_UPLOAD_MAX_MEMORY_SIZE with a clear 413 before
    reading it (Django alone answers 400 once it has read too much)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit and not request.path.startswith("/admin/"):
            return JsonResponse(
                {"detail": f"The request body is {length:,} bytes; the limit is {limit:,}."},
                status=413,
            )
        return self.get_response(request)
