"""Per-key (or per-user) request rates; when the rate cache is unavailable, requests pass."""

from __future__ import annotations

import logging

from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger("portal.api")


class PerClientThrottle(SimpleRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view):
        key = getattr(request.user, "key", None)
        if key is not None:
            ident = f"key:{key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("API throttle cache unavailable; letting %s %s through", request.method, request.path,
                           exc_info=True)
            return True
