"""Idle sessions expire: a signed-in session is renewed as it is used, so it ends only after
SESSION_COOKIE_AGE seconds without a request."""

from __future__ import annotations

import time

RENEW_AFTER_SECONDS = 300  # renew at most every five minutes: not a session write per request


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("renewed_at", 0) >= RENEW_AFTER_SECONDS:
                session["renewed_at"] = now  # modified: saved with a new expiry of SESSION_COOKIE_AGE
        return self.get_response(request)
