"""The one definition of readiness scores, levels and the Day-1 forecast.

Plain functions over plain values (no ORM), with "today" always passed in, so
that jobs, pages, the API, history rebuilds and tests compute exactly the same
thing. README "Readiness scores" states the rules.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from clouds.stages import PRE_LAUNCH_STAGES
from readiness.terms import BLOCKED, DONE, IN_PROGRESS, NOT_APPLICABLE, OPEN_STATUSES, PILLARS

READY, AT_RISK, NOT_READY = "ready", "at_risk", "not_ready"

# Reason codes, one per step of the level rule.
REASON_NO_DATA = "no_data"
REASON_GATING_NEAR_DAY1 = "gating_near_day1"
REASON_READY = "ready"
REASON_GATING_OPEN = "gating_open"  # at risk: score high enough, but a gating item is open
REASON_BELOW_READY_SCORE = "below_ready_score"  # at risk: score between the two thresholds
REASON_LOW_SCORE = "low_score"
REASON_GATING_OVERDUE = "gating_overdue"

REASON_TEXT = {
    REASON_NO_DATA: "No counted items yet",
    REASON_GATING_NEAR_DAY1: "Gating items open close to Day 1",
    REASON_READY: "Score at target, gating items closed",
    REASON_GATING_OPEN: "Score at target, but gating items open",
    REASON_BELOW_READY_SCORE: "Score below the ready threshold",
    REASON_LOW_SCORE: "Score below the at-risk threshold",
    REASON_GATING_OVERDUE: "Gating items overdue",
}

_TENTH = Decimal("0.1")
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Thresholds:
    """Tunable numbers of the level rule and the forecast (settings READINESS_*)."""

    ready_score: Decimal = Decimal(90)
    at_risk_score: Decimal = Decimal(70)
    gating_days_before_day1: int = 14
    forecast_window_days: int = 28
    forecast_min_points: int = 10
    forecast_min_slope: Decimal = Decimal("0.1")


DEFAULT_THRESHOLDS = Thresholds()


# -- items ---------------------------------------------------------------------

def is_counted(status: str) -> bool:
    return status != NOT_APPLICABLE


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_overdue(status: str, due_date: dt.date | None, today: dt.date) -> bool:
    return is_open(status) and due_date is not None and due_date < today


def is_waived_on(item: ItemFacts, day: dt.date) -> bool:
    """An open item under a waiver approved on or before `day` that expires on or after it.

    Its effective status is "waived": not counted (like not applicable) and not open,
    so neither overdue nor an open gating item. A done item is done, waiver or not.
    """
    return (is_open(item.status) and item.waived_from is not None and item.waived_until is not None
            and item.waived_from <= day <= item.waived_until)


@dataclass(frozen=True)
class ItemFacts:
    """What scoring needs to know of one checklist item (or `count` identical ones)."""

    pillar: str
    weight: int
    gating: bool
    status: str
    due_date: dt.date | None = None
    completed_on: dt.date | None = None
    status_changed_on: dt.date | None = None
    count: int = 1
    # An approved waiver's span (approval day to expiry day, both included); see is_waived_on.
    waived_from: dt.date | None = None
    waived_until: dt.date | None = None


@dataclass(frozen=True)
class Totals:
    """The sums behind a pillar's (or the whole cloud's) score."""

    counted_weight: int = 0
    done_weight: int = 0
    counted: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0
    blocked: int = 0
    open_gating: int = 0
    overdue_gating: int = 0
    waived: int = 0  # open items under a waiver in force: left out of every count above
    waived_weight: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(a + b for a, b in zip(_astuple(self), _astuple(other), strict=True)))


def _astuple(totals: Totals) -> tuple[int, ...]:
    return (totals.counted_weight, totals.done_weight, totals.counted, totals.done, totals.open,
            totals.overdue, totals.blocked, totals.open_gating, totals.overdue_gating, totals.waived,
            totals.waived_weight)


def totals_by_pillar(items: Iterable[ItemFacts], today: dt.date) -> dict[str, Totals]:
    """Per-pillar totals of items as they stand today (every pillar present)."""
    sums = {pillar: [0] * 11 for pillar in PILLARS}
    for item in items:
        if not is_counted(item.status):
            continue
        row, n, w = sums[item.pillar], item.count, item.weight * item.count
        if is_waived_on(item, today):
            row[9] += n
            row[10] += w
            continue
        row[0] += w
        row[2] += n
        if item.status == DONE:
            row[1] += w
            row[3] += n
            continue
        overdue = is_overdue(item.status, item.due_date, today)
        row[4] += n
        row[5] += n if overdue else 0
        row[6] += n if item.status == BLOCKED else 0
        row[7] += n if item.gating else 0
        row[8] += n if item.gating and overdue else 0
    return {pillar: Totals(*row) for pillar, row in sums.items()}


def item_as_of(item: ItemFacts, day: dt.date) -> ItemFacts:
    """The item's state at the end of `day`, reconstructed from its dates.

    A done item counts as done from its completion day on and as in progress
    before; a blocked item counts as blocked from its last status change on.
    Not-applicable items are treated as not applicable throughout.
    """
    status = item.status
    if status == DONE and (item.completed_on is None or item.completed_on > day):
        status = IN_PROGRESS
    elif status == BLOCKED and item.status_changed_on is not None and item.status_changed_on > day:
        status = IN_PROGRESS
    return ItemFacts(item.pillar, item.weight, item.gating, status, item.due_date, item.completed_on,
                     item.status_changed_on, item.count, item.waived_from, item.waived_until)


# -- scores --------------------------------------------------------------------

def round_score(value: Decimal) -> Decimal:
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


def pillar_score(totals: Totals) -> Decimal | None:
    """100 x done weight / counted weight, rounded half-up to 0.1; None with nothing counted."""
    if totals.counted_weight == 0:
        return None
    return round_score(_HUNDRED * Decimal(totals.done_weight) / Decimal(totals.counted_weight))


def overall_score(pillar_scores: Iterable[Decimal | None]) -> Decimal | None:
    """Mean of the defined pillar scores, rounded half-up to 0.1; None when none is defined."""
    defined = [score for score in pillar_scores if score is not None]
    if not defined:
        return None
    return round_score(sum(defined, Decimal(0)) / Decimal(len(defined)))


# -- level ---------------------------------------------------------------------

@dataclass(frozen=True)
class LevelResult:
    level: str
    reason: str

    @property
    def reason_text(self) -> str:
        return REASON_TEXT[self.reason]


def readiness_level(
    overall: Decimal | None,
    *,
    open_gating: int,
    overdue_gating: int,
    stage: str,
    day1: dt.date | None,
    today: dt.date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> LevelResult:
    """The ordered level rule; the first step that applies decides."""
    if overall is None:
        return LevelResult(NOT_READY, REASON_NO_DATA)
    if (stage in PRE_LAUNCH_STAGES and day1 is not None
            and (day1 - today).days <= thresholds.gating_days_before_day1 and open_gating > 0):
        return LevelResult(NOT_READY, REASON_GATING_NEAR_DAY1)
    if overall >= thresholds.ready_score and open_gating == 0:
        return LevelResult(READY, REASON_READY)
    if overall >= thresholds.at_risk_score and overdue_gating == 0:
        reason = REASON_GATING_OPEN if overall >= thresholds.ready_score else REASON_BELOW_READY_SCORE
        return LevelResult(AT_RISK, reason)
    reason = REASON_LOW_SCORE if overall < thresholds.at_risk_score else REASON_GATING_OVERDUE
    return LevelResult(NOT_READY, reason)


# -- forecast ------------------------------------------------------------------

FORECAST_ON_TRACK = "on_track"
FORECAST_LATE = "late"
FORECAST_NONE = "none"

NO_FORECAST_LAUNCHED = "launched"
NO_FORECAST_NO_DAY1 = "no_day1"
NO_FORECAST_DAY1_PASSED = "day1_passed"
NO_FORECAST_FEW_POINTS = "not_enough_history"
NO_FORECAST_FLAT = "too_slow"
FORECAST_COMPLETE = "complete"
FORECAST_PROJECTED = "projected"


@dataclass(frozen=True)
class Forecast:
    status: str  # on_track, late or none
    reason: str
    projected_date: dt.date | None = None
    days_late: int | None = None
    slope_per_day: Decimal | None = None
    last_day: dt.date | None = None  # the fitted line's last point: (last_day, fitted_last)
    fitted_last: Decimal | None = None


def forecast_day1(
    history: Mapping[dt.date, Decimal | None] | Sequence[tuple[dt.date, Decimal | None]],
    *,
    today: dt.date,
    day1: dt.date | None,
    stage: str,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Forecast:
    """Project when the overall score reaches 100 from the last window's daily scores."""
    if stage not in PRE_LAUNCH_STAGES:
        return Forecast(FORECAST_NONE, NO_FORECAST_LAUNCHED)
    if day1 is None:
        return Forecast(FORECAST_NONE, NO_FORECAST_NO_DAY1)
    if day1 < today:
        return Forecast(FORECAST_NONE, NO_FORECAST_DAY1_PASSED)
    pairs = history.items() if isinstance(history, Mapping) else history
    start = today - dt.timedelta(days=thresholds.forecast_window_days - 1)
    points = sorted((day, score) for day, score in pairs if score is not None and start <= day <= today)
    if points and points[-1][1] >= _HUNDRED:
        return Forecast(FORECAST_ON_TRACK, FORECAST_COMPLETE)
    if len(points) < thresholds.forecast_min_points:
        return Forecast(FORECAST_NONE, NO_FORECAST_FEW_POINTS)
    slope, fitted_last = _least_squares(points)
    if slope <= thresholds.forecast_min_slope:
        return Forecast(FORECAST_NONE, NO_FORECAST_FLAT, slope_per_day=slope)
    last_day = points[-1][0]
    projected = last_day + dt.timedelta(days=math.ceil((_HUNDRED - fitted_last) / slope))
    if projected <= day1:
        return Forecast(FORECAST_ON_TRACK, FORECAST_PROJECTED, projected, 0, slope, last_day, fitted_last)
    return Forecast(FORECAST_LATE, FORECAST_PROJECTED, projected, (projected - day1).days, slope, last_day,
                    fitted_last)


def _least_squares(points: Sequence[tuple[dt.date, Decimal]]) -> tuple[Decimal, Decimal]:
    """Slope per day and the fitted value on the last day, in exact decimal arithmetic."""
    origin = points[0][0]
    xs = [Decimal((day - origin).days) for day, _ in points]
    ys = [Decimal(score) for _, score in points]
    n = Decimal(len(points))
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return Decimal(0), ys[-1]
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return slope, mean_y + slope * (xs[-1] - mean_x)


# -- one cloud -----------------------------------------------------------------

@dataclass(frozen=True)
class CloudScore:
    """Everything computed for one cloud on one day."""

    day: dt.date
    pillars: dict[str, Decimal | None]
    pillar_totals: dict[str, Totals]
    overall: Decimal | None
    overall_totals: Totals
    level: LevelResult


def score_cloud(
    pillar_totals: Mapping[str, Totals],
    *,
    stage: str,
    day1: dt.date | None,
    today: dt.date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> CloudScore:
    """Pillar scores, overall score and level of one cloud from its per-pillar totals."""
    totals = {pillar: pillar_totals.get(pillar, Totals()) for pillar in PILLARS}
    pillars = {pillar: pillar_score(value) for pillar, value in totals.items()}
    overall = overall_score(pillars.values())
    overall_totals = sum(totals.values(), Totals())
    level = readiness_level(overall, open_gating=overall_totals.open_gating,
                            overdue_gating=overall_totals.overdue_gating, stage=stage, day1=day1,
                            today=today, thresholds=thresholds)
    return CloudScore(today, pillars, totals, overall, overall_totals, level)
