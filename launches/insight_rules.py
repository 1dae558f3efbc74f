"""Insight rules of launch governance, registered into the readiness engine by LaunchesConfig.

Pure: they read LaunchInsightFacts from CloudFacts.extra["launches"] (launches.insight_facts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from readiness.insights.registry import Rule
from readiness.insights.rules import CloudFacts, FindingSpec, InsightThresholds
from readiness.terms import HIGH, MEDIUM

FACTS = "launches"


@dataclass(frozen=True)
class OverdueGate:
    name: str
    due_on: dt.date


@dataclass(frozen=True)
class OpenCondition:
    text: str
    owner: str
    due_on: dt.date
    gate_name: str


@dataclass(frozen=True)
class LaunchInsightFacts:
    overdue_gates: tuple[OverdueGate, ...]
    open_conditions: tuple[OpenCondition, ...]


def _facts(cloud: CloudFacts) -> LaunchInsightFacts | None:
    facts = cloud.extra.get(FACTS)
    return facts if isinstance(facts, LaunchInsightFacts) else None


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def gate_overdue(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    if facts is None or not facts.overdue_gates:
        return None
    gates = sorted(facts.overdue_gates, key=lambda gate: gate.due_on)
    listed = "; ".join(f"{gate.name} (due {_date(gate.due_on)}, {(today - gate.due_on).days} days ago)"
                       for gate in gates)
    return FindingSpec(
        "gate_overdue", HIGH, (),
        f"{len(gates)} launch gate{'s' if len(gates) != 1 else ''} passed without a decision: {listed}.",
        "Hold the gate review and record its outcome (go, go with conditions, no-go or postponed) on the "
        "cloud's launch page, so the decision and its evidence are on record.")


def condition_overdue(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    late = sorted((c for c in facts.open_conditions if c.due_on < today), key=lambda c: c.due_on) if facts else []
    if not late:
        return None
    listed = "; ".join(f"“{c.text[:80]}” ({c.gate_name}, {c.owner}, due {_date(c.due_on)})" for c in late[:5])
    more = f" and {len(late) - 5} more" if len(late) > 5 else ""
    return FindingSpec(
        "decision_condition_overdue", MEDIUM, (),
        f"{len(late)} condition{'s' if len(late) != 1 else ''} of launch decisions past due: {listed}{more}.",
        "Ask each owner to meet the condition and mark it met on the decision's page, or take the decision "
        "again if the condition no longer holds.")


LAUNCH_RULES = (
    Rule("gate_overdue", "Launch gate overdue", HIGH, gate_overdue),
    Rule("decision_condition_overdue", "Decision condition overdue", MEDIUM, condition_overdue),
)
