"""Refuse parameters that are not well-formed text, on every route, before any view reads them.

Django decodes query strings and form bodies leniently (invalid UTF-8 becomes U+FFFD), so a
view would see a different value from the one sent. A parameter whose name or value is not
valid UTF-8 once percent-decoded, or that holds a NUL character, is answered 400 naming it:
JSON under /api/, a page elsewhere. Form bodies, urlencoded or multipart, are checked the same
way (JSON bodies are the API parser's business).
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from config.api.error_body import error_body

FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"


def problem_in(encoded: bytes | str, where: str) -> str | None:
    """The first malformed parameter of an urlencoded string, described; None when all are well-formed."""
    if isinstance(encoded, str):
        try:
            raw = encoded.encode("latin-1")  # PEP 3333: the environ holds the raw bytes as latin-1
        except UnicodeEncodeError:
            raw = encoded.encode("utf-8")
    else:
        raw = encoded
    pairs = raw.split(b"&")
    if len(pairs) > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
        # Django would raise TooManyFieldsSent later, answered as an HTML page in DEBUG: refuse it here, in kind.
        return f"More than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} {where} parameters."
    for pair in pairs:
        if not pair:
            continue
        name_raw, _, value_raw = pair.partition(b"=")
        name_bytes = unquote_to_bytes(name_raw.replace(b"+", b" "))
        value_bytes = unquote_to_bytes(value_raw.replace(b"+", b" "))
        shown = name_bytes.decode("utf-8", errors="replace").replace("\x00", "")[:60] or "(unnamed)"
        try:
            name, value = name_bytes.decode("utf-8"), value_bytes.decode("utf-8")
        except UnicodeDecodeError:
            return f"{shown}: the {where} parameter is not valid UTF-8 text."
        if "\x00" in name or "\x00" in value:
            return f"{shown}: NUL characters are not allowed."
    return None


def multipart_problem(request: HttpRequest) -> str | None:
    """The first multipart field that is not well-formed text (files are refused by config.uploads)."""
    head = f"Content-Type: {request.META.get('CONTENT_TYPE', '')}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    if not message.is_multipart():
        return None  # no fields at all (Django reads it as an empty form)
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition") or "(unnamed)"
        if part.get_filename() is not None:
            continue
        try:
            value = (part.get_payload(decode=True) or b"").decode("utf-8")
        except UnicodeDecodeError:
            return f"{str(name)[:60]}: the form field is not valid UTF-8 text."
        if "\x00" in value or "\x00" in str(name):
            return f"{str(name).replace(chr(0), '')[:60]}: NUL characters are not allowed."
    return None


def refuse(request: HttpRequest, problem: str, *, status: int = 400) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("malformed_request", problem), status=status)
    return HttpResponse(render_to_string("400.html", {"problem": problem}), status=status)


class WellFormedParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = problem_in(request.META.get("QUERY_STRING", ""), "query")
        if problem is None and request.method == "POST" and request.content_type == FORM_TYPE:
            problem = problem_in(request.body, "form")
        elif problem is None and request.method == "POST" and request.content_type == MULTIPART_TYPE:
            problem = multipart_problem(request)
        if problem is not None:
            return refuse(request, problem)
        return self.get_response(request)
