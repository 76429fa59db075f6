from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import JsonResponse


class RequestLimits:
    """Refuse, before any view runs and before a byte of the body is read: a body over
    the limit (413; Django alone answers 400 once it has read too much, and writes file
    uploads to disk as it goes), and a NUL character in the address or query (400;
    PostgreSQL can store no NUL in text, so no lookup could ever match one).

    The limit is REQUEST_MAX_BYTES for every request, on every path, except a signed-in
    staff member's in the admin, whose uploads (the import page) may be up to
    STAFF_UPLOAD_MAX_BYTES. It comes after the authentication middleware to know who
    is asking; nothing before it reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request) if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE else None
        if limit is not None and length > limit:
            return JsonResponse(
                {"detail": f"The request body is {length:,} bytes; the limit is {limit:,}."},
                status=413,
            )
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(query):
            return JsonResponse({"detail": "NUL characters are not allowed in URLs."}, status=400)
        return self.get_response(request)


def body_limit(request):
    """The largest body this request may have, in bytes."""
    user = request.user
    if request.path.startswith("/admin/") and user.is_active and user.is_staff:
        return settings.STAFF_UPLOAD_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
