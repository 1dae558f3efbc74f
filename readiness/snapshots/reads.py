"""Reading the latest score snapshots for pages, the API and dashboards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from readiness import scoring
from readiness.choices import SnapshotScope
from readiness.models import ScoreSnapshot
from readiness.scoring import REASON_TEXT
from readiness.snapshots.freshness import stale_among
from readiness.snapshots.refresh import refresh_clouds
from readiness.snapshots.sums import pillar_totals
from readiness.snapshots.thresholds import current_thresholds

LOOKBACK_DAYS = 7


@dataclass
class LatestScores:
    """A cloud's newest snapshot rows: `overall` and one per pillar (None if never computed)."""

    overall: ScoreSnapshot | None = None
    pillars: dict[str, ScoreSnapshot] = field(default_factory=dict)

    @property
    def reason_text(self) -> str:
        return REASON_TEXT.get(self.overall.reason, "") if self.overall else ""


def latest_scores(cloud_ids: Iterable[int], today: dt.date) -> dict[int, LatestScores]:
    """cloud id -> its most recent snapshots (from the last week), in one or two queries.

    In in-process mode (no broker, no beat) a cloud without today's snapshot, or left
    stale, is refreshed on read, so the embedded portal never shows yesterday's level.
    """
    cloud_ids = list(cloud_ids)
    result = _read(cloud_ids, today)
    if not settings.REDIS_URL:
        missing = [cid for cid, scores in result.items() if scores.overall is None or scores.overall.day != today]
        # A cloud left stale by a refresh that failed half-way is retried too: with no beat, nothing else would.
        missing += [cid for cid in stale_among(cloud_ids) if cid not in set(missing)]
        if missing:
            refresh_clouds(missing, today=today)
            result.update(_read(missing, today))
    return result


def _read(cloud_ids: list[int], today: dt.date) -> dict[int, LatestScores]:
    result = {cloud_id: LatestScores() for cloud_id in cloud_ids}
    rows = ScoreSnapshot.objects.filter(
        cloud_id__in=cloud_ids, day__gte=today - dt.timedelta(days=LOOKBACK_DAYS), day__lte=today
    ).order_by("cloud_id", "-day")
    newest_day: dict[int, dt.date] = {}
    for row in rows:
        day = newest_day.setdefault(row.cloud_id, row.day)
        if row.day != day:
            continue
        if row.scope == SnapshotScope.OVERALL:
            result[row.cloud_id].overall = row
        else:
            result[row.cloud_id].pillars[row.scope] = row
    return result


def live_score(cloud, today: dt.date) -> scoring.CloudScore:
    """The cloud's score computed now from its items (one query), for pages that show an edit's effect."""
    totals = pillar_totals([cloud.pk], today)[cloud.pk]
    return scoring.score_cloud(totals, stage=cloud.stage, day1=cloud.day1_date, today=today,
                               thresholds=current_thresholds())
