"""Error responses every API operation documents (shared by the apps' API views)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ROW_CODES = ["invalid", "stale", "not_found"]


def field_messages(help_text: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.ListField(child=serializers.CharField()), help_text=help_text)


class RowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in the request, from 0.")
    code = serializers.ChoiceField(choices=ROW_CODES, help_text="invalid: a field is wrong; stale: the row's "
                                                                "version is not the current one; not_found: no "
                                                                "such row you may see.")
    fields = field_messages("What is wrong with the row, by field (nested fields as screenings.0.type).")
    id = serializers.IntegerField(required=False, allow_null=True, help_text="Item rows: the id, when readable.")
    external_id = serializers.CharField(required=False, allow_null=True,
                                        help_text="Staff rows: the external id, when readable.")


class ErrorSerializer(serializers.Serializer):
    """Every answer that is not a success has these four keys (conflicts add what the caller needs)."""

    code = serializers.CharField(help_text="Stable, for programs (new codes may be added): invalid, not_found, "
                                           "permission_denied, not_authenticated, authentication_failed, "
                                           "method_not_allowed, not_acceptable, unsupported_media_type, "
                                           "malformed_body, malformed_request, payload_too_large, throttled, "
                                           "precondition_required, stale_version, already_acknowledged, "
                                           "already_resolved, invalid_idempotency_key, idempotency_key_reused, "
                                           "idempotency_in_progress, resync_required, csrf_failed, unavailable, "
                                           "rate_limits_unavailable, server_error.")
    detail = serializers.CharField(help_text="For people; may be reworded.")
    fields = field_messages("What is wrong with the request itself, by body field, query parameter or header "
                            "(empty if nothing in particular).")
    errors = RowErrorSerializer(many=True, help_text="Bulk writes: every failing row (empty otherwise).")


Error = ErrorSerializer
COMMON = {
    401: OpenApiResponse(Error, description="No, invalid, revoked or expired key (WWW-Authenticate: Api-Key)."),
    406: OpenApiResponse(Error, description="The API answers JSON only (Accept must allow application/json)."),
    413: OpenApiResponse(Error, description="Body over 1 MiB (by its declared length)."),
    429: OpenApiResponse(Error, description="Too many requests for this key; see Retry-After."),
}


RATE_HEADERS = {
    "RateLimit-Limit": "Requests allowed in the window (API_THROTTLE_RATE).",
    "RateLimit-Remaining": "Requests left in the window.",
    "RateLimit-Reset": "Seconds until the oldest counted request leaves the window.",
}
WRITES = ("post", "put", "patch", "delete")


def _header(description: str, kind: str = "string") -> dict:
    return {"schema": {"type": kind}, "description": description}


def declare_headers(result, generator, request, public):
    """A drf-spectacular postprocessing hook: the headers every operation shares, declared once here so
    generated clients see them: the rate-limit headers on every answer, WWW-Authenticate on 401,
    Retry-After on 429, ETag where answers carry one, the optional Idempotency-Key on every write, and
    request bodies marked required."""
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _type_path_parameters(operation)
            for status, response in operation["responses"].items():
                headers = response.setdefault("headers", {})
                if status not in ("401",):
                    headers.update({name: _header(text, "integer") for name, text in RATE_HEADERS.items()})
                if status == "401":
                    headers["WWW-Authenticate"] = _header('The scheme to use: Api-Key realm="api".')
                if status == "429":
                    headers["Retry-After"] = _header("Seconds to wait before retrying.", "integer")
                if status in ("200", "201", "412") and ("/items/{id}/" in path or "/staff/{id}/" in path):
                    headers["ETag"] = _header('The version, strong: "3". Send it back in If-Match.')
            error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            operation["responses"].setdefault("405", {
                "description": "Method not allowed on this path (Allow lists those that are).", "content": error,
                "headers": {"Allow": _header("The methods this path takes, e.g. GET, PATCH.")}})
            operation["responses"].setdefault("503", {
                "description": "The database is unavailable (or, for writes, the rate-limit store): nothing was "
                               "read or saved; retry after Retry-After.", "content": error,
                "headers": {"Retry-After": _header("Seconds to wait before retrying.", "integer")}})
            if method in WRITES:
                operation.setdefault("parameters", []).append({
                    "in": "header", "name": "Idempotency-Key", "required": False,
                    "schema": {"type": "string", "pattern": "^[!-~]{1,200}$"},
                    "description": "Replays with the same key and body get the first answer (README)."})
                for status, text in (("403", "Not allowed to you, or a session write without its CSRF token."),
                                     ("409", "A request with this Idempotency-Key is still in progress."),
                                     ("413", "Body over the size limit (by its declared length)."),
                                     ("422", "This Idempotency-Key was used for another request.")):
                    operation["responses"].setdefault(status, {
                        "description": text, "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}}})
                _or_plain_error(operation["responses"]["409"])
                operation["responses"].setdefault("400", {
                    "description": "Invalid input, or a malformed Idempotency-Key.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
            if "requestBody" in operation and method in ("post", "put", "patch"):
                operation["requestBody"]["required"] = True
                operation["responses"].setdefault("415", {"description": "The body must be application/json.",
                                                          "content": error})
    return result


def _type_path_parameters(operation: dict) -> None:
    """Ids in paths are integers (generated clients take an int), slugs have the slug pattern."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "path":
            continue
        if parameter["name"] == "id" or parameter["name"].endswith("_id"):
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
        elif parameter["name"] == "slug":
            parameter["schema"] = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"}


def _or_plain_error(response: dict) -> None:
    """An operation's own conflict body, or the plain Error of an Idempotency-Key still in flight."""
    content = response.get("content", {}).get("application/json", {})
    error = {"$ref": "#/components/schemas/Error"}
    if content.get("schema", error) != error and "anyOf" not in content["schema"]:
        content["schema"] = {"anyOf": [content["schema"], error]}
