"""Read-only queries for the operations pages. They return plain rows (dataclasses, dicts of Decimals
keyed the way operations.health reads them); operations.charts and operations.views turn rows into
pictures and tables without touching the ORM.

Every function costs one query, whatever the number of clouds, metrics or days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from operations.health import Metric
from operations.models import MetricDefinition, MetricTarget, MetricValue
from readiness.choices import SnapshotScope
from readiness.models import ScoreSnapshot

# Values, keyed as operations.health.cloud_health reads them: (metric code, day) -> value.
Values = dict[tuple[str, dt.date], Decimal]


@dataclass(frozen=True)
class MetricRow:
    """A metric definition as the pages need it."""

    id: int
    code: str
    name: str
    unit: str
    unit_label: str
    direction: str
    key: bool
    whole: bool
    default_target: Decimal | None

    @property
    def health_metric(self) -> Metric:
        return Metric(self.code, self.name, self.direction, self.key)


def metric_rows(*, key_only: bool = False) -> list[MetricRow]:
    """Metric definitions in catalogue order (one query)."""
    definitions = MetricDefinition.objects.order_by("position", "code")
    if key_only:
        definitions = definitions.filter(key=True)
    labels = dict(MetricDefinition._meta.get_field("unit").choices)
    return [MetricRow(pk, code, name, unit, labels.get(unit, unit), direction, key, whole, target)
            for pk, code, name, unit, direction, key, whole, target in definitions.values_list(
                "pk", "code", "name", "unit", "direction", "key", "whole", "default_target")]


def targets_of(cloud_ids: Iterable[int], metrics: Sequence[MetricRow]) -> dict[int, dict[str, Decimal]]:
    """cloud id -> {metric code: target}: the cloud's own target, else the metric's default; metrics with
    neither are left out (shown, judged against nothing). One query."""
    cloud_ids = list(cloud_ids)
    defaults = {metric.code: metric.default_target for metric in metrics if metric.default_target is not None}
    result = {cloud_id: dict(defaults) for cloud_id in cloud_ids}
    codes = {metric.id: metric.code for metric in metrics}
    overrides = MetricTarget.objects.filter(cloud_id__in=cloud_ids, metric_id__in=list(codes))
    for cloud_id, metric_id, target in overrides.values_list("cloud_id", "metric_id", "target"):
        result[cloud_id][codes[metric_id]] = target
    return result


def values_of(cloud_ids: Iterable[int], metrics: Sequence[MetricRow], first: dt.date,
              last: dt.date) -> dict[int, Values]:
    """cloud id -> {(metric code, day): value} for the given metrics, first to last inclusive. One query."""
    cloud_ids = list(cloud_ids)
    codes = {metric.id: metric.code for metric in metrics}
    result: dict[int, Values] = {cloud_id: {} for cloud_id in cloud_ids}
    rows = (MetricValue.objects.filter(cloud_id__in=cloud_ids, metric_id__in=list(codes), day__gte=first,
                                       day__lte=last)
            .order_by().values_list("cloud_id", "metric_id", "day", "value"))
    for cloud_id, metric_id, day, value in rows:
        result[cloud_id][(codes[metric_id], day)] = value
    return result


def values_around(windows: dict[int, tuple[dt.date, dt.date]], metric: MetricRow) -> dict[int, dict[dt.date, Decimal]]:
    """One metric's values for each cloud within that cloud's own window (first, last), in one query."""
    result: dict[int, dict[dt.date, Decimal]] = {cloud_id: {} for cloud_id in windows}
    if not windows:
        return result
    rows = (MetricValue.objects.filter(metric_id=metric.id).filter(_windows(windows))
            .order_by().values_list("cloud_id", "day", "value"))
    for cloud_id, day, value in rows:
        result[cloud_id][day] = value
    return result


ScorePoint = tuple[dt.date, Decimal | None, str]  # day, overall score, level


def overall_scores_around(windows: dict[int, tuple[dt.date, dt.date]]) -> dict[int, list[ScorePoint]]:
    """Each cloud's overall score snapshots (day, score, level) within its own window, by day. One query."""
    result: dict[int, list[ScorePoint]] = {cloud_id: [] for cloud_id in windows}
    if not windows:
        return result
    rows = (ScoreSnapshot.objects.filter(scope=SnapshotScope.OVERALL).filter(_windows(windows))
            .order_by("cloud_id", "day").values_list("cloud_id", "day", "score", "level"))
    for cloud_id, day, score, level in rows:
        result[cloud_id].append((day, score, level))
    return result


def _windows(windows: dict[int, tuple[dt.date, dt.date]]) -> Q:
    """One condition per cloud, OR-ed: the query stays one query (its text grows with the clouds shown)."""
    condition = Q()
    for cloud_id, (first, last) in windows.items():
        condition |= Q(cloud_id=cloud_id, day__gte=first, day__lte=last)
    return condition
