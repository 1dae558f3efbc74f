"""A worker killed with SIGKILL between the score step and the findings step loses nothing.

The worker is held inside the findings step by a row lock on the cloud, killed,
and started again: the cloud is still stale, so the sweep (every 2 s here) redoes
both steps, and the lost task itself comes back once the visibility timeout
(5 s here) has passed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from readiness.choices import ChangeSource
from readiness.models import ChecklistItem, CloudScoreState, Finding, ScoreSnapshot
from readiness.services import update_item
from readiness.snapshots.refresh import refresh_clouds
from readiness.tasks import refresh_cloud
from tests.builders import active_checklist
from tests.integration.conftest import ROOT, _database_url, _redis_reachable, broker_at, wait_for
from tests.integration.test_worker import _worker_waits_on_a_lock

pytestmark = pytest.mark.django_db(transaction=True)
CLOSED_PORT = "redis://127.0.0.1:1/0"
QUEUE = "killable"
SWEEP_SECONDS = 2
VISIBILITY_TIMEOUT = 5


@pytest.fixture
def start_worker(django_db_setup, tmp_path):
    """Start workers of our own on QUEUE (and the default queue with beat), with short timeouts."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker integration tests need PostgreSQL (set DATABASE_URL)")
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or not _redis_reachable(redis_url):
        pytest.skip("the worker integration tests need Redis (set REDIS_URL)")
    from config.celery import app

    app.conf.task_always_eager = False
    started: list[subprocess.Popen] = []
    env = {**os.environ, "DATABASE_URL": _database_url(connection.settings_dict), "REDIS_URL": redis_url,
           "CONN_MAX_AGE": "0", "SCORE_SWEEP_SECONDS": str(SWEEP_SECONDS),
           "TASK_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}

    def start(name: str, *, beat: bool) -> subprocess.Popen:
        queues = f"{QUEUE},{app.conf.task_default_queue}" if beat else QUEUE  # beat's sweep goes to the default
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
                   "-Q", queues, "--without-mingle", "--without-gossip",
                   f"--logfile={tmp_path / f'{name}.log'}", f"--hostname={name}@%h"]
        if beat:
            command += ["-B", f"--schedule={tmp_path / 'beat-schedule'}"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        started.append(process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / f"{name}.log").read_text()
            if app.control.ping(destination=[f"{name}@{os.uname().nodename}"], timeout=0.5):
                return process
        pytest.fail(f"worker {name} did not answer a ping within 30 s")

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    app.conf.task_always_eager = True


def unowned_items(cloud) -> set[int]:
    return set(ChecklistItem.objects.active().of_clouds([cloud.pk]).open().filter(owner__isnull=True)
               .values_list("pk", flat=True))


def unowned_finding_items(cloud) -> set[int]:
    finding = Finding.objects.get(cloud=cloud, rule="unowned", resolved_at__isnull=True)
    return set(finding.items.values_list("pk", flat=True))


def test_a_worker_killed_between_scores_and_findings_is_made_good_after_a_restart(world, start_worker):
    cloud = world.cloud_a
    refresh_clouds([cloud.pk])
    assert unowned_finding_items(cloud) == unowned_items(cloud)
    victim = start_worker("victim", beat=False)

    holder = psycopg2.connect(_database_url(connection.settings_dict).replace("postgres://", "postgresql://"))
    try:
        with holder.cursor() as cursor:
            # The findings step locks the cloud row FOR UPDATE; holding it stops the worker there,
            # after its scores are saved (NO KEY UPDATE leaves the snapshot writes free).
            cursor.execute("SELECT id FROM clouds_cloud WHERE id = %s FOR NO KEY UPDATE", [cloud.pk])
            item = active_checklist(cloud).items.filter(owner__isnull=True).order_by("pk").first()
            with broker_at(CLOSED_PORT):  # the edit's own refresh is not queued: we send it to the victim
                update_item(item=item, changes={"owner": world.partner_user.pk}, actor=None,
                            source=ChangeSource.API, expected_version=item.version)
            edited_at = timezone.now()
            refresh_cloud.apply_async(args=[cloud.pk], queue=QUEUE)
            wait_for(lambda: ScoreSnapshot.objects.filter(cloud=cloud, scope="overall",
                                                          computed_at__gt=edited_at).exists(), timeout=15)
            wait_for(lambda: _worker_waits_on_a_lock(holder), timeout=15)
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)
        holder.rollback()
    finally:
        holder.close()

    # The scores followed the edit, the findings did not, and the cloud is not counted as fresh.
    assert CloudScoreState.objects.get(cloud=cloud).stale is True
    assert unowned_finding_items(cloud) != unowned_items(cloud)

    restarted_at = time.monotonic()
    start_worker("restarted", beat=True)
    wait_for(lambda: unowned_finding_items(cloud) == unowned_items(cloud)
             and not CloudScoreState.objects.get(cloud=cloud).stale,
             timeout=SWEEP_SECONDS + VISIBILITY_TIMEOUT + 15, interval=0.2)
    took = time.monotonic() - restarted_at
    print(f"findings matched the items {took:.1f} s after the restart")
    assert item.pk not in unowned_finding_items(cloud)

    # The killed task itself was not lost either: Redis delivered it again and it was acknowledged.
    wait_for(lambda: unacknowledged() == 0, timeout=VISIBILITY_TIMEOUT + 15, interval=0.2)
    print(f"the lost task was delivered again and acknowledged {time.monotonic() - restarted_at:.1f} s after it")


def unacknowledged() -> int:
    from config.celery import app

    with app.connection_for_write() as conn:
        return conn.default_channel.client.hlen(conn.default_channel.unacked_key)
