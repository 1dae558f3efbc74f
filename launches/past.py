"""A cloud's launch facts as they stood on a past day, for decisions recorded after the fact (the demo's
backdated decisions; a meeting entered days later would use it too). The same reconstruction as the
score history (readiness.scoring.item_as_of over each item's dates), Day 1 from the Day-1 history,
findings open on that day, and staffing and operations health of that day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.functions import TruncDate

from clouds.stages import LAUNCHED, PRE_LAUNCH
from launches.criteria import LaunchFacts, StaffingLine
from launches.models import Day1Change
from operations.health import NO_DATA
from operations.summary import health_of
from people.insight_facts import staffing_facts
from readiness import scoring
from readiness.models import ChecklistItem, Finding, Waiver
from readiness.snapshots.sums import item_facts
from readiness.snapshots.thresholds import current_thresholds
from readiness.terms import HIGH


def day1_on(cloud, day: dt.date) -> dt.date | None:
    """The cloud's Day 1 as it was at the end of `day`, from its Day-1 history."""
    changes = list(Day1Change.objects.filter(cloud=cloud).order_by("changed_at", "pk")
                   .annotate(on=TruncDate("changed_at")).values_list("on", "previous_day1", "new_day1"))
    done = [new for on, _, new in changes if on <= day]
    if done:
        return done[-1]
    return changes[0][1] if changes else cloud.day1_date


def facts_on(cloud, day: dt.date) -> tuple[LaunchFacts, list[dict], list[dict]]:
    """(the facts, the open gating items, the open high findings) of `cloud` at the end of `day`."""
    day1 = day1_on(cloud, day)
    stage = PRE_LAUNCH if cloud.stage == LAUNCHED and day1 is not None and day < day1 else cloud.stage
    facts = [scoring.item_as_of(item, day) for item in item_facts([cloud.pk])[cloud.pk]]
    score = scoring.score_cloud(scoring.totals_by_pillar(facts, day), stage=stage, day1=day1, today=day,
                                thresholds=current_thresholds())
    waived = set(Waiver.objects.filter(item__checklist__cloud=cloud, item__checklist__is_active=True)
                 .in_force(day).values_list("item_id", flat=True))
    gating = []
    for item in (ChecklistItem.objects.active().of_clouds([cloud.pk]).gating().select_related("requirement", "owner")
                 .order_by("requirement__position")):
        as_of = scoring.item_as_of(scoring.ItemFacts(
            item.requirement.pillar, item.requirement.weight, True, item.status, item.due_date,
            item.completed_at.date() if item.completed_at else None,
            item.status_changed_at.date() if item.status_changed_at else None), day)
        if scoring.is_open(as_of.status) and item.pk not in waived:
            gating.append({"id": item.pk, "code": item.requirement.code, "title": item.requirement.title,
                           "status": as_of.status, "due_date": item.due_date.isoformat() if item.due_date else None,
                           "owner": item.owner.username if item.owner else None})
    findings = [
        {"id": pk, "rule": rule, "explanation": explanation, "opened_at": opened}
        for pk, rule, explanation, opened in Finding.objects.filter(
            Q(resolved_at__isnull=True) | Q(resolved_at__date__gt=day), cloud=cloud, severity=HIGH,
            opened_at__date__lte=day).order_by("rule").values_list("pk", "rule", "explanation", "opened_at")]
    staffing = staffing_facts([cloud.pk], day).get(cloud.pk)
    health = health_of([cloud.pk], day).get(cloud.pk)
    waived_gating = (ChecklistItem.objects.filter(pk__in=waived, requirement__gating=True).count() if waived else 0)
    return LaunchFacts(
        overall=score.overall, level=score.level.level, reason=score.level.reason,
        open_gating=score.overall_totals.open_gating, waived=score.overall_totals.waived,
        staffing=tuple(StaffingLine(row.role, row.minimum, row.eligible_today)
                       for row in (staffing.requirements if staffing else ())),
        operations_state=health.state if health else NO_DATA,
        operations_reason=health.reason if health else "No operations metrics recorded.",
        waived_gating=waived_gating,
    ), gating, findings
