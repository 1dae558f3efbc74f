"""The insight rules: plain functions over plain facts, with `today` passed in.

Each rule looks at one cloud and returns at most one FindingSpec: its severity, the items
concerned, an explanation and a recommendation. Thresholds come in an InsightThresholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from clouds.stages import PRE_LAUNCH_STAGES
from readiness.insights.registry import Rule
from readiness.scoring import FORECAST_LATE, NO_FORECAST_FLAT
from readiness.terms import BLOCKED, HIGH, LOW, MEDIUM


@dataclass(frozen=True)
class InsightThresholds:
    gating_days_before_day1: int = 14
    score_drop_points: Decimal = Decimal(5)
    score_drop_days: int = 7
    blocked_days: int = 7
    stale_days: int = 30
    pillar_gap_points: Decimal = Decimal(25)


@dataclass(frozen=True)
class ItemFact:
    id: int
    code: str
    pillar: str
    weight: int
    gating: bool
    status: str
    due_date: dt.date | None
    owner_id: int | None
    status_changed_on: dt.date | None
    updated_on: dt.date


@dataclass(frozen=True)
class CloudFacts:
    id: int
    name: str
    stage: str
    day1: dt.date | None
    items: Sequence[ItemFact] = ()  # open items only
    overall: Decimal | None = None
    overall_before: Decimal | None = None  # the highest overall score of the previous `score_drop_days` days
    pillars: dict[str, Decimal | None] = field(default_factory=dict)
    forecast_status: str | None = None
    forecast_reason: str | None = None
    projected_date: dt.date | None = None
    days_late: int | None = None
    framework: str | None = None
    framework_version: int | None = None
    newest_version: int | None = None
    extra: dict[str, object] = field(default_factory=dict)  # from facts providers of other apps (registry)


@dataclass(frozen=True)
class FindingSpec:
    rule: str
    severity: str
    item_ids: tuple[int, ...]
    explanation: str
    recommendation: str


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _codes(items: Sequence[ItemFact], limit: int = 6) -> str:
    codes = [item.code for item in items[:limit]]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(codes) + more


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def gating_overdue(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    items = [i for i in cloud.items if i.gating and i.due_date is not None and i.due_date < today]
    if not items:
        return None
    return FindingSpec("gating_overdue", HIGH, tuple(i.id for i in items),
                       f"{_plural(len(items), 'gating item')} past due: {_codes(items)}. Gating items are Day-1 "
                       "blockers, and an overdue one makes the cloud not ready.",
                       "Agree a new date with each owner today, or escalate to the program sponsor; record the "
                       "blocker in the item notes.")


def gating_near_day1(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    if cloud.stage not in PRE_LAUNCH_STAGES or cloud.day1 is None:
        return None
    days = (cloud.day1 - today).days
    items = [i for i in cloud.items if i.gating]
    if days > t.gating_days_before_day1 or not items:
        return None
    when = f"in {_plural(days, 'day')}" if days > 0 else ("today" if days == 0 else f"{_plural(-days, 'day')} ago")
    return FindingSpec("gating_near_day1", HIGH, tuple(i.id for i in items),
                       f"Day 1 is {when} and {_plural(len(items), 'gating item')} still open: {_codes(items)}.",
                       "Run a daily Day-1 readiness call on these items; if any cannot close in time, take a "
                       "go/no-go decision with the NCOE now rather than on Day 1.")


def forecast_late(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    stalled = (cloud.forecast_reason == NO_FORECAST_FLAT and cloud.stage in PRE_LAUNCH_STAGES and cloud.day1 is not None
               and cloud.day1 >= today and cloud.overall is not None and cloud.overall < 100)
    if stalled:
        return FindingSpec("forecast_late", HIGH, (),
                           f"The score ({cloud.overall:.1f}) is not rising, so at this pace it never reaches 100: "
                           f"Day 1 ({_date(cloud.day1)}) will be missed.",
                           "Find what stalled the work (owners, blockers, capacity) and re-plan with the NCOE; "
                           "if nothing can move, re-plan Day 1.")
    if cloud.forecast_status != FORECAST_LATE:
        return None
    return FindingSpec("forecast_late", HIGH, (),
                       f"At the current pace the score reaches 100 on {_date(cloud.projected_date)}, "
                       f"{_plural(cloud.days_late or 0, 'day')} after Day 1 ({_date(cloud.day1)}).",
                       "Add capacity to the heaviest open items, move non-gating work after Day 1 with the "
                       "NCOE's agreement, or re-plan Day 1.")


def score_drop(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    if cloud.overall is None or cloud.overall_before is None:
        return None
    drop = cloud.overall_before - cloud.overall
    if drop < t.score_drop_points:
        return None
    return FindingSpec("score_drop", MEDIUM, (),
                       f"The overall score fell {drop:.1f} points within {_plural(t.score_drop_days, 'day')} "
                       f"(from {cloud.overall_before:.1f} to {cloud.overall:.1f}).",
                       "Check the item history for items reopened or marked not done, and confirm the change "
                       "with their owners.")


def unowned(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    items = [i for i in cloud.items if i.owner_id is None]
    if not items:
        return None
    return FindingSpec("unowned", MEDIUM, tuple(i.id for i in items),
                       f"{_plural(len(items), 'open item')} without an owner: {_codes(items)}.",
                       "Assign an owner to each, from the NCOE or the program team; unowned work is the work "
                       "that slips.")


def blocked_long(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    cutoff = today - dt.timedelta(days=t.blocked_days)
    items = [i for i in cloud.items if i.status == BLOCKED and i.status_changed_on is not None
             and i.status_changed_on < cutoff]
    if not items:
        return None
    return FindingSpec("blocked_long", MEDIUM, tuple(i.id for i in items),
                       f"{_plural(len(items), 'item')} blocked for more than {_plural(t.blocked_days, 'day')}: "
                       f"{_codes(items)}.",
                       "Escalate each blocker to whoever can remove it (engineering, the regulator liaison, "
                       "procurement) and note the escalation on the item.")


def stale(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    cutoff = today - dt.timedelta(days=t.stale_days)
    items = [i for i in cloud.items if i.updated_on <= cutoff]
    if not items:
        return None
    return FindingSpec("stale", LOW, tuple(i.id for i in items),
                       f"{_plural(len(items), 'open item')} not updated for {_plural(t.stale_days, 'day')} or "
                       f"more: {_codes(items)}.",
                       "Ask the owners for a status and a date, or mark the items not applicable with a "
                       "justification.")


def pillar_lagging(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    defined = {pillar: score for pillar, score in cloud.pillars.items() if score is not None}
    if len(defined) < 2:
        return None
    best = max(defined.values())
    lagging = sorted(p for p, score in defined.items() if best - score >= t.pillar_gap_points)
    if not lagging:
        return None
    items = [i for i in cloud.items if i.pillar in lagging]
    described = " and ".join(f"{p.capitalize()} ({defined[p]:.1f})" for p in lagging)
    verb = "trails" if len(lagging) == 1 else "trail"
    return FindingSpec("pillar_lagging", LOW, tuple(i.id for i in items),
                       f"{described} {verb} the best pillar ({best:.1f}) by {t.pillar_gap_points:.0f} points "
                       "or more.",
                       "Review staffing of the lagging pillar's workstream; its open items are listed here.")


def old_framework(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    if cloud.framework_version is None or cloud.newest_version is None:
        return None
    if cloud.framework_version >= cloud.newest_version:
        return None
    return FindingSpec("old_framework", LOW, (),
                       f"The checklist uses {cloud.framework} version {cloud.framework_version}; version "
                       f"{cloud.newest_version} is loaded.",
                       "Start the checklist on the newest version (admin, or `manage.py start_checklist`); item "
                       "states carry over by requirement code.")


BUILTIN_RULES = (
    Rule("gating_overdue", "Gating items overdue", HIGH, gating_overdue),
    Rule("gating_near_day1", "Gating items open close to Day 1", HIGH, gating_near_day1),
    Rule("forecast_late", "Forecast later than Day 1", HIGH, forecast_late),
    Rule("score_drop", "Overall score dropped", MEDIUM, score_drop),
    Rule("unowned", "Open items without an owner", MEDIUM, unowned),
    Rule("blocked_long", "Items blocked for long", MEDIUM, blocked_long),
    Rule("stale", "Open items not updated", LOW, stale),
    Rule("pillar_lagging", "A pillar trails the others", LOW, pillar_lagging),
    Rule("old_framework", "Checklist on an older framework version", LOW, old_framework),
)


def evaluate(cloud: CloudFacts, today: dt.date, thresholds: InsightThresholds,
             rules: Iterable[Rule] = BUILTIN_RULES) -> list[FindingSpec]:
    """Every rule of `rules` that fires for this cloud (the engine passes the registered ones)."""
    return [spec for rule in rules if (spec := rule.check(cloud, today, thresholds)) is not None]
