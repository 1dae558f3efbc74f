"""Operations health: plain functions over plain values, with `today` passed in (no Django).

Definitions (README "Operations health"):
- A metric's **daily state** compares its value with the cloud's target: *met* when at least
  as good as the target, *watch* when worse but within the tolerance (a share of the target,
  OPERATIONS_WATCH_TOLERANCE), *breached* beyond it. For a metric where lower is better and
  the target is zero (data-residency exceptions), any value above zero is breached.
- A cloud's **health** over the 7 days ending today is *critical* when any data-residency
  exception was recorded, or a key metric was breached on 3 (OPERATIONS_BREACH_DAYS) or more of those days; *watch*
  when a key metric was breached or in watch on any day; *healthy* otherwise; *no data* when
  the cloud reported no key metric value in those days, never healthy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = (HIGHER, LOWER)

MET = "met"
WATCH = "watch"
BREACHED = "breached"

HEALTHY = "healthy"
CRITICAL = "critical"
NO_DATA = "no_data"

RESIDENCY_METRIC = "data_residency_exceptions"
WINDOW_DAYS = 7
CRITICAL_BREACH_DAYS = 3


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    direction: str
    key: bool


@dataclass(frozen=True)
class Health:
    state: str
    reason: str
    first_day: dt.date
    last_day: dt.date


def metric_state(value: Decimal, target: Decimal, direction: str, tolerance: Decimal) -> str:
    """met, watch or breached (see the module docstring)."""
    if direction == HIGHER:
        if value >= target:
            return MET
        return WATCH if value >= target - abs(target) * tolerance else BREACHED
    if direction == LOWER:
        if value <= target:
            return MET
        return WATCH if value <= target + abs(target) * tolerance else BREACHED
    raise ValueError(f"Unknown direction {direction!r}.")


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def cloud_health(values: Mapping[tuple[str, dt.date], Decimal], targets: Mapping[str, Decimal],
                 metrics: Sequence[Metric], today: dt.date, tolerance: Decimal,
                 breach_days: int = CRITICAL_BREACH_DAYS) -> Health:
    """The cloud's health over the WINDOW_DAYS days ending today, with a reason naming the metric and days.

    `values` maps (metric code, day) to the value reported; days outside the window are ignored.
    """
    first = today - dt.timedelta(days=WINDOW_DAYS - 1)
    window = [first + dt.timedelta(days=n) for n in range(WINDOW_DAYS)]
    residency = [day for day in window if values.get((RESIDENCY_METRIC, day), Decimal(0)) > 0]
    if residency:
        total = sum(values[(RESIDENCY_METRIC, day)] for day in residency).normalize()
        return Health(CRITICAL, f"{total:f} data-residency exception{'s' if total != 1 else ''} recorded "
                                f"({', '.join(_date(day) for day in residency)}).", first, today)
    key = [metric for metric in metrics if metric.key and metric.code in targets]
    breached: dict[str, list[dt.date]] = {}
    watched: dict[str, list[dt.date]] = {}
    seen = False
    for metric in key:
        for day in window:
            value = values.get((metric.code, day))
            if value is None:
                continue
            seen = True
            state = metric_state(value, targets[metric.code], metric.direction, tolerance)
            if state == BREACHED:
                breached.setdefault(metric.code, []).append(day)
            elif state == WATCH:
                watched.setdefault(metric.code, []).append(day)
    names = {metric.code: metric.name for metric in metrics}
    worst = sorted(breached.items(), key=lambda pair: (-len(pair[1]), pair[0]))
    if worst and len(worst[0][1]) >= breach_days:
        code, days = worst[0]
        return Health(CRITICAL, f"{names[code]} breached its target on {_days(len(days))} of the last "
                                f"{WINDOW_DAYS} (latest {_date(days[-1])}).", first, today)
    if worst:
        code, days = worst[0]
        return Health(WATCH, f"{names[code]} breached its target on {_days(len(days))} of the last {WINDOW_DAYS} "
                             f"(latest {_date(days[-1])}).", first, today)
    if watched:
        code, days = sorted(watched.items(), key=lambda pair: (-len(pair[1]), pair[0]))[0]
        return Health(WATCH, f"{names[code]} within the tolerance of its target but short of it on "
                             f"{_days(len(days))} of the last {WINDOW_DAYS}.", first, today)
    if not seen:
        return Health(NO_DATA, f"No key metric reported in the last {WINDOW_DAYS} days.", first, today)
    return Health(HEALTHY, f"Every key metric met its target in the last {WINDOW_DAYS} days.", first, today)
