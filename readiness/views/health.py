"""/healthz: is the database reachable, the broker reachable, the sweep running, and the API's
rate-limit cache answering?"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from readiness.models import JobHeartbeat
from readiness.snapshots.refresh import SWEEP_HEARTBEAT


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


def _broker() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "in-process"}
    try:
        with Connection(settings.REDIS_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "redis"}
    except Exception as exc:
        return {"ok": False, "mode": "redis", "error": exc.__class__.__name__}


def _sweep(database_ok: bool) -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "note": "no scheduled sweep in in-process mode; pages compute on read"}
    if not database_ok:
        return {"ok": False, "error": "database unavailable"}
    finished = JobHeartbeat.objects.filter(name=SWEEP_HEARTBEAT).values_list("finished_at", flat=True).first()
    if finished is None:
        return {"ok": False, "age_seconds": None, "error": "the sweep has never run"}
    age = (timezone.now() - finished).total_seconds()
    return {"ok": age <= settings.HEALTH_MAX_SWEEP_AGE_SECONDS, "age_seconds": round(age, 1),
            "max_age_seconds": settings.HEALTH_MAX_SWEEP_AGE_SECONDS}


def _rate_limits() -> dict:
    try:
        cache.get("healthz-probe")
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__, "note": "API writes are refused until it is back"}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database()
    checks = {"database": database, "broker": _broker(), "sweep": _sweep(database["ok"]),
              "rate_limits": _rate_limits()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
