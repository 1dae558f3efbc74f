"""Conditional GET for the API: `If-None-Match` answers 304 when the representation has not changed.

Django's ConditionalGetMiddleware does the work (RFC 9110 comparison; an item keeps the ETag of its
version, other answers get one computed from their body); this limits it to /api/ so that pages, whose
bodies carry per-request tokens, are left alone.
"""

from __future__ import annotations

from django.middleware.http import ConditionalGetMiddleware


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    def process_response(self, request, response):
        if not request.path.startswith("/api/v1/"):
            return response
        return super().process_response(request, response)
