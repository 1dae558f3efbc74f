"""Error responses every API operation documents (shared by the apps' API views)."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

Error = inline_serializer("Error", fields={
    "code": serializers.CharField(required=False, help_text="Stable, for programs: invalid, not_found, "
                                                            "permission_denied, not_authenticated, throttled, "
                                                            "precondition_required, ..."),
    "detail": serializers.CharField(),
    "errors": serializers.DictField(required=False, help_text="Per-field messages, for invalid input."),
})
COMMON = {
    401: OpenApiResponse(Error, description="No, invalid, revoked or expired key (WWW-Authenticate: Api-Key)."),
    406: OpenApiResponse(Error, description="The API answers JSON only (Accept must allow application/json)."),
    413: OpenApiResponse(Error, description="Body over 1 MiB (by its declared length)."),
    429: OpenApiResponse(Error, description="Too many requests for this key; see Retry-After."),
}
