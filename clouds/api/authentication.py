"""Authenticating partner tools by API key; the request then carries the key and its partner."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from clouds.choices import UserRole
from clouds.models import PartnerAPIKey

logger = logging.getLogger("portal.api.auth")


class PartnerKeyActor:
    """The `request.user` of a key-authenticated request.

    It answers the questions clouds.access and readiness.access ask of a user as
    partner staff of the key's partner would, and names the key for the audit trail.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, key: PartnerAPIKey) -> None:
        self.key = key
        self.partner = key.partner
        self.audit_name = f"{key.partner.slug}/{key.name}"  # key names are unique per partner only
        self.profile = SimpleNamespace(role=UserRole.PARTNER_STAFF, partner_id=key.partner_id, partner=key.partner)

    def get_username(self) -> str:
        return f"api-key:{self.key.name}"

    def __str__(self) -> str:
        return f"API key {self.key.name} ({self.partner.slug})"


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`; a wrong, revoked or expired key is a 401, never anonymous."""

    keyword = KeyParser.keyword

    def authenticate(self, request):
        key = KeyParser().get(request._request)
        if key is None:
            scheme = request._request.META.get("HTTP_AUTHORIZATION", "").partition(" ")[0]
            if scheme and scheme.lower() != self.keyword.lower():
                raise exceptions.AuthenticationFailed(
                    f'Send the key as "Authorization: {self.keyword} <key>"; the {scheme} scheme is not used here.')
            return None
        prefix = key.partition(".")[0][:8]
        try:
            api_key = PartnerAPIKey.objects.get_from_key(key)
        except PartnerAPIKey.DoesNotExist:
            logger.warning("API authentication failed: unknown or revoked key (prefix %r) on %s %s",
                           prefix, request.method, request.path)
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.") from None
        if api_key.has_expired:
            logger.warning("API authentication failed: expired key %r of %s on %s %s",
                           api_key.name, api_key.partner.slug, request.method, request.path)
            raise exceptions.AuthenticationFailed("This API key has expired.")
        return PartnerKeyActor(api_key), api_key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    """Tells drf-spectacular how partner keys are sent."""

    target_class = "clouds.api.authentication.PartnerKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Api-Key <key>`, the key shown once when it was created."}
