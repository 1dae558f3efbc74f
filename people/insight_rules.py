"""Insight rules about staffing, registered into the readiness insights engine by PeopleConfig.

Pure: they read StaffingFacts (counts and dates, never names: findings are shown to executives
and in digests) from CloudFacts.extra["staffing"], which people.insight_facts provides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clouds.stages import PRE_LAUNCH_STAGES
from readiness.insights.registry import Rule
from readiness.insights.rules import CloudFacts, FindingSpec, InsightThresholds
from readiness.terms import HIGH, MEDIUM

FACTS = "staffing"


@dataclass(frozen=True)
class RequirementFacts:
    role: str
    minimum: int
    eligible_today: int
    first_shortfall: dt.date | None
    eligible_at_shortfall: int | None

    @property
    def role_label(self) -> str:
        return self.role.replace("_", " ")


@dataclass(frozen=True)
class StaffingFacts:
    requirements: tuple[RequirementFacts, ...]
    renewals_due: int
    critical_renewals: int
    first_critical_expiry: dt.date | None
    warning_days: int  # a shortfall this close is reported even long before Day 1


def _staffing(cloud: CloudFacts) -> StaffingFacts | None:
    facts = cloud.extra.get(FACTS)
    return facts if isinstance(facts, StaffingFacts) else None


def _role(name: str) -> str:
    return name.replace("_", " ")


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def coverage_short(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _staffing(cloud)
    short = [req for req in facts.requirements if req.eligible_today < req.minimum] if facts else []
    if not short:
        return None
    detail = "; ".join(f"{_role(req.role)}: {req.eligible_today} eligible of {req.minimum} needed" for req in short)
    return FindingSpec("coverage_short", HIGH, (), f"Staffing coverage is short today. {detail}.",
                       "Screen, train or assign more eligible people to this cloud, or renew lapsed screenings.")


def coverage_falls_short(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _staffing(cloud)
    if not facts or any(req.eligible_today < req.minimum for req in facts.requirements):
        return None  # coverage_short says it
    before_day1 = cloud.day1 if cloud.stage in PRE_LAUNCH_STAGES and cloud.day1 and cloud.day1 >= today else None
    soon = today + dt.timedelta(days=facts.warning_days)
    late = [req for req in facts.requirements if req.first_shortfall is not None
            and (req.first_shortfall <= soon or (before_day1 is not None and req.first_shortfall <= before_day1))]
    if not late:
        return None
    detail = "; ".join(f"{_role(req.role)} falls to {req.eligible_at_shortfall} of {req.minimum} on "
                       f"{_date(req.first_shortfall)}" for req in sorted(late, key=lambda req: req.first_shortfall))
    when = f" before Day 1 ({_date(before_day1)})" if before_day1 and any(
        req.first_shortfall <= before_day1 for req in late) else f" within {facts.warning_days} days"
    return FindingSpec("coverage_falls_short", HIGH, (), f"Staffing coverage falls short{when}. {detail}.",
                       "Start the screening renewals that lapse first, or bring in more eligible people now.")


def critical_renewal(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _staffing(cloud)
    if not facts or not facts.critical_renewals:
        return None
    return FindingSpec(
        "critical_renewal", HIGH, (),
        f"{facts.critical_renewals} screening renewal{'s' if facts.critical_renewals != 1 else ''} cannot complete "
        f"before coverage falls short (the first expires {_date(facts.first_critical_expiry)}).",
        "Start these renewals today and plan cover for the gap; see the cloud's people page.")


def renewals_due(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _staffing(cloud)
    due = facts.renewals_due - facts.critical_renewals if facts else 0
    if due <= 0:
        return None
    return FindingSpec("renewals_due", MEDIUM, (),
                       f"{due} screening renewal{'s' if due != 1 else ''} due soon (not yet critical).",
                       "Ask the employers to start them; the renewals page lists them.")


PEOPLE_RULES = (
    Rule("coverage_short", "Staffing coverage short today", HIGH, coverage_short),
    Rule("coverage_falls_short", "Staffing coverage falls short soon", HIGH, coverage_falls_short),
    Rule("critical_renewal", "Critical screening renewals", HIGH, critical_renewal),
    Rule("renewals_due", "Screening renewals due", MEDIUM, renewals_due),
)
