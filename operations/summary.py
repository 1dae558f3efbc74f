"""Each cloud's operations health over the last seven days, for the narratives and digests:
three queries whatever the number of clouds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from operations import queries
from operations.health import WINDOW_DAYS, Health, cloud_health


def health_of(cloud_ids: Iterable[int], today: dt.date) -> dict[int, Health]:
    ids = list(cloud_ids)
    metrics = queries.metric_rows(key_only=True)
    if not ids or not metrics:
        return {}
    targets = queries.targets_of(ids, metrics)
    values = queries.values_of(ids, metrics, today - dt.timedelta(days=WINDOW_DAYS - 1), today)
    plain = [metric.health_metric for metric in metrics]
    return {cloud_id: cloud_health(values[cloud_id], targets[cloud_id], plain, today,
                                   settings.OPERATIONS_WATCH_TOLERANCE, settings.OPERATIONS_BREACH_DAYS)
            for cloud_id in ids}
