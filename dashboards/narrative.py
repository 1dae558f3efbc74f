"""Plain-language summaries, generated deterministically from dashboard rows (no ORM).

The same sentences feed the page, the copy button and the Markdown download. Each case
(no history, no gating items, launched, Day 1 passed, no Day 1, score undefined) has its
own wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from clouds.stages import LAUNCHED, PRE_LAUNCH_STAGES, RETIRED
from operations.health import CRITICAL, HEALTHY, NO_DATA, WATCH
from readiness import scoring
from readiness.scoring import DEFAULT_THRESHOLDS, Thresholds
from readiness.terms import HIGH, LOW, MEDIUM, SEVERITIES

LEVEL_WORDS = {scoring.READY: "Ready", scoring.AT_RISK: "At risk", scoring.NOT_READY: "Not ready", None: "Not computed"}


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _points(value: Decimal) -> str:
    return f"{abs(value):.1f} point{'s' if abs(value) != 1 else ''}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def score_sentence(row, today: dt.date) -> str:
    if row.overall is None:
        return "No score yet: the checklist has no counted items (or none was computed)."
    text = f"Overall score {row.overall:.1f}"
    change = row.week_change
    if change is None:
        return text + "; there is no score from a week earlier to compare with."
    if change > 0:
        return text + f", up {_points(change)} on the week."
    if change < 0:
        return text + f", down {_points(change)} on the week."
    return text + ", unchanged on the week."


def day1_sentence(row, today: dt.date) -> str:
    if row.stage == LAUNCHED:
        when = f" on {_date(row.day1)}" if row.day1 else ""
        return f"Launched{when}; readiness is now kept, not built."
    if row.stage == RETIRED:
        return "Retired" + (f" (Day 1 was {_date(row.day1)})" if row.day1 else "") + "."
    if row.day1 is None:
        return "No Day 1 date is set."
    days = (row.day1 - today).days
    if days > 0:
        return f"Day 1 is {_date(row.day1)}, in {_plural(days, 'day')}."
    if days == 0:
        return f"Day 1 is today ({_date(row.day1)})."
    return f"Day 1 was {_date(row.day1)}, {_plural(-days, 'day')} ago, and the cloud is not marked launched."


def gating_sentence(row, gating: Sequence = ()) -> str:
    if row.overall is None and not row.open_gating:
        return "No gating items to report: the checklist has nothing counted yet."
    if not row.open_gating:
        return "No gating items are open."
    named = ", ".join(f"{g.code} ({g.owner or 'unowned'})" for g in gating[:5])
    more = f" and {row.open_gating - 5} more" if row.open_gating > 5 else ""
    return f"{_plural(row.open_gating, 'gating item')} open" + (f": {named}{more}." if named else ".")


def overdue_sentence(row, gating: Sequence = (), today: dt.date | None = None) -> str:
    """Overdue items, saying which of them are gating (by code, owner and due date)."""
    if row.overall is None and not row.overdue:
        return "No overdue items to report."
    if not row.overdue:
        return "Nothing is overdue."
    if today is None:
        return f"{_plural(row.overdue, 'item')} overdue."
    late = [g for g in gating if g.due_date is not None and g.due_date < today]
    if not late:
        return f"{_plural(row.overdue, 'item')} overdue, none of them gating."
    # The count comes from the day's snapshot, the gating list is live: never say "1 overdue, 2 gating".
    overdue = max(row.overdue, len(late))
    named = ", ".join(f"{g.code} ({g.owner or 'unowned'}, due {_date(g.due_date)})" for g in late[:5])
    more = f" and {len(late) - 5} more" if len(late) > 5 else ""
    gating_part = "all gating" if len(late) == overdue else f"{len(late)} of them gating"
    return f"{_plural(overdue, 'item')} overdue, {gating_part}: {named}{more}."


def forecast_sentence(row, today: dt.date, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    status, reason = row.forecast_status, row.forecast_reason
    if status == scoring.FORECAST_ON_TRACK:
        if row.projected_date is None:
            return "Forecast: complete, on track for Day 1."
        return (f"Forecast: on track, reaching 100 by {_date(row.projected_date)}"
                + (f", before Day 1 ({_date(row.day1)})." if row.day1 else "."))
    if status == scoring.FORECAST_LATE:
        if row.projected_date is None or row.day1 is None:
            return f"Forecast: {_late(row)} for Day 1."
        return (f"Forecast: {_late(row)}, reaching 100 by {_date(row.projected_date)}"
                f" against Day 1 on {_date(row.day1)}.")
    window, points = thresholds.forecast_window_days, thresholds.forecast_min_points
    return {
        "launched": f"Forecast: not needed, the cloud is {row.stage_label.lower()}.",
        "no_day1": "Forecast: none without a Day 1 date.",
        "day1_passed": "Forecast: none, Day 1 has passed.",
        "not_enough_history": f"Forecast: not enough score history yet (fewer than {points} days in the last "
                              f"{window}).",
        scoring.NO_FORECAST_FLAT: f"Forecast: none, the score has not been rising over the last {window} days.",
    }.get(reason, "Forecast: not computed yet.")


TRIVIAL_GAIN = Decimal(1)


def actions_lines(actions: Sequence, *, scored: bool = True) -> list[str]:
    if not actions:
        return ["No open items: nothing left to raise."] if scored else ["No checklist items to act on yet."]
    if all(a.gain < TRIVIAL_GAIN and not a.gating for a in actions):
        largest = max(a.gain for a in actions)
        return [f"No open item adds a point or more (the largest adds +{largest} points): what is left is "
                "upkeep, not a readiness risk."]
    return [f"{n}. {a.code} {a.title} (owner {a.owner or 'unassigned'}; +{a.gain} points"
            + (", gating" if a.gating else "") + ")" for n, a in enumerate(actions, start=1)]


def findings_sentence(findings: Sequence) -> str:
    """High findings by name; with none, the medium ones by name; and the low ones, so that a cloud whose
    items have gone untouched does not read as spotless."""
    by_severity = {severity: [f.title for f in findings if f.severity == severity] for severity in SEVERITIES}
    high, medium, low = by_severity[HIGH], by_severity[MEDIUM], by_severity[LOW]
    if high:
        text = "High findings: " + "; ".join(high) + "."
        if medium:
            text += f" Also {_plural(len(medium), 'medium finding')}."
    elif medium:
        text = "No high findings; medium: " + "; ".join(medium) + "."
    else:
        text = "No high or medium findings are open."
    if low:
        text += " Low: " + "; ".join(low) + "."
    return text


def _role(name: str) -> str:
    return name.replace("_", " ")


def staffing_sentence(staffing) -> str:
    """Coverage in counts (people.insight_rules.StaffingFacts, or None without staffing requirements)."""
    if staffing is None:
        return "No staffing requirements are defined yet."
    short = [req for req in staffing.requirements if req.eligible_today < req.minimum]
    later = sorted((req for req in staffing.requirements if req not in short and req.first_shortfall),
                   key=lambda req: req.first_shortfall)
    if short:
        text = "Staffing is short today: " + "; ".join(
            f"{_role(req.role)} {req.eligible_today} of {req.minimum} eligible" for req in short) + "."
    elif later:
        first = later[0]
        text = (f"Staffing is met today but falls short on {_date(first.first_shortfall)} ({_role(first.role)} "
                f"{first.eligible_at_shortfall} of {first.minimum}).")
    else:
        text = f"Staffing is met today and through the forecast for {_plural(len(staffing.requirements), 'role')}."
    if staffing.renewals_due:
        text += (f" {_plural(staffing.renewals_due, 'screening renewal')} due"
                 + (f", {staffing.critical_renewals} critical." if staffing.critical_renewals else "."))
    return text


def staffing_brief(staffing) -> str:
    """The same in a few words, for a portfolio tile."""
    if staffing is None:
        return "no requirements yet"
    short = [req for req in staffing.requirements if req.eligible_today < req.minimum]
    if short:
        return "short today (" + ", ".join(f"{_role(req.role)} {req.eligible_today} of {req.minimum}"
                                           for req in short) + ")"
    later = [req.first_shortfall for req in staffing.requirements if req.first_shortfall]
    return f"met; short from {_date(min(later))}" if later else "met through the forecast"


OPERATIONS_WORDS = {CRITICAL: "critical", WATCH: "on watch", HEALTHY: "healthy", NO_DATA: "without data"}


def operations_sentence(health, stage: str) -> str | None:
    """Operations health in one sentence (operations.health.Health); None before launch without data."""
    if health is None or (health.state == NO_DATA and stage != LAUNCHED):
        return None
    return f"Operations {OPERATIONS_WORDS[health.state]} over the last 7 days: {health.reason}"


def margin_sentence(row, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str | None:
    """How far the score is from the next level, up or down."""
    if row.overall is None or row.level is None:
        return None
    ready, at_risk = thresholds.ready_score, thresholds.at_risk_score
    if row.overall >= ready:
        margin = row.overall - ready
        if row.level != scoring.READY and row.open_gating:
            return f"The score clears the ready threshold ({ready}); the open gating items hold the cloud back."
        if margin == 0:
            return f"The score is exactly at the ready threshold ({ready}): any slip takes it below."
        return f"{_points(margin)} above the ready threshold ({ready})."
    if row.overall >= at_risk:
        below = f"{_points(ready - row.overall)} short of ready ({ready})"
        if row.overall == at_risk:
            return below + f", exactly at the at-risk threshold ({at_risk}): any slip takes it below."
        return below + f", {_points(row.overall - at_risk)} above at risk ({at_risk})."
    return f"{_points(at_risk - row.overall)} short of at risk ({at_risk}), {_points(ready - row.overall)} of ready."


PILLAR_NAMES = {"people": "People", "process": "Process", "technology": "Technology"}


def not_applicable_sentence(row) -> str | None:
    """Pillars with nothing counted: the overall is the mean of the others, said plainly."""
    missing = [name for name, score in row.pillars.items() if score is None]
    counted = [PILLAR_NAMES.get(name, name).lower() for name, score in row.pillars.items() if score is not None]
    if not missing or not counted:
        return None
    names = " and ".join(PILLAR_NAMES.get(name, name) for name in missing)
    return (f"{names} {'is' if len(missing) == 1 else 'are'} n/a (nothing counted there: no items, or all "
            f"not applicable or waived), so the overall is the mean of {' and '.join(counted)} only.")


def recommendation(row, today: dt.date, *, gating: Sequence = (), actions: Sequence = (), staffing=None,
                   operations=None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str | None:
    """Go, go with conditions or no-go for a cloud before launch, and what to do this week."""
    if row.stage not in PRE_LAUNCH_STAGES or row.overall is None:
        return None
    short = [req for req in staffing.requirements if req.eligible_today < req.minimum] if staffing else []
    first = gating[0] if gating else None
    this_week = (f" This week: close {first.code} ({first.owner or 'unowned: name an owner'})." if first else
                 (f" This week: {actions[0].code} (+{actions[0].gain} points)." if actions else ""))
    if row.level not in (scoring.READY, scoring.AT_RISK):
        return f"Recommendation: no-go as things stand ({row.reason_text.lower()}).{this_week}"
    below_ready = row.overall < thresholds.ready_score
    if row.level == scoring.AT_RISK and below_ready and row.forecast_status != scoring.FORECAST_ON_TRACK:
        why = (f"the forecast is {_late(row)}" if row.forecast_status == scoring.FORECAST_LATE
               else "the score is below the ready threshold with no forecast reaching it before Day 1")
        return f"Recommendation: no-go unless the pace picks up: {why}.{this_week}"
    conditions = []
    if row.open_gating:
        conditions.append(f"close the {_plural(row.open_gating, 'open gating item')} before Day 1")
    if short:
        conditions.append("staff " + ", ".join(f"{_role(req.role)} to {req.minimum}" for req in short))
    if operations is not None and operations.state == CRITICAL:
        conditions.append("bring operations health out of critical")
    if below_ready:
        conditions.append("keep the pace that reaches 100 before Day 1")
    if row.level != scoring.READY and not conditions:
        conditions.append(f"{row.reason_text.lower()}: resolve it before Day 1")
    if conditions:
        return "Recommendation: go with conditions: " + "; ".join(conditions) + "." + this_week
    return "Recommendation: go."


def _late(row) -> str:
    return f"{_plural(row.days_late, 'day')} late" if row.days_late is not None else "late"


def level_words(row) -> str:
    """"Ready", or "Ready with 2 waivers" when waived items are left out of the score."""
    level = LEVEL_WORDS.get(row.level, "Not computed")
    waived = getattr(row, "waived", 0)
    return level + (f" with {_plural(waived, 'waiver')}" if waived and row.level else "")


def forecast_words(row) -> str:
    """For a cloud before launch, its forecast in the headline: at risk on track reads unlike at risk late."""
    if row.stage not in PRE_LAUNCH_STAGES:
        return ""
    if row.forecast_status == scoring.FORECAST_LATE:
        return f", forecast {_late(row)}"
    if row.forecast_status == scoring.FORECAST_ON_TRACK:
        return ", forecast on track for Day 1"
    return ""


def cloud_narrative(row, today: dt.date, *, gating: Sequence = (), actions: Sequence = (),
                    findings: Sequence = (), thresholds: Thresholds = DEFAULT_THRESHOLDS, staffing=None,
                    operations=None, launch: str = "") -> dict:
    """Title and sentences for one cloud (`launch`: the launch summary's sentence), the decision-relevant
    ones first: the recommendation, the blockers, the forecast against Day 1, staffing and operations."""
    return {
        "title": f"{row.name}: {level_words(row)}" + (f" ({row.reason_text})" if row.reason_text else "")
                 + forecast_words(row),
        "lines": [line for line in (
            recommendation(row, today, gating=gating, actions=actions, staffing=staffing, operations=operations,
                           thresholds=thresholds),
            gating_sentence(row, gating), day1_sentence(row, today), launch or None,
            forecast_sentence(row, today, thresholds), staffing_sentence(staffing),
            operations_sentence(operations, row.stage), score_sentence(row, today), margin_sentence(row, thresholds),
            not_applicable_sentence(row), overdue_sentence(row, gating, today), findings_sentence(findings))
            if line is not None],
        "actions_title": "The actions that would raise readiness most",
        "actions": actions_lines(actions, scored=row.overall is not None),
    }


def portfolio_narrative(rows: Sequence, today: dt.date, findings: Sequence = (), staffing: dict | None = None,
                        operations: dict | None = None) -> dict:
    """Title and sentences for the whole portfolio."""
    if not rows:
        return {"title": "Portfolio: no clouds to report", "lines": ["No clouds match these filters."],
                "clouds": []}
    counts = {level: sum(1 for row in rows if row.level == level)
              for level in (scoring.READY, scoring.AT_RISK, scoring.NOT_READY)}
    uncomputed = sum(1 for row in rows if row.level is None)
    parts = [f"{counts['ready']} ready", f"{counts['at_risk']} at risk", f"{counts['not_ready']} not ready"]
    waived = sum(getattr(row, "waived", 0) for row in rows)
    if uncomputed:
        parts.append(f"{uncomputed} not computed")
    defined = [row.overall for row in rows if row.overall is not None]
    lines = [f"{_plural(len(rows), 'cloud')}: " + ", ".join(parts) + "."
             + (f" {_plural(waived, 'item')} waived, left out of the scores until their waivers expire."
                if waived else "")]
    if defined:
        mean = sum(defined, Decimal(0)) / len(defined)
        lines.append(f"Mean overall score {mean:.1f} across {_plural(len(defined), 'scored cloud')}.")
    else:
        lines.append("No cloud has a score yet.")
    gating = sum(row.open_gating for row in rows)
    lines.append("No gating items are open." if not gating else f"{_plural(gating, 'gating item')} open in total.")
    late = [row for row in rows if row.forecast_status == scoring.FORECAST_LATE]
    if late:
        lines.append("Projected late: " + "; ".join(f"{row.name} ({_plural(row.days_late, 'day')})" for row in late)
                     + ".")
    staffed = [(row, staffing[row.id]) for row in rows if staffing and row.id in staffing]
    short = [(row, [req for req in facts.requirements if req.eligible_today < req.minimum]) for row, facts in staffed]
    short = [(row, reqs) for row, reqs in short if reqs]
    if short:
        lines.append("Staffing short today: " + "; ".join(
            f"{row.name} (" + ", ".join(f"{_role(r.role)} {r.eligible_today} of {r.minimum}" for r in reqs) + ")"
            for row, reqs in short) + ".")
    elif staffed:
        lines.append(f"Staffing is met today on all {_plural(len(staffed), 'cloud')} with staffing requirements.")
    judged = [(row, operations[row.id]) for row in rows if operations and row.id in operations
              and operations[row.id].state != NO_DATA]
    critical = [row.name for row, health in judged if health.state == CRITICAL]
    watch = [row.name for row, health in judged if health.state == WATCH]
    if critical or watch:
        lines.append("Operations: " + "; ".join(
            part for part in (f"critical at {', '.join(critical)}" if critical else "",
                              f"on watch at {', '.join(watch)}" if watch else "") if part) + ".")
    elif judged:
        lines.append(f"Operations healthy at all {_plural(len(judged), 'cloud')} reporting.")
    if findings:
        lines.append("High findings: " + "; ".join(f"{f.cloud} ({f.title})" for f in findings) + ".")
    else:
        lines.append("No high-severity findings are open.")
    attention = [row for row in rows if row.level in (scoring.NOT_READY, scoring.AT_RISK)]
    clouds = [f"{row.name}: {level_words(row).lower()} ({row.reason_text})"
              + (f". {day1_sentence(row, today)}" if row.stage in PRE_LAUNCH_STAGES else ".")
              for row in attention]
    return {"title": f"Portfolio readiness on {_date(today)}", "lines": lines, "clouds": clouds}


MARKDOWN_SPECIALS = "\\`*_{}[]<>#!|"


def md(text: str) -> str:
    """Escape text for Markdown so names show as written (and no HTML gets through)."""
    return "".join(f"\\{char}" if char in MARKDOWN_SPECIALS else char for char in text)


def as_markdown(narrative: dict) -> str:
    lines = [f"# {md(narrative['title'])}", ""]
    lines += [f"- {md(line)}" for line in narrative["lines"]]
    if narrative.get("clouds"):
        lines += ["", "## Needs attention", ""] + [f"- {md(line)}" for line in narrative["clouds"]]
    if narrative.get("actions"):
        lines += ["", f"## {md(narrative['actions_title'])}", ""] + [md(line) for line in narrative["actions"]]
    return "\n".join(lines) + "\n"


def as_text(narrative: dict) -> str:
    lines = [narrative["title"], ""] + [f"- {line}" for line in narrative["lines"]]
    if narrative.get("clouds"):
        lines += ["", "Needs attention:"] + [f"- {line}" for line in narrative["clouds"]]
    if narrative.get("actions"):
        lines += ["", narrative["actions_title"] + ":", *narrative["actions"]]
    return "\n".join(lines) + "\n"
