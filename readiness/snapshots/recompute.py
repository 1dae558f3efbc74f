"""Writing score snapshots: today's, or a rebuilt history.

Each call reads the sums with one grouped query, scores them with
readiness.scoring, and upserts the snapshot rows in one transaction; the
number of queries does not depend on the number of items or clouds. Only
readiness.snapshots.refresh calls `recompute_scores`, since a cloud is fresh
only once its findings follow its scores; `rebuild_history` (demo, `--since`)
is followed by a refresh as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clouds.models import Cloud
from clouds.stages import LAUNCHED, PRE_LAUNCH
from readiness import scoring
from readiness.choices import SnapshotScope
from readiness.models import ScoreSnapshot
from readiness.scoring import CloudScore, Forecast, Thresholds
from readiness.snapshots.sums import item_facts, pillar_totals
from readiness.snapshots.thresholds import current_thresholds

_SNAPSHOT_FIELDS = [
    "score", "level", "reason", "counted_count", "done_count", "open_count", "overdue_count", "blocked_count",
    "open_gating_count", "done_weight", "counted_weight", "waived_count", "waived_weight", "computed_at",
    "forecast_status", "forecast_reason",
    "projected_date", "days_late",
]


@dataclass(frozen=True)
class CloudFacts:
    id: int
    stage: str
    day1: dt.date | None


def recompute_scores(cloud_ids: Iterable[int] | None = None, *, today: dt.date | None = None,
                     thresholds: Thresholds | None = None) -> list[int]:
    """Write today's snapshots for the given clouds (every cloud when None); returns their ids.

    Leaves the stale marks alone: readiness.snapshots.refresh clears them once the
    findings are refreshed too.
    """
    today = today or timezone.localdate()
    thresholds = thresholds or current_thresholds()
    with transaction.atomic():
        clouds = _cloud_facts(cloud_ids)
        ids = [cloud.id for cloud in clouds]
        if not ids:
            return []
        totals = pillar_totals(ids, today)
        history = _overall_history(ids, today - dt.timedelta(days=thresholds.forecast_window_days - 1), today)
        now = timezone.now()
        rows = []
        for cloud in clouds:
            score = scoring.score_cloud(totals[cloud.id], stage=cloud.stage, day1=cloud.day1, today=today,
                                        thresholds=thresholds)
            cloud_history = {**history.get(cloud.id, {}), today: score.overall}
            forecast = scoring.forecast_day1(cloud_history, today=today, day1=cloud.day1, stage=cloud.stage,
                                             thresholds=thresholds)
            rows.extend(_snapshot_rows(cloud.id, score, forecast, now))
        _upsert(rows)
    return ids


def rebuild_history(cloud_ids: Iterable[int] | None = None, *, days: int, today: dt.date | None = None,
                    thresholds: Thresholds | None = None,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the last `days` days of snapshots (today included) from item dates.

    An item counts as done from its completion day, blocked from its last status
    change; the same scoring functions as today's recompute decide the rest.
    Returns the number of snapshot rows written.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    today = today or timezone.localdate()
    thresholds = thresholds or current_thresholds()
    first_day = today - dt.timedelta(days=days - 1)
    written = 0
    clouds = _cloud_facts(cloud_ids)
    for index, cloud in enumerate(clouds, start=1):
        with transaction.atomic():
            facts = item_facts([cloud.id])[cloud.id]
            history = _overall_history([cloud.id], first_day - dt.timedelta(days=thresholds.forecast_window_days),
                                       first_day - dt.timedelta(days=1)).get(cloud.id, {})
            now = timezone.now()
            rows = []
            for offset in range(days):
                day = first_day + dt.timedelta(days=offset)
                as_of = [scoring.item_as_of(item, day) for item in facts]
                score = scoring.score_cloud(scoring.totals_by_pillar(as_of, day), stage=_stage_on(cloud, day),
                                            day1=cloud.day1, today=day, thresholds=thresholds)
                history[day] = score.overall
                forecast = scoring.forecast_day1(history, today=day, day1=cloud.day1,
                                                 stage=_stage_on(cloud, day), thresholds=thresholds)
                rows.extend(_snapshot_rows(cloud.id, score, forecast, now))
            _upsert(rows)
            written += len(rows)
        if progress is not None:
            progress(index, len(clouds))
    return written


# -- helpers -------------------------------------------------------------------

def _cloud_facts(cloud_ids: Iterable[int] | None) -> list[CloudFacts]:
    clouds = Cloud.objects.order_by("pk")
    if cloud_ids is not None:
        clouds = clouds.filter(pk__in=list(cloud_ids))
    return [CloudFacts(pk, stage, day1) for pk, stage, day1 in clouds.values_list("pk", "stage", "day1_date")]


def _stage_on(cloud: CloudFacts, day: dt.date) -> str:
    """A launched cloud counts as pre-launch on the days before its Day 1 (for rebuilt history)."""
    if cloud.stage == LAUNCHED and cloud.day1 is not None and day < cloud.day1:
        return PRE_LAUNCH
    return cloud.stage


def _overall_history(ids: list[int], first: dt.date, last: dt.date) -> dict[int, dict[dt.date, Decimal | None]]:
    history: dict[int, dict[dt.date, Decimal | None]] = {}
    rows = ScoreSnapshot.objects.filter(cloud_id__in=ids, scope=SnapshotScope.OVERALL, day__gte=first,
                                        day__lte=last).values_list("cloud_id", "day", "score")
    for cloud_id, day, score in rows:
        history.setdefault(cloud_id, {})[day] = score
    return history


def _snapshot_rows(cloud_id: int, score: CloudScore, forecast: Forecast, now) -> list[ScoreSnapshot]:
    rows = [
        _snapshot(cloud_id, pillar, score.day, score.pillars[pillar], score.pillar_totals[pillar], now)
        for pillar in scoring.PILLARS
    ]
    overall = _snapshot(cloud_id, SnapshotScope.OVERALL, score.day, score.overall, score.overall_totals, now)
    overall.level = score.level.level
    overall.reason = score.level.reason
    overall.forecast_status = forecast.status
    overall.forecast_reason = forecast.reason
    overall.projected_date = forecast.projected_date
    overall.days_late = forecast.days_late
    rows.append(overall)
    return rows


def _snapshot(cloud_id, scope, day, value, totals: scoring.Totals, now) -> ScoreSnapshot:
    return ScoreSnapshot(
        cloud_id=cloud_id, scope=scope, day=day, score=value, level="", reason="", computed_at=now,
        counted_count=totals.counted, done_count=totals.done, open_count=totals.open,
        overdue_count=totals.overdue, blocked_count=totals.blocked, open_gating_count=totals.open_gating,
        done_weight=totals.done_weight, counted_weight=totals.counted_weight, waived_count=totals.waived,
        waived_weight=totals.waived_weight,
    )


def _upsert(rows: list[ScoreSnapshot]) -> None:
    # Sorted so that concurrent recomputes lock rows in the same order.
    rows.sort(key=lambda row: (row.cloud_id, row.day, row.scope))
    ScoreSnapshot.objects.bulk_create(rows, update_conflicts=True, unique_fields=["cloud", "scope", "day"],
                                      update_fields=_SNAPSHOT_FIELDS, batch_size=1000)
