"""`Idempotency-Key` on API writes: a replay with the same key and the same request gets the first answer
(with `Idempotent-Replayed: true`) and writes nothing; the same key with another request is a 422; while
the first is still running, a second one is a 409 (retry shortly). Keys are per caller (API key or
signed-in user) and kept IDEMPOTENCY_KEEP_HOURS. Answers that did not happen (5xx, 401, 429) are not
kept, so the client may retry with the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from clouds.models import IdempotencyRecord
from config.api.error_body import error_body

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
KEY = re.compile(r"[\x21-\x7e]{1,200}")  # visible ASCII
KEPT_HEADERS = ("Content-Type", "ETag", "Location")
NOT_KEPT = {401, 429}


def _error(status: int, code: str, detail: str, fields: dict | None = None, **headers: str) -> JsonResponse:
    response = JsonResponse(error_body(code, detail, fields=fields), status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _scope(request: HttpRequest) -> str | None:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


class IdempotencyMiddleware:
    """Claims the key once the URL is resolved to a view that handles the method (a method the view does
    not take answers 405 as usual, key or not), and stores the answer when the view is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        record = getattr(request, "_idempotency_record", None)
        if record is None:
            return response
        if response.status_code >= 500 or response.status_code in NOT_KEPT or getattr(response, "streaming", False):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code, body=response.content.decode("utf-8", "replace"),
            headers={name: response[name] for name in KEPT_HEADERS if response.has_header(name)})
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        key = request.headers.get("Idempotency-Key")
        if key is None or request.method not in WRITES or not request.path.startswith("/api/v1/"):
            return None
        if not _handles(view_func, request.method):
            return None
        if not KEY.fullmatch(key):
            problem = "Use 1 to 200 visible ASCII characters (a UUID is a good choice)."
            return _error(400, "invalid_idempotency_key", f"Idempotency-Key: {problem}",
                          {"Idempotency-Key": [problem]})
        scope = _scope(request)
        if scope is None:  # not authenticated: let the API answer 401 as usual
            return None
        fingerprint = hashlib.sha256(b"\n".join([request.method.encode(), request.get_full_path().encode(),
                                                 request.body])).hexdigest()
        try:
            with transaction.atomic():
                request._idempotency_record = IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint, created_at=timezone.now())
        except IntegrityError:
            return self._replay(scope, key, fingerprint)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        record = getattr(request, "_idempotency_record", None)
        if record is not None:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            request._idempotency_record = None


    def _replay(self, scope: str, key: str, fingerprint: str) -> HttpResponse:
        record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if record is None:  # removed meanwhile (the first one failed): the client may send it again
            return _error(409, "idempotency_in_progress", "Retry this request.", **{"Retry-After": "1"})
        if record.fingerprint != fingerprint:
            return _error(422, "idempotency_key_reused", "This Idempotency-Key was already used for another "
                                                         "request; use a new key for a new request.")
        if record.status_code is None:
            return _error(409, "idempotency_in_progress", "A request with this Idempotency-Key is still being "
                                                          "processed; retry shortly.", **{"Retry-After": "1"})
        response = HttpResponse(record.body, status=record.status_code)
        for name, value in record.headers.items():
            response[name] = value
        response["Idempotent-Replayed"] = "true"
        return response


def _handles(view_func, method: str) -> bool:
    """Whether the resolved view takes this method (a viewset's actions, or an APIView's handlers)."""
    actions = getattr(view_func, "actions", None)
    if actions is not None:
        return method.lower() in actions
    cls = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return cls is not None and callable(getattr(cls, method.lower(), None))


def purge_idempotency_records(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_KEEP_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
