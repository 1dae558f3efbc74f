"""RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset on every API answer that was counted
(config.api.throttling records them on the request), so a tool can pace itself before a 429."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class RateLimitHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        counted = getattr(request, "rate_limit", None)
        if counted is not None:
            limit, remaining, reset = counted
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        return response
