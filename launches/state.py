"""Reading a launch's state: each cloud's gates, their latest decisions and the live criteria facts.

A fixed number of queries for any number of clouds (the gates, the latest decisions, the item
sums, the staffing and operations reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from launches import criteria
from launches.criteria import CriterionResult, GateSpec, LaunchFacts, StaffingLine
from launches.models import Decision, Gate
from operations.health import NO_DATA
from operations.summary import health_of
from people.insight_facts import staffing_facts
from readiness import scoring
from readiness.models import WAIVED, Checklist, ChecklistItem
from readiness.snapshots.sums import pillar_totals
from readiness.snapshots.thresholds import current_thresholds


@dataclass(frozen=True)
class GateRow:
    gate: GateSpec
    due_on: dt.date | None
    state: str
    latest: Decision | None
    criteria: tuple[CriterionResult, ...]

    @property
    def moved_since_decision(self) -> bool:
        """The decision in force was taken when the gate had another date (Day 1 moved since)."""
        return self.latest is not None and self.latest.gate_due_on != self.due_on

    @property
    def criteria_met(self) -> bool:
        return all(result.met for result in self.criteria)

    @property
    def state_label(self) -> str:
        return {criteria.NO_DAY1: "no Day 1", criteria.NOT_RECORDED: "not recorded"}.get(self.state, self.state)


def spec_of(gate: Gate) -> GateSpec:
    return GateSpec(gate.code, gate.name, gate.offset_days, gate.min_score, gate.no_open_gating, gate.staffing_met,
                    gate.operations_not_critical)


def gates_of(cloud_ids: Sequence[int]) -> dict[int, list[Gate]]:
    """cloud id -> the gates of its active checklist's framework version, in date order."""
    framework_of = dict(Checklist.objects.active().filter(cloud_id__in=list(cloud_ids))
                        .values_list("cloud_id", "framework_id"))
    gates: dict[int, list[Gate]] = {}
    for gate in Gate.objects.filter(framework_id__in=set(framework_of.values())).order_by("offset_days", "position"):
        gates.setdefault(gate.framework_id, []).append(gate)
    return {cloud_id: gates.get(framework_of.get(cloud_id), []) for cloud_id in cloud_ids}


def latest_decisions(cloud_ids: Sequence[int]) -> dict[tuple[int, str], Decision]:
    """(cloud id, gate code) -> the decision in force: the latest one recorded."""
    latest: dict[tuple[int, str], Decision] = {}
    for decision in (Decision.objects.filter(cloud_id__in=list(cloud_ids))
                     .order_by("cloud_id", "gate_code", "decided_at", "pk")):
        latest[(decision.cloud_id, decision.gate_code)] = decision
    return latest


def launch_facts(clouds: Sequence, today: dt.date) -> dict[int, LaunchFacts]:
    """cloud id -> the live facts the criteria look at (scores computed now from the items)."""
    ids = [cloud.pk for cloud in clouds]
    totals = pillar_totals(ids, today)
    staffing = staffing_facts(ids, today)
    health = health_of(ids, today)
    waived_gating = dict(
        ChecklistItem.objects.active().of_clouds(ids).open().gating().with_waiver_flag(today).filter(WAIVED)
        .values("checklist__cloud_id").annotate(count=Count("id")).values_list("checklist__cloud_id", "count"))
    thresholds = current_thresholds()
    facts = {}
    for cloud in clouds:
        score = scoring.score_cloud(totals[cloud.pk], stage=cloud.stage, day1=cloud.day1_date, today=today,
                                    thresholds=thresholds)
        cloud_staffing = staffing.get(cloud.pk)
        lines = tuple(StaffingLine(row.role, row.minimum, row.eligible_today)
                      for row in (cloud_staffing.requirements if cloud_staffing else ()))
        cloud_health = health.get(cloud.pk)
        facts[cloud.pk] = LaunchFacts(
            overall=score.overall, level=score.level.level, reason=score.level.reason,
            open_gating=score.overall_totals.open_gating, waived=score.overall_totals.waived, staffing=lines,
            operations_state=cloud_health.state if cloud_health else NO_DATA,
            operations_reason=cloud_health.reason if cloud_health else "No operations metrics recorded.",
            waived_gating=waived_gating.get(cloud.pk, 0),
        )
    return facts


def gate_rows(clouds: Sequence, today: dt.date) -> dict[int, list[GateRow]]:
    """cloud id -> its gates with date, state, decision in force and live criteria."""
    ids = [cloud.pk for cloud in clouds]
    gates = gates_of(ids)
    latest = latest_decisions(ids)
    facts = launch_facts(clouds, today) if any(gates.values()) else {}
    window = settings.GATE_DUE_WINDOW_DAYS
    rows: dict[int, list[GateRow]] = {}
    for cloud in clouds:
        rows[cloud.pk] = []
        for gate in gates[cloud.pk]:
            spec = spec_of(gate)
            due = criteria.due_on(cloud.day1_date, spec)
            decision = latest.get((cloud.pk, gate.code))
            state = criteria.gate_state(spec, due, today, decision.outcome if decision else None, window,
                                        cloud.stage)
            rows[cloud.pk].append(GateRow(spec, due, state, decision,
                                          tuple(criteria.check_criteria(spec, facts[cloud.pk]))))
    return rows
