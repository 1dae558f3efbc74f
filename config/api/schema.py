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
            if method in WRITES:
                operation.setdefault("parameters", []).append({
                    "in": "header", "name": "Idempotency-Key", "required": False,
                    "schema": {"type": "string", "pattern": "^[!-~]{1,200}$"},
                    "description": "Replays with the same key and body get the first answer (README)."})
                for status, text in (("409", "A request with this Idempotency-Key is still in progress."),
                                     ("422", "This Idempotency-Key was used for another request.")):
                    operation["responses"].setdefault(status, {
                        "description": text, "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}}})
                _allow_plain_error(operation, "400", "Invalid input, or a malformed Idempotency-Key.")
            if "requestBody" in operation and method in ("post", "put", "patch"):
                operation["requestBody"]["required"] = True
    return result


def _allow_plain_error(operation: dict, status: str, text: str) -> None:
    """A write may also answer `status` with the plain Error (e.g. a malformed Idempotency-Key, refused
    before the operation reads its body): its own schema, or Error."""
    error = {"$ref": "#/components/schemas/Error"}
    response = operation["responses"].setdefault(status, {"description": text})
    content = response.setdefault("content", {}).setdefault("application/json", {})
    current = content.get("schema")
    if current is None or current == error:
        content["schema"] = error
    elif "anyOf" not in current:
        content["schema"] = {"anyOf": [current, error]}
