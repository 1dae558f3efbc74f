"""The rules of launch gates, as plain functions over plain values (no Django).

A gate's date is Day 1 plus its offset. Its state on a day: decided once a decision other
than "postponed" is recorded; otherwise overdue after its date, due from GATE_DUE_WINDOW_DAYS
before its date, upcoming before that ("no Day 1" while the cloud has none; "not recorded" for
a gate a launched or retired cloud passed without a decision, see gate_state). Its criteria
are checked against the cloud's live facts; a criterion without data is not met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from clouds.stages import LAUNCHED, PRE_LAUNCH_STAGES
from launches.terms import (
    DECIDED,
    DUE,
    MIN_SCORE,
    NO_DAY1,
    NO_OPEN_GATING,
    NOT_RECORDED,
    OPERATIONS_NOT_CRITICAL,
    OVERDUE,
    POSTPONED,
    STAFFING_MET,
    UPCOMING,
)
from operations.health import CRITICAL, NO_DATA

CRITERION_LABELS = {
    MIN_SCORE: "Minimum overall score",
    NO_OPEN_GATING: "No open gating items",
    STAFFING_MET: "Staffing coverage met",
    OPERATIONS_NOT_CRITICAL: "Operations health not critical",
}


@dataclass(frozen=True)
class GateSpec:
    code: str
    name: str
    offset_days: int
    min_score: Decimal | None = None
    no_open_gating: bool = False
    staffing_met: bool = False
    operations_not_critical: bool = False


@dataclass(frozen=True)
class StaffingLine:
    role: str
    minimum: int
    eligible: int

    @property
    def met(self) -> bool:
        return self.eligible >= self.minimum


@dataclass(frozen=True)
class LaunchFacts:
    """What the criteria look at, for one cloud on one day."""

    overall: Decimal | None
    level: str
    reason: str
    open_gating: int
    waived: int
    staffing: tuple[StaffingLine, ...]  # empty: the cloud has no staffing requirement
    operations_state: str  # operations.health: healthy, watch, critical or no_data
    operations_reason: str = ""
    waived_gating: int = 0  # gating items among the waived ones


@dataclass(frozen=True)
class CriterionResult:
    code: str
    label: str
    required: str
    actual: str
    met: bool


def due_on(day1: dt.date | None, gate: GateSpec) -> dt.date | None:
    """Day 1 + offset; None without Day 1 (or, defensively, when the date would leave the calendar)."""
    if day1 is None:
        return None
    try:
        return day1 + dt.timedelta(days=gate.offset_days)
    except OverflowError:
        return None


def gate_state(gate: GateSpec, due: dt.date | None, today: dt.date, latest_outcome: str | None,
               due_window_days: int, stage: str) -> str:
    """Decided, no Day 1, overdue, due or upcoming. A cloud past its launch never owes a decision
    at a gate before Day 1 that nobody recorded (it shows as "not recorded")."""
    if latest_outcome is not None and latest_outcome != POSTPONED:
        return DECIDED
    if due is None:
        return NO_DAY1
    if stage not in PRE_LAUNCH_STAGES and (gate.offset_days < 0 or stage != LAUNCHED) and due < today:
        return NOT_RECORDED
    if due < today:
        return OVERDUE
    if (due - today).days <= due_window_days:
        return DUE
    return UPCOMING


def check_criteria(gate: GateSpec, facts: LaunchFacts) -> list[CriterionResult]:
    """Each criterion the gate asks for, with the value required, the value now, and whether it is met."""
    results = []
    if gate.min_score is not None:
        actual = "n/a" if facts.overall is None else str(facts.overall)
        results.append(CriterionResult(MIN_SCORE, CRITERION_LABELS[MIN_SCORE], f">= {gate.min_score}", actual,
                                       facts.overall is not None and facts.overall >= gate.min_score))
    if gate.no_open_gating:
        count = facts.waived_gating
        waived = f" ({count} gating item{'s' if count != 1 else ''} waived)" if count else ""
        results.append(CriterionResult(NO_OPEN_GATING, CRITERION_LABELS[NO_OPEN_GATING], "0 open",
                                       f"{facts.open_gating} open{waived}", facts.open_gating == 0))
    if gate.staffing_met:
        if not facts.staffing:
            actual, met = "no staffing requirement recorded", False
        else:
            short = [line for line in facts.staffing if not line.met]
            actual = ("every role covered" if not short else "short: " + ", ".join(
                f"{line.role.replace('_', ' ')} {line.eligible}/{line.minimum}" for line in short))
            met = not short
        results.append(CriterionResult(STAFFING_MET, CRITERION_LABELS[STAFFING_MET], "every role at its minimum",
                                       actual, met))
    if gate.operations_not_critical:
        state = facts.operations_state
        results.append(CriterionResult(OPERATIONS_NOT_CRITICAL, CRITERION_LABELS[OPERATIONS_NOT_CRITICAL],
                                       "healthy or watch", state.replace("_", " "),
                                       state not in (CRITICAL, NO_DATA)))
    return results


@dataclass(frozen=True)
class SlipSummary:
    moves: int  # times Day 1 changed from one date to another (clearing it and setting it again counts once)
    total_days: int  # net: the current Day 1 minus the first one planned (later is positive)
    only_later: bool = True  # every move pushed Day 1 later

    @property
    def text(self) -> str:
        if self.moves == 0:
            return "Day 1 has not moved."
        times = {1: "once", 2: "twice"}.get(self.moves, f"{self.moves} times")
        days = abs(self.total_days)
        span = f"{days} day{'s' if days != 1 else ''}"
        if self.only_later:
            return f"Day 1 moved {times}, {span} in total."
        if self.total_days == 0:
            return f"Day 1 moved {times} and is back on the date first planned."
        direction = "later" if self.total_days > 0 else "earlier"
        return f"Day 1 moved {times}; it is now {span} {direction} than first planned."


def slip_summary(changes: Sequence[tuple[dt.date | None, dt.date | None]]) -> SlipSummary:
    """From the Day-1 changes in order (previous, new): the dates Day 1 was set to, in order, ignoring
    the spells without one; setting it the first time is not a move."""
    dates: list[dt.date] = []
    for before, after in changes:
        if not dates and before is not None:
            dates.append(before)
        if after is not None:
            dates.append(after)
    steps = [(first, then) for first, then in pairwise(dates) if first != then]
    if not steps:
        return SlipSummary(0, 0)
    return SlipSummary(len(steps), (dates[-1] - dates[0]).days, all(then > first for first, then in steps))
