"""The facts the operations insight rules read, for many clouds in a fixed number of queries
(the metric reads of operations.queries, and each cloud's last reported day)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max

from operations import queries
from operations.insight_rules import OperationsFacts
from operations.models import MetricValue


def operations_facts(cloud_ids: list[int], today: dt.date) -> dict[int, OperationsFacts]:
    metrics = queries.metric_rows()
    if not metrics:
        return {}
    days = max(settings.OPERATIONS_CSAT_DAYS, 14)
    values = queries.values_of(cloud_ids, metrics, today - dt.timedelta(days=days - 1), today)
    targets = queries.targets_of(cloud_ids, metrics)
    last = dict(MetricValue.objects.filter(cloud_id__in=cloud_ids, day__lte=today).values("cloud_id")
                .annotate(last=Max("day")).values_list("cloud_id", "last"))
    plain = tuple(metric.health_metric for metric in metrics)
    return {cloud_id: OperationsFacts(values[cloud_id], targets[cloud_id], plain, last.get(cloud_id),
                                      settings.OPERATIONS_WATCH_TOLERANCE, settings.OPERATIONS_BREACH_DAYS,
                                      settings.OPERATIONS_BACKLOG_RISE, settings.OPERATIONS_CSAT_DROP,
                                      settings.OPERATIONS_CSAT_DAYS, settings.OPERATIONS_SILENT_DAYS)
            for cloud_id in cloud_ids}
