from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import JsonResponse


class RequestLimits:
    """Refuse, before any view runs: a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413; Django
    alone answers 400 once it has read too much), and a NUL character in the address or
    query (400; PostgreSQL can store no NUL in text, so no lookup could ever match one)."""

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
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(query):
            return JsonResponse({"detail": "NUL characters are not allowed in URLs."}, status=400)
        return self.get_response(request)
