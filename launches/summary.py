"""Each cloud's launch at a glance, for the launches portfolio and the dashboards: the next gate
still owed, the last decision recorded, and the Day-1 slip history. Fixed queries for any number
of clouds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from launches import criteria
from launches.models import Day1Change
from launches.state import GateRow, gate_rows

PENDING = (criteria.UPCOMING, criteria.DUE, criteria.OVERDUE, criteria.NO_DAY1)


@dataclass(frozen=True)
class LaunchSummary:
    next_gate: GateRow | None
    last_decided: GateRow | None
    overdue_gates: int
    slip: criteria.SlipSummary

    @property
    def sentence(self) -> str:
        """One line for narratives: the slips, then the gate owed next or the last decision."""
        parts = [self.slip.text.rstrip(".")] if self.slip.moves else []
        if self.next_gate is not None and self.next_gate.due_on is not None:
            state = {criteria.OVERDUE: "overdue since", criteria.DUE: "due"}.get(self.next_gate.state, "on")
            parts.append(f"next gate {self.next_gate.gate.name} {state} {self.next_gate.due_on.isoformat()}")
        if self.last_decided is not None:
            decision = self.last_decided.latest
            parts.append(f"last decision {decision.get_outcome_display().lower()} at {decision.gate_name} "
                         f"on {decision.decided_on.isoformat()}")
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "." if text else ""


def slips_of(cloud_ids: Sequence[int]) -> dict[int, criteria.SlipSummary]:
    pairs: dict[int, list] = {cloud_id: [] for cloud_id in cloud_ids}
    for cloud_id, before, after in (Day1Change.objects.filter(cloud_id__in=list(cloud_ids))
                                    .order_by("changed_at", "pk").values_list("cloud_id", "previous_day1", "new_day1")):
        pairs[cloud_id].append((before, after))
    return {cloud_id: criteria.slip_summary(changes) for cloud_id, changes in pairs.items()}


def launch_summaries(clouds: Sequence, today: dt.date) -> dict[int, LaunchSummary]:
    rows = gate_rows(clouds, today)
    slips = slips_of([cloud.pk for cloud in clouds])
    summaries = {}
    for cloud in clouds:
        gates = rows[cloud.pk]
        pending = [row for row in gates if row.state in PENDING]
        decided = sorted((row for row in gates if row.latest is not None), key=lambda row: row.latest.decided_at)
        summaries[cloud.pk] = LaunchSummary(pending[0] if pending else None, decided[-1] if decided else None,
                                            sum(1 for row in gates if row.state == criteria.OVERDUE), slips[cloud.pk])
    return summaries
