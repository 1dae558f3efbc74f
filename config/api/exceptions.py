"""One JSON error shape for the whole API: {"detail": ..., "errors": {...}} for validation."""

from __future__ import annotations

import logging

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

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
        errors = response.data
        if isinstance(errors, list):
            errors = {"non_field_errors": errors}
        response.data = {"detail": "Invalid input.", "errors": errors}
    elif isinstance(exc, Http404):
        response.data = {"detail": "Not found."}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": response.data}
    return response


def error(status_code: int, detail: str, **extra) -> Response:
    return Response({"detail": detail, **extra}, status=status_code)
