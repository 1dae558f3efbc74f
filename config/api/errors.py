"""JSON answers for URLs under /api/ that no API view handles (unknown paths, crashes)."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views import csrf as csrf_views
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception):
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": "The request body is larger than the API accepts."}, status=413)
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


@csrf_exempt
def api_not_found(request):
    if not request.path.endswith("/"):
        return JsonResponse({"detail": "Not found. API paths end with a slash, e.g. /api/v1/items/42/."},
                            status=404)
    return JsonResponse({"detail": "Not found."}, status=404)


def csrf_failure(request, reason=""):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"CSRF check failed: {reason}"}, status=403)
    return csrf_views.csrf_failure(request, reason=reason)
