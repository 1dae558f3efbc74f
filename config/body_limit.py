"""Refuse oversized request bodies on every route before anything reads them.

A declared Content-Length over the limit is answered 413 at once, without reading
the body. A chunked body (no Content-Length; gunicorn decodes the chunks) is read
up to the limit: over it, 413; under it, the body is handed on with its length, so
Django does not read it as empty. JSON answers under /api/, a page elsewhere.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from config.api.error_body import error_body


def too_large(request: HttpRequest) -> HttpResponse:
    limit = settings.MAX_REQUEST_BODY_BYTES
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("payload_too_large", f"The request body is larger than {limit} bytes."),
                            status=413)
    return HttpResponse(render_to_string("errors/413.html", {"limit_kib": limit // 1024}), status=413)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BODY_BYTES
        declared = request.META.get("CONTENT_LENGTH", "")
        if declared:
            if not (declared.isascii() and declared.isdigit()):
                if request.path.startswith("/api/"):
                    return JsonResponse(error_body("malformed_request", "Content-Length is not a number.",
                                                   fields={"Content-Length": ["Give the body's length in bytes."]}),
                                        status=400)
                return HttpResponse("Content-Length is not a number.\n", status=400, content_type="text/plain")
            if int(declared) > limit:  # any number of digits, leading zeros included
                return too_large(request)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = request.META["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return too_large(request)
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        return self.get_response(request)
