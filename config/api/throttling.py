"""Per-key (or per-user) request rates.

When the rate cache is unavailable, reads pass (logged) and writes are refused with a
503: a partner tool must not be able to write without limit while Redis is down.
"""

from __future__ import annotations

import logging

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
            return super().allow_request(request, view)
        except Exception:
            if request.method not in SAFE_METHODS:
                logger.warning("API throttle cache unavailable; refusing %s %s", request.method, request.path,
                               exc_info=True)
                raise RateLimitsUnavailable() from None
            logger.warning("API throttle cache unavailable; letting %s %s through", request.method, request.path,
                           exc_info=True)
            return True
