import os

import pytest
from django.utils import timezone

from readiness.models import JobHeartbeat
from readiness.snapshots.refresh import SWEEP_HEARTBEAT, beat

REAL_REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_is_up():
    from kombu import Connection

    try:
        with Connection(REAL_REDIS, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=0)
        return True
    except Exception:
        return False


def test_in_process_mode_is_healthy_without_broker_or_sweep(client, db, settings):
    settings.REDIS_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["broker"]["mode"] == "in-process"


def test_unreachable_broker_is_503(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    beat()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_with_broker_the_sweep_age_decides(client, db, settings):
    if not redis_is_up():
        pytest.skip("Redis is not running")
    settings.REDIS_URL = REAL_REDIS
    assert client.get("/healthz").json()["sweep"]["error"] == "the sweep has never run"
    beat()
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    JobHeartbeat.objects.filter(name=SWEEP_HEARTBEAT).update(
        finished_at=timezone.now() - timezone.timedelta(seconds=settings.HEALTH_MAX_SWEEP_AGE_SECONDS + 5))
    stale = client.get("/healthz")
    assert stale.status_code == 503 and stale.json()["sweep"]["age_seconds"] > settings.HEALTH_MAX_SWEEP_AGE_SECONDS


def test_healthz_needs_no_login_and_only_answers_get(client, db, settings):
    settings.REDIS_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"  # anonymous
    assert client.post("/healthz").status_code == 405


def test_healthz_says_when_the_rate_limit_cache_is_down(client, db, settings, monkeypatch):
    import readiness.views.health as health

    class BrokenCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

    settings.REDIS_URL = None
    monkeypatch.setattr(health, "cache", BrokenCache())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["rate_limits"] == {"ok": False, "error": "ConnectionError",
                                              "note": "API writes are refused until it is back"}
