"""DRF's exceptions answered in the API's one error shape (config.api.error_body)."""

from __future__ import annotations

import logging

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.api.error_body import error_body

logger = logging.getLogger("portal.api")


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "This request needs an If-Match header with the ETag of the version you are changing (not '*')."
    default_code = "precondition_required"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the API accepts."
    default_code = "payload_too_large"


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    request = context.get("request")
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed | exceptions.PermissionDenied):
        logger.warning("API denied (%s): %s %s by %s", response.status_code, getattr(request, "method", "?"),
                       getattr(request, "path", "?"), getattr(request, "user", None))
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", "Invalid input.", fields=response.data)
    elif isinstance(exc, Http404):
        response.data = error_body("not_found", "Not found.")
    else:
        data = response.data if isinstance(response.data, dict) else {"detail": response.data}
        response.data = error_body(error_code(exc), data.get("detail", "Error."))
    return response


CODES = {
    exceptions.NotAuthenticated: "not_authenticated", exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied", exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed", exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type", exceptions.Throttled: "throttled",
    exceptions.ParseError: "malformed_body",
}


def error_code(exc) -> str:
    """The stable code of an API error: by exception class, else its own default code."""
    for cls, code in CODES.items():
        if isinstance(exc, cls):
            return code
    return getattr(exc, "default_code", "error") or "error"


def error(status_code: int, detail: str, *, code: str = "error", **extra) -> Response:
    return Response(error_body(code, detail, **extra), status=status_code)
