"""Per-key (or per-user) request rates.

When the rate cache is unavailable, reads pass (logged) and writes are refused with a
503: a partner tool must not be able to write without limit while Redis is down.
"""

from __future__ import annotations

import logging
import math

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger("portal.api")


class RateLimitsUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Rate limiting is unavailable, so writes are refused for now; retry in a minute."
    default_code = "rate_limits_unavailable"


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
            allowed = super().allow_request(request, view)
        except Exception:
            if request.method not in SAFE_METHODS:
                logger.warning("API throttle cache unavailable; refusing %s %s", request.method, request.path,
                               exc_info=True)
                raise RateLimitsUnavailable() from None
            logger.warning("API throttle cache unavailable; letting %s %s through", request.method, request.path,
                           exc_info=True)
            return True
        self._announce(request)
        return allowed

    def _announce(self, request) -> None:
        """What config.api.rate_headers puts on the answer: the limit, what is left of it, and the seconds
        until the oldest request of the window leaves it."""
        if getattr(self, "history", None) is None or not getattr(self, "num_requests", None):
            return
        remaining = max(0, self.num_requests - len(self.history))
        reset = max(0, math.ceil(self.history[-1] + self.duration - self.now)) if self.history else 0
        request._request.rate_limit = (self.num_requests, remaining, reset)
