"""What a framework version's gates change for each cloud about to move to it: gates added,
removed or changed (date or criteria), and decisions that stop counting. Shown by the upgrade
preview (registered with the `gates` section); four queries whatever the number of clouds."""

from __future__ import annotations

from collections.abc import Sequence

from launches import criteria
from launches.models import Gate
from launches.state import latest_decisions, spec_of


def _criteria_text(gate: Gate) -> str:
    return "; ".join(f"{result.label.lower()} ({result.required})"
                     for result in criteria.check_criteria(spec_of(gate), _ANY_FACTS)) or "none"


_ANY_FACTS = criteria.LaunchFacts(overall=None, level="", reason="", open_gating=0, waived=0, staffing=(),
                                  operations_state="no_data")


def describe_gate_changes(framework, checklists: Sequence) -> dict[int, list[str]]:
    framework_ids = {checklist.framework_id for checklist in checklists} | {framework.pk}
    gates: dict[int, dict[str, Gate]] = {fid: {} for fid in framework_ids}
    for gate in Gate.objects.filter(framework_id__in=framework_ids).order_by("offset_days", "position"):
        gates[gate.framework_id][gate.code] = gate
    decisions = latest_decisions([checklist.cloud_id for checklist in checklists])
    new = gates[framework.pk]
    described: dict[int, list[str]] = {}
    for checklist in checklists:
        cloud, old = checklist.cloud, gates[checklist.framework_id]
        lines = []
        for code, gate in new.items():
            if code not in old:
                due = criteria.due_on(cloud.day1_date, spec_of(gate))
                lines.append(f"Gate added: {gate.name} ({due.isoformat() if due else 'Day 1 not set'}).")
        for code, gate in old.items():
            if code not in new:
                decision = decisions.get((cloud.pk, code))
                lost = (f"; its {decision.get_outcome_display().lower()} of {decision.decided_on.isoformat()} "
                        "will no longer count") if decision else ""
                lines.append(f"Gate removed: {gate.name}{lost}.")
        for code in old.keys() & new.keys():
            before, after = old[code], new[code]
            if before.offset_days != after.offset_days:
                was = criteria.due_on(cloud.day1_date, spec_of(before))
                now = criteria.due_on(cloud.day1_date, spec_of(after))
                dates = f" ({was.isoformat()} -> {now.isoformat()})" if was and now else ""
                lines.append(f"Gate {after.name} moves from Day 1 {before.offset_days:+d} to "
                             f"{after.offset_days:+d}{dates}.")
            if _criteria_text(before) != _criteria_text(after):
                lines.append(f"Gate {after.name} criteria: {_criteria_text(before)} -> {_criteria_text(after)}.")
        if lines:
            described[cloud.pk] = lines
    return described
