"""The facts the launch insight rules read, for many clouds in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from clouds.models import Cloud
from launches import criteria
from launches.insight_rules import LaunchInsightFacts, OpenCondition, OverdueGate
from launches.models import DecisionCondition
from launches.state import gates_of, latest_decisions, spec_of


def launch_insight_facts(cloud_ids: list[int], today: dt.date) -> dict[int, LaunchInsightFacts]:
    clouds = {pk: (day1, stage) for pk, day1, stage in
              Cloud.objects.filter(pk__in=cloud_ids).values_list("pk", "day1_date", "stage")}
    gates = gates_of(cloud_ids)
    latest = latest_decisions(cloud_ids)
    conditions: dict[int, list[OpenCondition]] = {}
    for cloud_id, text, first, last, username, due, gate in (
            DecisionCondition.objects.filter(decision__cloud_id__in=cloud_ids, done_at__isnull=True)
            .order_by("due_on", "pk")
            .values_list("decision__cloud_id", "text", "owner__first_name", "owner__last_name", "owner__username",
                         "due_on", "decision__gate_name")):
        owner = f"{first} {last}".strip() or username
        conditions.setdefault(cloud_id, []).append(OpenCondition(text, owner, due, gate))
    facts = {}
    for cloud_id in cloud_ids:
        overdue = []
        for gate in gates.get(cloud_id, []):
            spec = spec_of(gate)
            day1, stage = clouds.get(cloud_id, (None, ""))
            due = criteria.due_on(day1, spec)
            decision = latest.get((cloud_id, gate.code))
            if criteria.gate_state(spec, due, today, decision.outcome if decision else None, 0,
                                   stage) == criteria.OVERDUE:
                overdue.append(OverdueGate(gate.name, due))
        facts[cloud_id] = LaunchInsightFacts(tuple(overdue), tuple(conditions.get(cloud_id, ())))
    return facts
