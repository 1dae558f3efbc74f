"""Starting checklists on new clouds while refreshes run never deadlocks (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, transaction

from readiness.models import Checklist, ScoreSnapshot
from readiness.services import start_checklist
from readiness.snapshots.refresh import refresh_clouds
from tests.builders import make_cloud

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
ROUNDS = 50


def test_fifty_checklist_starts_during_refreshes_all_succeed(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL)")
    errors: list[BaseException] = []

    def run(work):
        try:
            work()
        except BaseException as exc:  # reported below with its round
            errors.append(exc)
        finally:
            connection.close()

    for round_ in range(ROUNDS):
        cloud = make_cloud(f"new-{round_}", partner=world.partner_a)
        barrier = threading.Barrier(3)
        threads = [
            threading.Thread(target=run, args=(lambda b=barrier: (b.wait(), refresh_clouds(None)),)),
            threading.Thread(target=run, args=(lambda b=barrier, c=cloud: (b.wait(), refresh_clouds([c.pk])),)),
            threading.Thread(target=run, args=(lambda b=barrier, c=cloud: (
                b.wait(), start_checklist(cloud=c, framework=world.framework, actor=None)),)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [], f"round {round_}: {errors!r}"
    assert Checklist.objects.active().filter(cloud__slug__startswith="new-").count() == ROUNDS


def test_a_refresh_holding_the_score_state_row_finishes_while_a_start_holds_the_cloud(world, monkeypatch):
    """The interleaving behind the reported deadlock, forced: the start holds its cloud lock and
    waits to mark the cloud stale; meanwhile a refresh transaction that already holds the cloud's
    score-state row writes the cloud's first snapshots (a foreign-key check: KEY SHARE on the
    cloud). With FOR UPDATE on the cloud the two wait for each other (PostgreSQL reports a
    deadlock); with FOR NO KEY UPDATE the refresh goes through and the start follows."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL)")
    from readiness import services
    from readiness.models import CloudScoreState
    from readiness.snapshots.recompute import recompute_scores

    cloud = make_cloud("new-locked", partner=world.partner_a)
    ScoreSnapshot.objects.filter(cloud=cloud).delete()  # a new cloud: no snapshot yet
    cloud_locked, refresh_done = threading.Event(), threading.Event()
    real_mark_stale = services.mark_stale

    def mark_stale_after_the_refresh(cloud_ids):
        cloud_locked.set()
        refresh_done.wait(timeout=10)
        real_mark_stale(cloud_ids)

    monkeypatch.setattr(services, "mark_stale", mark_stale_after_the_refresh)
    errors: list[BaseException] = []

    def start():
        try:
            start_checklist(cloud=cloud, framework=world.framework, actor=None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def refresh():
        try:
            assert cloud_locked.wait(timeout=10)
            with transaction.atomic():
                CloudScoreState.objects.filter(cloud=cloud).update(stale=True)  # holds the state row
                recompute_scores([cloud.pk])  # inserts snapshots: KEY SHARE on the cloud
            refresh_done.set()
        except BaseException as exc:
            errors.append(exc)
        finally:
            refresh_done.set()
            connection.close()

    threads = [threading.Thread(target=start), threading.Thread(target=refresh)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Checklist.objects.active().filter(cloud=cloud).exists()
    assert ScoreSnapshot.objects.filter(cloud=cloud).exists()
