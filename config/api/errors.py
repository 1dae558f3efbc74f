"""Error answers: JSON under /api/, branded pages elsewhere (outside DEBUG), and a 503 when the
database is down, whether a view or a middleware found out."""

import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import csrf as csrf_views
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from config.api.error_body import error_body


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return defaults.page_not_found(request, exception)


logger = logging.getLogger("portal.errors")
RETRY_AFTER_SECONDS = 30


def server_error(request):
    # Called while the exception is being handled, so it can tell a database outage from a bug
    # (a deadlock or a timeout is an OperationalError too, but the database still answers).
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError) and not database_reachable():
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", "Server error."), status=500)
    return defaults.server_error(request)


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def database_unavailable(request):
    logger.error("Database unavailable while serving %s %s", request.method, request.path)
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("unavailable", "The database is unavailable; nothing was read or saved. "
                                           "Try again in a minute."), status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception):
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(error_body("payload_too_large", "The request body is larger than the API accepts."),
                                status=413)
        return JsonResponse(error_body("bad_request", "Bad request."), status=400)
    return defaults.bad_request(request, exception)


@csrf_exempt
def api_not_found(request):
    if not request.path.endswith("/"):
        return JsonResponse(error_body("not_found", "Not found. API paths end with a slash, e.g. /api/v1/items/42/."),
                            status=404)
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def csrf_failure(request, reason=""):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("csrf_failed", f"CSRF check failed: {reason}"), status=403)
    return csrf_views.csrf_failure(request, reason=reason)
