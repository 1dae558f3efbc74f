"""Conditional GET for the API: `If-None-Match` answers 304 when the representation has not changed.

Django's ConditionalGetMiddleware does the work (RFC 9110 comparison; an item keeps the ETag of its
version, other answers get one computed from their body); this limits it to /api/ so that pages, whose
bodies carry per-request tokens, are left alone.
"""

from __future__ import annotations

from django.middleware.http import ConditionalGetMiddleware

# Preconditions on reads that this middleware must not judge: If-Match on a GET is meaningless here
# (writes check it themselves, with the API's 412), and Django would answer it with an empty HTML 412.
IGNORED_ON_READS = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    def process_response(self, request, response):
        if not request.path.startswith("/api/v1/"):
            return response
        held = {name: request.META.pop(name) for name in IGNORED_ON_READS if name in request.META}
        try:
            return super().process_response(request, response)
        finally:
            request.META.update(held)
