"""Taking in daily metric values: the bulk API, the CSV upload page and `manage.py import_metrics`
all validate here, strictly, and upsert on (cloud, metric, day), all or nothing.

A value is refused, never clipped or rounded: outside the metric's range (an SLA of 130 %), a
fraction for a count, more than three decimals, a day in the future. Rows equal to what is stored
write nothing, so sending the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from operations.access import reporting_clouds
from operations.models import VALUE_DIGITS, VALUE_PLACES, MetricDefinition, MetricValue
from readiness import events
from readiness.snapshots.freshness import mark_stale

ROW_FIELDS = {"cloud", "metric", "day", "value"}
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CODE = re.compile(r"[a-z][a-z0-9_]*")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DECIMAL_TEXT = re.compile(r"[0-9]{1,11}(\.[0-9]{1,3})?")
UNKNOWN_CLOUD = "Unknown cloud, or not one you report for."


@dataclass(frozen=True)
class RowError:
    index: int
    fields: dict[str, list[str]]


class IngestRefused(Exception):
    """Every failing row; nothing was written."""

    def __init__(self, errors: list[RowError], detail: str | None = None) -> None:
        self.errors = errors
        self.detail = detail or f"{len(errors)} row(s) failed; nothing was saved."
        super().__init__(self.detail)


@dataclass
class IngestResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cloud_ids: list[int] = field(default_factory=list)


MAX_FILE_ROWS = 200_000


def upsert_values(rows: Sequence[Mapping[str, Any]], *, actor: Any, today: dt.date | None = None,
                  max_rows: int | None = None) -> IngestResult:
    """Validate every row, then write them all or none. Rows: {"cloud": slug, "metric": code,
    "day": "YYYY-MM-DD", "value": number}; values as JSON numbers, or as text in the same exact form.
    At most OPERATIONS_MAX_BULK_ROWS rows (the API's batch), or `max_rows` (files)."""
    today = today or timezone.localdate()
    limit = max_rows or settings.OPERATIONS_MAX_BULK_ROWS
    if not rows:
        raise IngestRefused([], "Send at least one row.")
    if len(rows) > limit:
        raise IngestRefused([], f"At most {limit} rows at once; got {len(rows)}.")
    clouds = dict(reporting_clouds(actor).values_list("slug", "pk"))
    if not clouds:
        raise IngestRefused([], "You report metrics for no cloud.")
    metrics = {metric.code: metric for metric in MetricDefinition.objects.all()}
    errors: list[RowError] = []
    parsed: dict[tuple[int, int, dt.date], tuple[int, Decimal]] = {}
    for index, row in enumerate(rows):
        problems, key, value = _check(row, clouds, metrics, today)
        if key is not None and key in parsed:
            problems.setdefault("day", []).append("The same cloud, metric and day appear earlier in this upload.")
        if problems:
            errors.append(RowError(index, problems))
        else:
            parsed[key] = (index, value)
    if errors:
        raise IngestRefused(errors)
    return _write(parsed, actor)


def _check(row: Any, clouds: dict[str, int], metrics: dict[str, MetricDefinition],
           today: dt.date) -> tuple[dict[str, list[str]], tuple | None, Decimal | None]:
    if not isinstance(row, Mapping):
        return {"non_field_errors": ["Expected an object with cloud, metric, day and value."]}, None, None
    problems: dict[str, list[str]] = {}
    for name in sorted(set(row) - ROW_FIELDS):
        problems[name] = ["Unknown field."]
    for name in sorted(ROW_FIELDS - set(row)):
        problems[name] = ["Required."]
    cloud_id = metric = day = value = None
    slug = row.get("cloud")
    if "cloud" in row:
        if isinstance(slug, str) and SLUG.fullmatch(slug) and slug in clouds:
            cloud_id = clouds[slug]
        else:
            problems["cloud"] = [UNKNOWN_CLOUD]
    code = row.get("metric")
    if "metric" in row:
        if isinstance(code, str) and CODE.fullmatch(code) and code in metrics:
            metric = metrics[code]
        else:
            problems["metric"] = ["Unknown metric; the catalogue lists them (GET /api/v1/metrics/definitions/)."]
    raw_day = row.get("day")
    if "day" in row:
        day = _day(raw_day)
        if day is None:
            problems["day"] = ["Use a date written YYYY-MM-DD."]
        elif day > today:
            problems["day"] = [f"{day.isoformat()} is in the future."]
            day = None
    if "value" in row:
        value, problem = _value(row.get("value"), metric)
        if problem:
            problems["value"] = [problem]
    if problems:
        return problems, None, None
    return {}, (cloud_id, metric.pk, day), value


def _day(raw: Any) -> dt.date | None:
    if not isinstance(raw, str) or not ISO_DATE.fullmatch(raw):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def _value(raw: Any, metric: MetricDefinition | None) -> tuple[Decimal | None, str | None]:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
        return None, "Give a number."  # a float here did not come from the API's parser: refuse, never round
    text = raw if isinstance(raw, str) else str(raw)  # the digits as sent (the API parses fractions as Decimal)
    if text.startswith("-") and DECIMAL_TEXT.fullmatch(text[1:]):
        return None, f"{text} is below {metric.name if metric else 'the metric'}'s range (no negative values)."
    if not DECIMAL_TEXT.fullmatch(text):
        return None, (f"{text!r} is not a plain number with at most {VALUE_PLACES} decimals and "
                      f"{VALUE_DIGITS - VALUE_PLACES} digits before the point.")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "Give a number."
    if metric is None:
        return value, None
    if metric.whole and value != value.to_integral_value():
        return None, f"{metric.name} is counted in whole numbers; {text} is not one."
    if value < metric.minimum or (metric.maximum is not None and value > metric.maximum):
        upper = f" to {metric.maximum.normalize():f}" if metric.maximum is not None else " or more"
        return None, f"{text} is outside {metric.name}'s range ({metric.minimum.normalize():f}{upper} {metric.unit})."
    return value, None


def _write(parsed: dict[tuple[int, int, dt.date], tuple[int, Decimal]], actor: Any) -> IngestResult:
    result = IngestResult()
    reporter = getattr(actor, "audit_name", "") or actor.get_username()
    cloud_ids = sorted({cloud_id for cloud_id, _, _ in parsed})
    days = [day for _, _, day in parsed]
    with transaction.atomic():
        stored = {(cloud_id, metric_id, day): value for cloud_id, metric_id, day, value in MetricValue.objects.filter(
            cloud_id__in=cloud_ids, metric_id__in={metric_id for _, metric_id, _ in parsed},
            day__gte=min(days), day__lte=max(days)).values_list("cloud_id", "metric_id", "day", "value")}
        now = timezone.now()
        changed = []
        for (cloud_id, metric_id, day), (_, value) in parsed.items():
            before = stored.get((cloud_id, metric_id, day))
            if before is not None and before == value:
                result.unchanged += 1
                continue
            if before is None:
                result.created += 1
            else:
                result.updated += 1
            changed.append(MetricValue(cloud_id=cloud_id, metric_id=metric_id, day=day, value=value,
                                       reported_by=reporter, updated_at=now))
        if changed:
            changed.sort(key=lambda row: (row.cloud_id, row.metric_id, row.day))  # one lock order for all writers
            MetricValue.objects.bulk_create(changed, update_conflicts=True,
                                            unique_fields=["cloud", "metric", "day"],
                                            update_fields=["value", "reported_by", "updated_at"], batch_size=1000)
            result.cloud_ids = sorted({row.cloud_id for row in changed})
            codes = dict(MetricDefinition.objects.filter(pk__in={row.metric_id for row in changed})
                         .values_list("pk", "code"))
            spans: dict[tuple[int, int], list[dt.date]] = {}
            for row in changed:
                spans.setdefault((row.cloud_id, row.metric_id), []).append(row.day)
            # One event per cloud and metric: the days that changed lie between `first` and `last`.
            events.record([events.Change(events.METRICS_CHANGED, "metric", codes[metric_id], cloud_id,
                                         {"metric": codes[metric_id], "first": min(days).isoformat(),
                                          "last": max(days).isoformat(), "days": len(days)})
                           for (cloud_id, metric_id), days in sorted(spans.items())], actor=actor, now=now)
            mark_stale(result.cloud_ids)  # findings follow (operations rules run with each refresh)
    return result
