"""Edits reach fresh scores through a real worker; a down broker loses nothing."""

import logging
import threading
import time

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from readiness.choices import ChangeSource, ItemStatus
from readiness.models import CloudScoreState, ScoreSnapshot
from readiness.services import update_item
from readiness.snapshots.recompute import recompute_scores
from readiness.snapshots.refresh import refresh_clouds
from readiness.tasks import refresh_cloud, sweep_stale_scores
from tests.builders import active_checklist
from tests.integration.conftest import _database_url, broker_at, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
CLOSED_PORT = "redis://127.0.0.1:1/0"


def overall(cloud):
    return ScoreSnapshot.objects.filter(cloud=cloud, scope="overall", day=timezone.localdate()).first()


def edit(cloud, code="TEC-01", status=ItemStatus.DONE):
    item = active_checklist(cloud).items.get(requirement__code=code)
    return update_item(item=item, changes={"status": status}, actor=None, source=ChangeSource.API,
                       expected_version=item.version)


def state(cloud):
    return CloudScoreState.objects.get(cloud=cloud)


def test_an_edit_gives_a_fresh_snapshot_within_seconds(world, real_worker):
    refresh_clouds([world.cloud_a.pk])
    before = overall(world.cloud_a)
    edited_at = timezone.now()
    edit(world.cloud_a)
    fresh = wait_for(lambda: (row := overall(world.cloud_a)) and row.computed_at > edited_at and row, timeout=5)
    assert fresh.score > before.score
    assert (timezone.now() - edited_at).total_seconds() < 5
    wait_for(lambda: not state(world.cloud_a).stale, timeout=5)


def test_with_the_broker_down_the_edit_is_saved_and_the_sweep_catches_up(world, real_worker, caplog):
    refresh_clouds([world.cloud_a.pk])
    before = overall(world.cloud_a).score
    with broker_at(CLOSED_PORT), caplog.at_level(logging.WARNING, logger="readiness.snapshots.freshness"):
        saved = edit(world.cloud_a)
    assert saved.version == 2 and saved.status == ItemStatus.DONE
    assert "stays stale until the next sweep" in caplog.text
    time.sleep(0.5)
    assert state(world.cloud_a).stale is True
    assert overall(world.cloud_a).score == before

    sweep_stale_scores.delay()
    wait_for(lambda: not state(world.cloud_a).stale, timeout=10)
    assert overall(world.cloud_a).score > before


def test_an_edit_landing_during_a_recompute_leaves_the_cloud_stale(world, real_worker):
    cloud = world.cloud_a
    refresh_clouds([cloud.pk])
    today = timezone.localdate()
    # Hold today's snapshot rows so the worker's recompute stops at its write,
    # after it has read the cloud's generation.
    holder = psycopg2.connect(_database_url(connection.settings_dict).replace("postgres://", "postgresql://"))
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT id FROM readiness_scoresnapshot WHERE cloud_id = %s AND day = %s FOR UPDATE",
                           [cloud.pk, today])
            queued_at = timezone.now()
            refresh_cloud.delay(cloud.pk)
            wait_for(lambda: _worker_waits_on_a_lock(holder), timeout=10)
            with broker_at(CLOSED_PORT):  # no second recompute is queued for this edit
                edit(cloud)
            generation = state(cloud).generation
        holder.rollback()
    finally:
        holder.close()

    wait_for(lambda: overall(cloud).computed_at > queued_at, timeout=10)
    after = state(cloud)
    assert after.stale is True and after.generation == generation

    sweep_stale_scores.delay()
    wait_for(lambda: not state(cloud).stale, timeout=10)


def _worker_waits_on_a_lock(holder) -> bool:
    with holder.cursor() as cursor:
        # Statistics views are frozen for the rest of a transaction unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0


def test_two_recomputes_at_once_write_one_set_of_rows(world, real_worker):
    edit(world.cloud_a)
    errors = []

    def run():
        try:
            recompute_scores([world.cloud_a.pk])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refresh_cloud.delay(world.cloud_a.pk)
    wait_for(lambda: not state(world.cloud_a).stale, timeout=10)
    assert errors == []
    assert ScoreSnapshot.objects.filter(cloud=world.cloud_a, day=timezone.localdate()).count() == 4
