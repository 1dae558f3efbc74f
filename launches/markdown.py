"""A cloud's go/no-go page as Markdown, for minutes and mail (from the page's own context)."""

from __future__ import annotations

import json

SPECIALS = "\\`*_{}[]<>#!|"


def _text(text: object) -> str:
    """What people typed, on one line and escaped, so it reads as written (no headings, lists or HTML)."""
    return "".join(f"\\{char}" if char in SPECIALS else char for char in " ".join(str(text).split()))


def _cell(text: object) -> str:
    return _text(text)


def _date(day) -> str:
    return day.isoformat() if day else "not set"


def launch_markdown(context: dict) -> str:
    cloud, today = context["cloud"], context["today"]
    lines = [f"# {_text(cloud.name)}: launch governance", "",
             f"As of {today.isoformat()}. Stage: {cloud.get_stage_display()}. Day 1: {_date(cloud.day1_date)}. "
             f"{context['slip'].text}", "", "## Gates", "",
             "| Gate | Date | State | Criteria now | Decision in force |", "| --- | --- | --- | --- | --- |"]
    for row in context["gates"]:
        checks = "; ".join(f"{'met' if result.met else 'NOT met'}: {result.label} ({result.actual})"
                           for result in row.criteria)
        decision = (f"{row.latest.get_outcome_display()} on {row.latest.decided_on.isoformat()}" if row.latest
                    else "none")
        if row.moved_since_decision:
            decision += f" (taken for a gate on {_date(row.latest.gate_due_on)}; Day 1 moved since)"
        lines.append(f"| {_cell(row.gate.name)} (Day 1 {row.gate.offset_days:+d}) | {_date(row.due_on)} | "
                     f"{row.state_label} | {_cell(checks)} | {_cell(decision)} |")
    lines += ["", "## Decisions", ""]
    if not context["decisions"]:
        lines.append("No decision recorded yet.")
    for decision in context["decisions"]:
        evidence = json.loads(decision.evidence)
        score = evidence["score"]
        superseded = " (superseded)" if decision.superseded else ""
        lines += [f"### {_text(decision.gate_name)}: {decision.get_outcome_display()}{superseded}", "",
                  f"- Decided on {decision.decided_on.isoformat()} by {_text(decision.decided_by_name)}",
                  f"- Attended: {_text(', '.join(decision.attendee_list))}",
                  f"- Rationale: {_text(decision.rationale)}",
                  f"- Evidence as of {evidence['as_of']}: overall {score['overall'] or 'n/a'}, "
                  f"{score['level'].replace('_', ' ')} ({score['reason_text']}), "
                  f"{len(evidence['open_gating_items'])} open gating item(s), "
                  f"{len(evidence['open_high_findings'])} open high finding(s), "
                  f"{score['waived_items']} waived item(s)",
                  f"- Evidence SHA-256: `{decision.evidence_sha256}`"]
        for condition in decision.conditions.all():
            owner = condition.owner.get_full_name() or condition.owner.get_username()
            state = (f"met {condition.done_at:%Y-%m-%d}" if condition.done_at
                     else "OVERDUE" if condition.due_on < today else "open")
            lines.append(f"- Condition ({state}, {_text(owner)}, due {condition.due_on.isoformat()}): "
                         f"{_text(condition.text)}")
        lines.append("")
    lines += ["## Day 1 history", ""]
    if not context["changes"]:
        lines.append("Day 1 has not changed.")
    for change in context["changes"]:
        user = change.changed_by
        who = (user.get_full_name() or user.get_username()) if user else "an import"
        slip = f" ({change.slip_days:+d} days)" if change.slip_days else ""
        lines.append(f"- {change.changed_at:%Y-%m-%d}: {_date(change.previous_day1)} -> {_date(change.new_day1)}"
                     f"{slip}, by {_text(who)}: {_text(change.reason)}")
    lines += ["", "## Waivers in force or requested", ""]
    if not context["waivers"]:
        lines.append("None.")
    for waiver in context["waivers"]:
        lines.append(f"- {waiver.item.requirement.code} {_text(waiver.item.requirement.title)}: {waiver.shown_state}, "
                     f"until {waiver.expires_on.isoformat()}")
    return "\n".join(lines) + "\n"
