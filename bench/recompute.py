"""Score recompute at portfolio scale: 50 clouds x 2,000 items on PostgreSQL.

(a) the full sweep in-process, snapshot writes included (median of 5);
(b) one cloud's recompute after one edit (median of 20);
(c) the floor: one raw SQL GROUP BY giving the same per-pillar weight sums (median of 5),
    checked to agree with (a);
(d) queries per one-cloud recompute at 200 and at 2,000 items;
(e) edit-to-fresh-score latency through a real Celery worker this bench starts and stops
    (edit through update_item, poll the snapshot), median of 20. Needs Redis (REDIS_URL,
    default redis://127.0.0.1:6379/0).
Targets: (a)/(c) <= 3, (b) < 50 ms, (e) < 1 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import Case, run_bench

CLOUDS, ITEMS, SMALL_ITEMS = 50, 2000, 200
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
FLOOR_SQL = """
    SELECT c.cloud_id, r.pillar,
           SUM(r.weight) FILTER (WHERE i.status <> 'not_applicable') AS counted_weight,
           SUM(r.weight) FILTER (WHERE i.status = 'done') AS done_weight
    FROM readiness_checklistitem i
    JOIN readiness_checklist c ON c.id = i.checklist_id AND c.is_active
    JOIN readiness_requirement r ON r.id = i.requirement_id
    GROUP BY c.cloud_id, r.pillar
"""


def make_framework(slug: str, count: int):
    from readiness.framework_file import FrameworkSpec, RequirementSpec, load_framework

    pillars = ("people", "process", "technology")
    prefixes = {"people": "PPL", "process": "PRC", "technology": "TEC"}
    requirements = []
    for n in range(count):
        pillar = pillars[n % 3]
        requirements.append(RequirementSpec(
            code=f"{prefixes[pillar]}-{n // 3 + 1:03d}", title=f"Requirement {n}", pillar=pillar,
            area=f"area-{n % 10}", weight=1 + n % 5, gating=n % 40 == 0, guidance="Bench requirement."))
    spec = FrameworkSpec(slug=slug, name=slug, version=1, description="", requirements=tuple(requirements),
                         sha256=f"bench-{slug}")
    return load_framework(spec).framework


def spread_statuses() -> None:
    """A realistic, deterministic spread of statuses and dates over every item."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE readiness_checklistitem SET
              status = CASE WHEN id % 10 < 6 THEN 'done' WHEN id % 10 = 6 THEN 'blocked'
                            WHEN id % 10 = 7 THEN 'in_progress' WHEN id % 10 = 8 THEN 'not_started'
                            ELSE 'not_applicable' END,
              na_justification = CASE WHEN id % 10 = 9 THEN 'Bench: not applicable' ELSE '' END,
              completed_at = CASE WHEN id % 10 < 6 THEN now() - (id % 90) * interval '1 day' END,
              due_date = current_date + ((id % 61) - 30)::int
        """)
        # 27 earlier days of snapshots, as a running portal has, so the forecast reads real history.
        cursor.execute("""
            INSERT INTO readiness_scoresnapshot (cloud_id, scope, day, score, level, reason, counted_count,
                done_count, open_count, overdue_count, blocked_count, open_gating_count, done_weight,
                counted_weight, waived_count, waived_weight, computed_at, forecast_status, forecast_reason)
            SELECT c.id, s.scope, current_date - d, 40 + (27 - d), CASE WHEN s.scope = 'overall'
                   THEN 'not_ready' ELSE '' END, '', 100, 50, 50, 5, 5, 2, 150, 300, 0, 0, now(), '', ''
            FROM clouds_cloud c, generate_series(1, 27) AS d,
                 (VALUES ('people'), ('process'), ('technology'), ('overall')) AS s(scope)
        """)
        # Fresh planner statistics, as autovacuum would have them in a running portal.
        cursor.execute("ANALYZE")


def setup() -> dict:
    from clouds.models import Cloud
    from readiness.services import start_checklist

    big = make_framework("bench-big", ITEMS)
    small = make_framework("bench-small", SMALL_ITEMS)
    clouds = []
    for n in range(CLOUDS):
        cloud = Cloud.objects.create(slug=f"cloud-{n:02d}", name=f"Cloud {n:02d}", country_code="FR",
                                     stage="pre_launch")
        start_checklist(cloud=cloud, framework=big, actor=None)
        clouds.append(cloud)
    small_cloud = Cloud.objects.create(slug="small-cloud", name="Small", country_code="FR", stage="pre_launch")
    start_checklist(cloud=small_cloud, framework=small, actor=None)
    spread_statuses()
    from readiness.snapshots.recompute import recompute_scores

    recompute_scores(None)  # first snapshots exist, as in steady state
    return {"clouds": clouds, "small_cloud": small_cloud, "edits": 0}


def edit_one_item(context: dict, cloud) -> None:
    from readiness.choices import ChangeSource, ItemStatus
    from readiness.models import ChecklistItem
    from readiness.services import update_item

    context["edits"] += 1
    item = ChecklistItem.objects.filter(checklist__cloud=cloud, checklist__is_active=True,
                                        status=ItemStatus.IN_PROGRESS).order_by("id").first()
    target = ItemStatus.DONE if context["edits"] % 2 else ItemStatus.BLOCKED
    update_item(item=item, changes={"status": target}, actor=None, source=ChangeSource.JOB,
                expected_version=item.version)
    if target == ItemStatus.BLOCKED:  # keep an in-progress item around for the next edit
        update_item(item=item, changes={"status": ItemStatus.IN_PROGRESS}, actor=None, source=ChangeSource.JOB,
                    expected_version=item.version + 1)


def cases(context: dict) -> list[Case]:
    from django.db import connection

    from readiness.snapshots.recompute import recompute_scores

    one = context["clouds"][0]

    def full_sweep():
        recompute_scores(None)

    def one_cloud_after_edit():
        recompute_scores([one.pk])

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            context["floor_rows"] = cursor.fetchall()

    one_cloud = Case("(b) one cloud after one edit", one_cloud_after_edit, warmup=3, repeat=20)
    # The edit happens before each timed run, outside the timing.
    original = one_cloud.run

    def edit_then_time():
        edit_one_item(context, one)
        started = time.perf_counter()
        original()
        context.setdefault("one_cloud_ms", []).append((time.perf_counter() - started) * 1000)

    return [
        Case(f"(a) full sweep, {CLOUDS} clouds x {ITEMS} items", full_sweep, warmup=1, repeat=5),
        Case("(c) floor: raw GROUP BY of weight sums", floor, warmup=1, repeat=5),
        Case("(b) one cloud: edit + recompute (see below)", edit_then_time, warmup=3, repeat=20),
    ]


def check_sums_agree(context: dict) -> int:
    """Run the full sweep and the floor on the same data and compare their per-pillar sums."""
    from django.db import connection

    from readiness.models import ScoreSnapshot
    from readiness.snapshots.recompute import recompute_scores

    recompute_scores(None)
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        context["floor_rows"] = cursor.fetchall()

    snapshot_sums = {
        (cloud_id, scope): (counted, done)
        for cloud_id, scope, counted, done in ScoreSnapshot.objects.exclude(scope="overall")
        .filter(day=ScoreSnapshot.objects.latest("day").day)
        .values_list("cloud_id", "scope", "counted_weight", "done_weight")
    }
    floor_sums = {(cloud_id, pillar): (counted or 0, done or 0) for cloud_id, pillar, counted, done
                  in context["floor_rows"]}
    assert floor_sums == snapshot_sums, "the full sweep and the raw GROUP BY disagree on the sums"
    return len(floor_sums)


def queries_per_recompute(cloud) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from readiness.snapshots.recompute import recompute_scores

    with CaptureQueriesContext(connection) as captured:
        recompute_scores([cloud.pk])
    return len(captured)


def edit_to_fresh_ms(context: dict, runs: int = 20) -> list[float]:
    """Start a worker on the scratch database, edit, and poll until the snapshot is fresh."""
    from django.utils import timezone

    from config.celery import app
    from readiness.models import ScoreSnapshot

    queue = f"bench-{os.getpid()}"
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DATABASE_URL": context["database_url"], "CONN_MAX_AGE": "60"}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-worker-{os.getpid()}.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING", "-Q", queue,
         "--without-mingle", "--without-gossip", f"--logfile={log}", f"--hostname={queue}@%h"],
        cwd=Path(__file__).resolve().parents[1], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    app.conf.broker_url = REDIS_URL
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    app._pool = None
    app.amqp._producer_pool = None
    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(timeout=0.5, destination=[f"{queue}@{os.uname().nodename}"]):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bench worker did not start; see {log}")
        cloud = context["clouds"][1]
        timings = []
        for run in range(runs + 3):  # three warm-up edits
            started_at = timezone.now()
            started = time.perf_counter()
            edit_one_item(context, cloud)
            while not ScoreSnapshot.objects.filter(cloud=cloud, scope="overall", day=timezone.localdate(),
                                                   computed_at__gt=started_at).exists():
                if time.perf_counter() - started > 10:
                    raise RuntimeError("no fresh snapshot within 10 s")
                time.sleep(0.002)
            if run >= 3:
                timings.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)  # let the worker finish the second edit's recompute too
        return timings
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        app.conf.task_always_eager = True


def report(context: dict, results) -> dict:
    by_name = {result.name[:3]: result for result in results}
    full_s = by_name["(a)"].median_ms / 1000
    floor_s = by_name["(c)"].median_ms / 1000
    one_cloud_ms = statistics.median(context["one_cloud_ms"][-20:])
    groups = check_sums_agree(context)
    queries_large = queries_per_recompute(context["clouds"][0])
    queries_small = queries_per_recompute(context["small_cloud"])
    latencies = edit_to_fresh_ms(context)
    edit_ms = statistics.median(latencies)
    print(f"\n(b) one cloud's recompute after an edit, median of 20: {one_cloud_ms:.2f} ms (target < 50)")
    print(f"(a)/(c) full sweep over floor: {full_s / floor_s:.2f} (target <= 3); sums agree on {groups} groups")
    print(f"(d) queries per one-cloud recompute: {queries_small} at {SMALL_ITEMS} items, "
          f"{queries_large} at {ITEMS} items")
    print(f"(e) edit to fresh score through a real worker, median of 20: {edit_ms:.1f} ms "
          f"(min {min(latencies):.1f}, max {max(latencies):.1f}; target < 1000)")
    return {
        "items": CLOUDS * ITEMS, "clouds": CLOUDS, "full_s": round(full_s, 4), "floor_s": round(floor_s, 4),
        "full_over_floor": round(full_s / floor_s, 2), "one_cloud_ms": round(one_cloud_ms, 2),
        "queries_per_cloud": queries_large, "queries_per_cloud_small": queries_small,
        "edit_to_fresh_ms": round(edit_ms, 1),
    }


if __name__ == "__main__":
    run_bench("recompute", title=f"Score recompute, {CLOUDS} clouds x {ITEMS} items (DEBUG off, PostgreSQL)",
              setup=setup, cases=cases, extra=report)
