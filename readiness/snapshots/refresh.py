"""The one refresh path: recompute the scores, then refresh the findings, then mark fresh.

Celery tasks, the sweep, `manage.py recompute_scores`, the demo loader and the
on-read fallback of pages all call `refresh_clouds`. The clouds' generations
are read before anything is computed and the stale marks cleared last, by
compare-and-swap: a change made meanwhile, or a crash between the two steps
(a worker killed after saving scores), leaves the cloud stale, and the next
sweep redoes both steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from clouds.models import Cloud
from readiness.insights.engine import refresh_findings
from readiness.models import JobHeartbeat
from readiness.snapshots import freshness
from readiness.snapshots.recompute import recompute_scores

SWEEP_HEARTBEAT = "score-sweep"


@dataclass(frozen=True)
class RefreshResult:
    cloud_ids: list[int]
    findings: dict[str, int] = field(default_factory=dict)  # opened, updated, resolved, unchanged


def refresh_clouds(cloud_ids: Iterable[int] | None, today: dt.date | None = None) -> RefreshResult:
    """Bring the clouds' snapshots and findings up to date (every cloud when None).

    Call it outside any transaction: each step takes its own, and the stale marks are held and
    cleared in statements of their own, so a refresh never holds a score-state row while it
    waits for a cloud row (lock order: cloud, then score state, as every writer takes them).
    """
    today = today or timezone.localdate()
    ids = (list(Cloud.objects.order_by("pk").values_list("pk", flat=True)) if cloud_ids is None
           else sorted(set(cloud_ids)))
    if not ids:
        return RefreshResult([])
    # Stale until both steps are done, even for clouds that were fresh (the daily refresh):
    # a crash in between leaves them for the sweep. The generation is not bumped, so the
    # compare-and-swap below still clears the mark.
    seen = freshness.hold_stale(ids)
    done = recompute_scores(ids, today=today)
    counts = refresh_findings(None if cloud_ids is None else done, today=today)
    refreshed = set(done)
    freshness.clear_stale(done, {cloud_id: g for cloud_id, g in seen.items() if cloud_id in refreshed})
    return RefreshResult(done, counts)


def sweep_stale(*, today: dt.date | None = None) -> RefreshResult:
    """Refresh every stale cloud (and any cloud never computed); record the heartbeat."""
    stale = freshness.stale_cloud_ids()
    result = refresh_clouds(stale, today=today) if stale else RefreshResult([])
    beat()
    return result


def refresh_all(*, today: dt.date | None = None) -> RefreshResult:
    """Refresh every cloud: levels, forecasts and findings change with the date alone."""
    result = refresh_clouds(None, today=today)
    beat()
    return result


def beat() -> None:
    JobHeartbeat.objects.update_or_create(name=SWEEP_HEARTBEAT, defaults={"finished_at": timezone.now()})
