"""Error answers for the whole site: its own pages for people, and JSON under /api/, in the
shape of the API's other errors, for scripts. With DEBUG on, Django shows its debug pages
instead."""

from django.http import JsonResponse
from django.views import defaults


def _api(request):
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    if _api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."}, status=403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse(
            {"detail": "Server error: the administrators have the details in the log."},
            status=500,
        )
    return defaults.server_error(request)
