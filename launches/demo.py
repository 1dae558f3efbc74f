"""Demo launch governance (a seed_demo extension): the Netherlands' no-go at its readiness review
(T-30) with conditions, an approved waiver and one about to expire; Switzerland's go at its design
review (T-90); the launched clouds' hypercare exits. Recorded through the services, backdated to
each gate's date: the frozen evidence is reconstructed as of that day (launches.past), the way the
score history is. Added once."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from clouds.models import Cloud
from clouds.stages import LAUNCHED
from launches.choices import Outcome
from launches.models import Day1Change, Decision
from launches.services import ConditionInput, record_decision
from launches.state import gates_of
from readiness.choices import ChangeSource
from readiness.models import ChecklistItem, Waiver
from readiness.waivers import decide_waiver, request_waiver

ATTENDEES = {
    "netherlands": "Anna Schmidt (program manager)\nDaan de Vries (Polder Trusted Cloud)\n"
                   "Sanne Bakker (Polder Trusted Cloud)\nAda Admin (portal administrator)",
    "switzerland": "Bruno Lefevre (program manager)\nNina Keller (Alpenwacht)",
}


def seed_launches(report, today: dt.date) -> None:
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["admin", "pm.anna", "pm.bruno", "partner.nl", "sanne.bakker"])}
    clouds = {cloud.slug: cloud for cloud in Cloud.objects.all()}
    if len(users) < 5:
        return
    if "netherlands" in clouds and not Decision.objects.filter(cloud=clouds["netherlands"]).exists():
        _netherlands_slips(report, clouds["netherlands"], users["pm.anna"], today)
        _netherlands(report, clouds["netherlands"], users, today)
    if "switzerland" in clouds and not Decision.objects.filter(cloud=clouds["switzerland"]).exists():
        cloud = clouds["switzerland"]
        _decide(report, cloud, "design-review", Outcome.GO, users["pm.bruno"], today, ATTENDEES["switzerland"],
                "Design reviewed with Alpenwacht: the support model, the in-country escalation path and the staffing "
                "plan are sound; the open items are scheduled well ahead of Day 1.")
    for cloud in clouds.values():
        if (cloud.stage == LAUNCHED and cloud.day1_date is not None
                and not Decision.objects.filter(cloud=cloud, gate_code="hypercare-exit").exists()):
            _decide(report, cloud, "hypercare-exit", Outcome.GO, users["admin"], today,
                    "Ada Admin (portal administrator)\nProgram management",
                    "Hypercare exited: the first month's incident and case metrics held their targets.")


def _netherlands_slips(report, cloud: Cloud, user, today: dt.date) -> None:
    """Day 1 moved twice, 41 days in total, before the design review. Past history, written as rows:
    launches.services.move_day1 records a move made now (and moves the cloud's Day 1)."""
    if cloud.day1_date is None or Day1Change.objects.filter(cloud=cloud).exists():
        return
    now = cloud.day1_date
    first, second = now - dt.timedelta(days=41), now - dt.timedelta(days=21)
    moments = [timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time(10, 0)))
               for days in (100, 85)]
    Day1Change.objects.bulk_create([
        Day1Change(cloud=cloud, previous_day1=first, new_day1=second, changed_by=user, changed_at=moments[0],
                   reason="Polder Trusted Cloud's screening backlog: the night shift cannot be staffed in time."),
        Day1Change(cloud=cloud, previous_day1=second, new_day1=now, changed_by=user, changed_at=moments[1],
                   reason="The national CERT asked for a second incident-communication rehearsal before launch."),
    ])
    report.add("Day 1 changes", 2)


def _netherlands(report, cloud: Cloud, users, today: dt.date) -> None:
    _decide(report, cloud, "design-review", Outcome.GO, users["pm.anna"], today, ATTENDEES["netherlands"],
            "Design accepted: the BIO controls are mapped and Polder Trusted Cloud runs the in-country service desk.")
    _decide(report, cloud, "readiness-review", Outcome.NO_GO, users["pm.anna"], today, ATTENDEES["netherlands"],
            "Not ready to commit to Day 1: gating items are open in escalation and tooling, and the night shift "
            "is not yet covered by screened staff. Review again at the go/no-go.",
            conditions=[
                ("Close the escalation runbook gaps and rehearse a Sev-1 bridge with Polder Trusted Cloud.",
                 users["partner.nl"], 5),
                ("Confirm screened night-shift cover for the first eight weeks after Day 1.", users["pm.anna"], -3),
            ])
    # Two waivers on open, hand-set items of the Netherlands, asked by the partner, approved by its PM.
    items = list(ChecklistItem.objects.active().of_clouds([cloud.pk]).open()
                 .filter(requirement__auto_check="", requirement__gating=False)
                 .select_related("requirement").order_by("-requirement__weight", "requirement__position")[:2])
    for item, days, reason in zip(items, (75, 9), (
            "The supplier cannot deliver before Day 1; the work is contracted for the first quarter after.",
            "Waiting on the national CERT's sign-off, promised for next week."), strict=False):
        if Waiver.objects.filter(item=item).exists():
            continue
        waiver = request_waiver(item=item, reason=reason, compensating_control=(
            "Manual daily review by the duty manager, logged in the shift report, until the item is done."),
            expires_on=today + dt.timedelta(days=days), actor=users["partner.nl"], source=ChangeSource.IMPORT,
            today=today)
        decide_waiver(waiver=waiver, approve=True, note="Risk accepted for the stated period.", actor=users["pm.anna"],
                      source=ChangeSource.IMPORT, today=today)
        report.add("waivers")


def _decide(report, cloud: Cloud, gate_code: str, outcome: str, user, today: dt.date, attendees: str,
            rationale: str, conditions=()) -> None:
    gate = next((gate for gate in gates_of([cloud.pk])[cloud.pk] if gate.code == gate_code), None)
    if gate is None or cloud.day1_date is None:
        return
    day = cloud.day1_date + dt.timedelta(days=gate.offset_days)
    if day > today:
        return
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(15, 0)))
    record_decision(
        cloud=cloud, gate_code=gate_code, outcome=outcome, actor=user, today=day, now=moment,
        decided_by_name=user.get_full_name(), attendees=attendees, rationale=rationale,
        conditions=[ConditionInput(text, owner.pk, today + dt.timedelta(days=due)) for text, owner, due in conditions])
    report.add("launch decisions")
