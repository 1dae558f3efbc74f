"""The facts the operations insight rules read, for many clouds in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Max

from operations.health import Metric
from operations.insight_rules import OperationsFacts
from operations.models import MetricDefinition, MetricTarget, MetricValue


def operations_facts(cloud_ids: list[int], today: dt.date) -> dict[int, OperationsFacts]:
    days = max(settings.OPERATIONS_CSAT_DAYS, 14)
    metrics = list(MetricDefinition.objects.values_list("pk", "code", "name", "direction", "key", "default_target"))
    if not metrics:
        return {}
    codes = {pk: code for pk, code, *_ in metrics}
    defaults = {code: target for _, code, _, _, _, target in metrics if target is not None}
    plain = tuple(Metric(code, name, direction, key) for _, code, name, direction, key, _ in metrics)
    values: dict[int, dict[tuple[str, dt.date], Decimal]] = {cloud_id: {} for cloud_id in cloud_ids}
    for cloud_id, metric_id, day, value in MetricValue.objects.filter(
            cloud_id__in=cloud_ids, day__gt=today - dt.timedelta(days=days), day__lte=today).values_list(
            "cloud_id", "metric_id", "day", "value"):
        values[cloud_id][(codes[metric_id], day)] = value
    targets: dict[int, dict[str, Decimal]] = {cloud_id: dict(defaults) for cloud_id in cloud_ids}
    for cloud_id, metric_id, target in MetricTarget.objects.filter(cloud_id__in=cloud_ids).values_list(
            "cloud_id", "metric_id", "target"):
        targets[cloud_id][codes[metric_id]] = target
    last = dict(MetricValue.objects.filter(cloud_id__in=cloud_ids, day__lte=today).values("cloud_id")
                .annotate(last=Max("day")).values_list("cloud_id", "last"))
    return {cloud_id: OperationsFacts(values[cloud_id], targets[cloud_id], plain, last.get(cloud_id),
                                      settings.OPERATIONS_WATCH_TOLERANCE, settings.OPERATIONS_BREACH_DAYS,
                                      settings.OPERATIONS_BACKLOG_RISE, settings.OPERATIONS_CSAT_DROP,
                                      settings.OPERATIONS_CSAT_DAYS, settings.OPERATIONS_SILENT_DAYS)
            for cloud_id in cloud_ids}
