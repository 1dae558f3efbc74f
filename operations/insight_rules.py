"""Insight rules about operations, registered into the readiness insights engine by OperationsConfig.

Pure: they read OperationsFacts from CloudFacts.extra["operations"] (operations.insight_facts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from clouds.stages import LAUNCHED
from operations.health import BREACHED, RESIDENCY_METRIC, WINDOW_DAYS, Metric, metric_state
from readiness.insights.registry import Rule
from readiness.insights.rules import CloudFacts, FindingSpec, InsightThresholds
from readiness.terms import HIGH, LOW, MEDIUM

FACTS = "operations"
BACKLOG = "backlog"
CSAT = "csat_average"


@dataclass(frozen=True)
class OperationsFacts:
    values: Mapping[tuple[str, dt.date], Decimal]  # (metric code, day) -> value, the last csat_days days
    targets: Mapping[str, Decimal]
    metrics: Sequence[Metric]
    last_reported: dt.date | None
    tolerance: Decimal
    breach_days: int
    backlog_rise: Decimal  # a share: 0.25 is 25 %
    csat_drop: Decimal
    csat_days: int
    silent_days: int


def _facts(cloud: CloudFacts) -> OperationsFacts | None:
    facts = cloud.extra.get(FACTS)
    return facts if isinstance(facts, OperationsFacts) else None


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _window(today: dt.date, days: int, *, ending: int = 0) -> list[dt.date]:
    last = today - dt.timedelta(days=ending)
    return [last - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]


def _mean(facts: OperationsFacts, code: str, days: list[dt.date]) -> Decimal | None:
    values = [facts.values[(code, day)] for day in days if (code, day) in facts.values]
    return sum(values, Decimal(0)) / len(values) if values else None


def residency_exception(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    days = [day for day in _window(today, WINDOW_DAYS) if facts and facts.values.get((RESIDENCY_METRIC, day), 0) > 0]
    if not days:
        return None
    total = sum(facts.values[(RESIDENCY_METRIC, day)] for day in days).normalize()
    return FindingSpec("residency_exception", HIGH, (),
                       f"{total:f} data-residency exception{'s' if total != 1 else ''} reported in the last "
                       f"{WINDOW_DAYS} days ({', '.join(_date(day) for day in days)}).",
                       "Find out what data left the country and why, report it as the regime requires, and close "
                       "the path it took.")


def key_metric_breached(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    if not facts:
        return None
    window = _window(today, WINDOW_DAYS)
    worst = []
    for metric in facts.metrics:
        if not metric.key or metric.code == RESIDENCY_METRIC or metric.code not in facts.targets:
            continue
        target = facts.targets[metric.code]
        breached = [day for day in window if (metric.code, day) in facts.values and metric_state(
            facts.values[(metric.code, day)], target, metric.direction, facts.tolerance) == BREACHED]
        if len(breached) >= facts.breach_days:
            worst.append((metric, breached))
    if not worst:
        return None
    detail = "; ".join(f"{metric.name} on {len(days)} days (latest {_date(days[-1])})" for metric, days in worst)
    return FindingSpec("key_metric_breached", HIGH, (),
                       f"Key metrics breached their targets on {facts.breach_days} or more of the last "
                       f"{WINDOW_DAYS} days: {detail}.",
                       "Review staffing and escalations with the partner; agree a recovery plan with dates.")


def backlog_rising(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    if not facts:
        return None
    this_week = _mean(facts, BACKLOG, _window(today, 7))
    last_week = _mean(facts, BACKLOG, _window(today, 7, ending=7))
    if this_week is None or not last_week or this_week < last_week * (1 + facts.backlog_rise):
        return None
    rise = (this_week / last_week - 1) * 100
    return FindingSpec("backlog_rising", MEDIUM, (),
                       f"The backlog rose {rise:.0f} % week on week (mean {last_week:.0f} to {this_week:.0f}).",
                       "Check incoming volume and closure rate; add support capacity before the SLA suffers.")


def csat_falling(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    if not facts:
        return None
    half = facts.csat_days // 2
    recent = _mean(facts, CSAT, _window(today, half))
    before = _mean(facts, CSAT, _window(today, facts.csat_days - half, ending=half))
    if recent is None or before is None or before - recent < facts.csat_drop:
        return None
    return FindingSpec("csat_falling", MEDIUM, (),
                       f"CSAT fell {before - recent:.2f} over {facts.csat_days} days (mean {before:.2f} to "
                       f"{recent:.2f}).",
                       "Read the low-scoring cases' comments with the partner and address the common cause.")


def silent(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    if cloud.stage != LAUNCHED or facts is None:
        return None
    quiet_since = today - dt.timedelta(days=facts.silent_days)
    if facts.last_reported is not None and facts.last_reported > quiet_since:
        return None
    when = f"since {_date(facts.last_reported)}" if facts.last_reported else "ever"
    return FindingSpec("operations_silent", LOW, (),
                       f"No support metrics reported {when} by this launched cloud.",
                       "Check the partner's metrics feed (POST /api/v1/metrics/bulk/) and its API key.")


OPERATIONS_RULES = (
    Rule("residency_exception", "Data-residency exception", HIGH, residency_exception),
    Rule("key_metric_breached", "Key support metric breached", HIGH, key_metric_breached),
    Rule("backlog_rising", "Backlog rising", MEDIUM, backlog_rising),
    Rule("csat_falling", "CSAT falling", MEDIUM, csat_falling),
    Rule("operations_silent", "No operations data", LOW, silent),
)
