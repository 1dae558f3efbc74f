"""Idempotency-Key on API writes: a replay gets the first answer and writes nothing; another body with
the same key is a 422; a key still in flight is a 409."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from clouds.models import IdempotencyRecord
from readiness.models import Waiver
from tests.api.conftest import with_key
from tests.readiness.test_recompute import item_of


def bulk(client, item, status, key):
    return client.post("/api/v1/items/bulk/", {"items": [{"id": item.pk, "version": 1, "status": status}]},
                       format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_replay_gets_the_first_answer_and_writes_nothing(world, keys, api):
    client = with_key(api, keys.own)
    item = item_of(world.cloud_a, "PPL-02")
    first = bulk(client, item, "in_progress", "k-1")
    replay = bulk(client, item, "in_progress", "k-1")
    assert first.status_code == replay.status_code == 200
    assert replay.content == first.content and replay["Idempotent-Replayed"] == "true"
    assert item_of(world.cloud_a, "PPL-02").version == 2  # once, not a 412 for the replay
    fresh = bulk(client, item, "in_progress", "k-2")  # a new key is a new request: now stale
    assert fresh.status_code == 400 and fresh.json()["errors"][0]["code"] == "stale"


def test_the_same_key_with_another_body_is_a_422(world, keys, api):
    client = with_key(api, keys.own)
    item = item_of(world.cloud_a, "PPL-02")
    bulk(client, item, "in_progress", "k-1")
    response = bulk(client, item, "blocked", "k-1")
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert item_of(world.cloud_a, "PPL-02").status == "in_progress"


def test_keys_are_per_caller(world, keys, api):
    item = item_of(world.cloud_a, "PPL-02")
    with_key(api, keys.own).post("/api/v1/waivers/", {"item": item.pk, "reason": "r", "compensating_control": "c",
                                                      "expires_on": (timezone.localdate().replace(day=1)
                                                                     .isoformat())},
                                 format="json", HTTP_IDEMPOTENCY_KEY="same")
    other = api.__class__()
    other.force_authenticate(world.pm_assigned)
    response = other.post("/api/v1/items/bulk/", {"items": [{"id": item.pk, "version": 1, "status": "blocked"}]},
                          format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert "Idempotent-Replayed" not in response


def test_a_key_still_in_flight_is_a_409_and_a_bad_key_a_400(world, keys, api):
    client = with_key(api, keys.own)
    item = item_of(world.cloud_a, "PPL-02")
    import hashlib

    scope = "auth:" + hashlib.sha256(f"Api-Key {keys.own}".encode()).hexdigest()
    body = b'{"items":[{"id":%d,"version":1,"status":"in_progress"}]}' % item.pk
    fingerprint = hashlib.sha256(b"\n".join([b"POST", b"/api/v1/items/bulk/", body])).hexdigest()
    IdempotencyRecord.objects.create(scope=scope, key="busy", fingerprint=fingerprint, created_at=timezone.now())
    response = bulk(client, item, "in_progress", "busy")
    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert bulk(client, item, "in_progress", "bad key with spaces").status_code == 400
    assert item_of(world.cloud_a, "PPL-02").version == 1


def test_answers_that_did_not_happen_are_not_kept(world, keys, api):
    client = with_key(api, "not-a-key")
    assert bulk(client, item_of(world.cloud_a, "PPL-02"), "done", "k-9").status_code == 401
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_concurrent_requests_with_one_key_write_once(world, keys, live_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    import json
    import urllib.request

    item = item_of(world.cloud_a, "PPL-02")
    answers = []

    def send():
        body = json.dumps({"item": item.pk, "reason": "Late", "compensating_control": "Manual",
                           "expires_on": (timezone.localdate() + timezone.timedelta(days=9)).isoformat()}).encode()
        request = urllib.request.Request(f"{live_server.url}/api/v1/waivers/", data=body, method="POST", headers={
            "Authorization": f"Api-Key {keys.own}", "Content-Type": "application/json",
            "Idempotency-Key": "together"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answers.append(response.status)
        except urllib.error.HTTPError as error:
            answers.append(error.code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Waiver.objects.count() == 1
    assert sorted(answers)[0] == 201 and set(answers) <= {201, 409}


def test_a_method_the_operation_does_not_take_is_a_405_key_or_not(world, keys, api):
    client = with_key(api, keys.own)
    item = item_of(world.cloud_a, "PPL-02")
    bulk(client, item, "in_progress", "k-1")
    response = client.put("/api/v1/items/bulk/", {"items": []}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
