"""A cloud's go/no-go page as Markdown, for minutes and mail (from the page's own context)."""

from __future__ import annotations

import json


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _date(day) -> str:
    return day.isoformat() if day else "not set"


def launch_markdown(context: dict) -> str:
    cloud, today = context["cloud"], context["today"]
    lines = [f"# {cloud.name}: launch governance", "",
             f"As of {today.isoformat()}. Stage: {cloud.get_stage_display()}. Day 1: {_date(cloud.day1_date)}. "
             f"{context['slip'].text}", "", "## Gates", "",
             "| Gate | Date | State | Criteria now | Decision in force |", "| --- | --- | --- | --- | --- |"]
    for row in context["gates"]:
        checks = "; ".join(f"{'met' if result.met else 'NOT met'}: {result.label} ({result.actual})"
                           for result in row.criteria)
        decision = (f"{row.latest.get_outcome_display()} on {row.latest.decided_on.isoformat()}" if row.latest
                    else "none")
        lines.append(f"| {_cell(row.gate.name)} (Day 1 {row.gate.offset_days:+d}) | {_date(row.due_on)} | "
                     f"{row.state_label} | {_cell(checks)} | {_cell(decision)} |")
    lines += ["", "## Decisions", ""]
    if not context["decisions"]:
        lines.append("No decision recorded yet.")
    for decision in context["decisions"]:
        evidence = json.loads(decision.evidence)
        score = evidence["score"]
        superseded = " (superseded)" if decision.superseded else ""
        lines += [f"### {decision.gate_name}: {decision.get_outcome_display()}{superseded}", "",
                  f"- Decided on {decision.decided_on.isoformat()} by {decision.decided_by_name}",
                  f"- Attended: {', '.join(decision.attendee_list)}",
                  f"- Rationale: {decision.rationale}",
                  f"- Evidence as of {evidence['as_of']}: overall {score['overall'] or 'n/a'}, "
                  f"{score['level'].replace('_', ' ')} ({score['reason_text']}), "
                  f"{len(evidence['open_gating_items'])} open gating item(s), "
                  f"{len(evidence['open_high_findings'])} open high finding(s), "
                  f"{score['waived_items']} waived item(s)",
                  f"- Evidence SHA-256: `{decision.evidence_sha256}`"]
        for condition in decision.conditions.all():
            owner = condition.owner.get_full_name() or condition.owner.get_username()
            state = f"met {condition.done_at:%Y-%m-%d}" if condition.done_at else "open"
            lines.append(f"- Condition ({state}, {owner}, due {condition.due_on.isoformat()}): {condition.text}")
        lines.append("")
    lines += ["## Day 1 history", ""]
    if not context["changes"]:
        lines.append("Day 1 has not changed.")
    for change in context["changes"]:
        lines.append(f"- {change.changed_at:%Y-%m-%d}: {_date(change.previous_day1)} -> {_date(change.new_day1)}: "
                     f"{change.reason}")
    lines += ["", "## Waivers in force or requested", ""]
    if not context["waivers"]:
        lines.append("None.")
    for waiver in context["waivers"]:
        lines.append(f"- {waiver.item.requirement.code} {waiver.item.requirement.title}: {waiver.shown_state}, "
                     f"until {waiver.expires_on.isoformat()}")
    return "\n".join(lines) + "\n"
