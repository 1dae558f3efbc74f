"""Starting checklists on new clouds while refreshes run never deadlocks (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from readiness.models import Checklist
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
