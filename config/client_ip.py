"""The client's address for sign-in throttling.

Directly exposed, it is REMOTE_ADDR. Behind the TLS-terminating proxy (BEHIND_TLS_PROXY), REMOTE_ADDR
is the proxy's for everyone, so the address the proxy appended to X-Forwarded-For is used: the last
entry, the only one a client cannot forge.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1][:64]
    return remote
