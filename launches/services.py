"""Every write of launch governance: decisions (with their frozen evidence and conditions), the
conditions' completion, and Day-1 moves. Pages, the API, the demo and tests all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clouds.access import PortalUser, managed_clouds, partner_id_of, role_of, users_editing_cloud
from clouds.choices import UserRole
from clouds.models import EARLIEST_DAY1, LATEST_DAY1, Cloud
from clouds.stages import PRE_LAUNCH_STAGES
from launches import criteria
from launches.choices import Outcome
from launches.evidence import build_evidence, freeze
from launches.models import Day1Change, Decision, DecisionCondition
from launches.past import day1_on
from launches.state import gates_of, spec_of
from readiness import events
from readiness.choices import ChangeSource
from readiness.models import Checklist
from readiness.snapshots.freshness import mark_stale

TEXT_MAX_LENGTH = 8000
MAX_CONDITIONS = 20


@dataclass(frozen=True)
class ConditionInput:
    text: str
    owner_id: int | None
    due_on: dt.date | None


def governed_clouds(user: PortalUser) -> QuerySet[Cloud]:
    """Clouds whose launch decisions and Day 1 the user may record: administrators all,
    program managers the clouds assigned to them; partner staff, keys and executives none."""
    if partner_id_of(user) is not None or role_of(user) not in (UserRole.ADMINISTRATOR, UserRole.PROGRAM_MANAGER):
        return Cloud.objects.none()
    return managed_clouds(user)


def condition_owners(cloud: Cloud) -> QuerySet:
    """Who may own a condition: the people who work on the cloud's checklist."""
    return users_editing_cloud(cloud)


def record_decision(*, cloud: Cloud, gate_code: str, outcome: str, decided_by_name: str, attendees: str,
                    rationale: str, conditions: Sequence[ConditionInput], actor: Any,
                    today: dt.date | None = None, now: dt.datetime | None = None) -> Decision:
    """Record a decision at one of the cloud's gates, freezing the evidence as it stands now.

    Raises PermissionDenied when the actor may not decide for this cloud and ValidationError
    (per field; conditions as `conditions.<n>.<field>`, counted from 1) on bad input. `today`
    and `now` are for the demo and tests; pages and the API record at the present moment.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    user = _user_of(actor)
    if user is None or not governed_clouds(user).filter(pk=cloud.pk).exists():
        raise PermissionDenied("Only administrators and this cloud's program managers record launch decisions.")
    with transaction.atomic():
        locked = Cloud.objects.select_for_update(no_key=True).get(pk=cloud.pk)
        gate = next((gate for gate in gates_of([locked.pk])[locked.pk] if gate.code == gate_code), None)
        errors = _decision_errors(locked, gate, outcome, decided_by_name, attendees, rationale, conditions, today)
        if errors:
            raise ValidationError(errors)
        spec = spec_of(gate)
        due = criteria.due_on(locked.day1_date if today >= timezone.localdate() else day1_on(locked, today), spec)
        framework = Checklist.objects.active().select_related("framework").get(cloud=locked).framework
        text, digest = freeze(build_evidence(locked, spec, due, framework, today, now))
        decision = Decision.objects.create(
            cloud=locked, framework=framework, gate_code=spec.code, gate_name=spec.name, gate_due_on=due,
            outcome=outcome, decided_by=user, decided_by_name=decided_by_name.strip(),
            attendees="\n".join(line.strip() for line in attendees.splitlines() if line.strip()),
            rationale=rationale.strip(), decided_at=now, decided_on=today, evidence=text,
            evidence_sha256=digest,
        )
        DecisionCondition.objects.bulk_create([
            DecisionCondition(decision=decision, position=position, text=condition.text.strip(),
                              owner_id=condition.owner_id, due_on=condition.due_on)
            for position, condition in enumerate(conditions, start=1)
        ])
        events.record([events.Change(events.DECISION_RECORDED, "decision", decision.pk, locked.pk,
                                     {"gate": spec.code, "outcome": outcome})], actor=actor, now=now)
        mark_stale([locked.pk])  # findings (gate overdue) follow the decision
    return decision


def complete_condition(*, condition: DecisionCondition, note: str, actor: Any) -> DecisionCondition:
    """Mark a condition met, saying how; its owner, the cloud's program managers or an administrator may.
    Completing one already done keeps the first completion (two people at once both succeed)."""
    user = _user_of(actor)
    cloud_id = condition.decision.cloud_id
    allowed = user is not None and (condition.owner_id == user.pk
                                     or governed_clouds(user).filter(pk=cloud_id).exists())
    if not allowed:
        raise PermissionDenied("Only the condition's owner, the cloud's program managers or an administrator "
                               "may mark it met.")
    if not isinstance(note, str) or not note.strip():
        raise ValidationError({"note": ["Say how the condition was met."]})
    if len(note) > TEXT_MAX_LENGTH:
        raise ValidationError({"note": [f"At most {TEXT_MAX_LENGTH} characters."]})
    with transaction.atomic():
        locked = DecisionCondition.objects.select_for_update().get(pk=condition.pk)
        if locked.done_at is None:
            locked.done_at = timezone.now()
            locked.done_by = user
            locked.done_note = note.strip()
            locked.save(update_fields=["done_at", "done_by", "done_note"])
            events.record([events.Change(events.CONDITION_MET, "decision", locked.decision_id, cloud_id,
                                         {"condition": locked.pk})], actor=actor)
            mark_stale([cloud_id])
    return locked


def move_day1(*, cloud: Cloud, new_day1: dt.date | None, reason: str, actor: Any,
              source: str = ChangeSource.BROWSER) -> Day1Change:
    """Change the cloud's Day 1, keeping the previous date and the reason in its slip history."""
    user = _user_of(actor)
    if user is None or not governed_clouds(user).filter(pk=cloud.pk).exists():
        raise PermissionDenied("Only administrators and this cloud's program managers move Day 1.")
    errors: dict[str, list[str]] = {}
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = ["Say why Day 1 moves; the reason is kept in the slip history."]
    elif len(reason) > TEXT_MAX_LENGTH:
        errors["reason"] = [f"At most {TEXT_MAX_LENGTH} characters."]
    if new_day1 is not None and (not isinstance(new_day1, dt.date) or isinstance(new_day1, dt.datetime)):
        errors["day1"] = ["A date (YYYY-MM-DD) is required."]
    elif new_day1 is not None and not EARLIEST_DAY1 <= new_day1 <= LATEST_DAY1:
        errors["day1"] = [f"Day 1 must be between {EARLIEST_DAY1.isoformat()} and {LATEST_DAY1.isoformat()}."]
    with transaction.atomic():
        locked = Cloud.objects.select_for_update(no_key=True).get(pk=cloud.pk)
        if not errors and locked.day1_date == new_day1:
            errors["day1"] = [f"Day 1 is already {new_day1.isoformat() if new_day1 else 'unset'}."]
        elif (not errors and new_day1 is not None and locked.stage in PRE_LAUNCH_STAGES
              and new_day1 < timezone.localdate()):
            errors["day1"] = ["A cloud not yet launched cannot have its Day 1 in the past; if it went live, "
                              "set its stage to launched first."]
        if errors:
            raise ValidationError(errors)
        change = Day1Change.objects.create(cloud=locked, previous_day1=locked.day1_date, new_day1=new_day1,
                                           reason=reason.strip(), changed_by=user, changed_at=timezone.now())
        locked.day1_date = new_day1
        locked._change_source = source
        locked._history_user = user
        locked.save(update_fields=["day1_date"])
        events.record([events.Change(events.DAY1_CHANGED, "cloud", locked.slug, locked.pk,
                                     {"previous": change.previous_day1.isoformat() if change.previous_day1 else None,
                                      "day1": new_day1.isoformat() if new_day1 else None})], actor=actor)
        mark_stale([locked.pk])
    cloud.day1_date = new_day1
    return change


def _decision_errors(cloud: Cloud, gate, outcome: str, decided_by_name: str, attendees: str, rationale: str,
                     conditions: Sequence[ConditionInput], today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if gate is None:
        errors["gate"] = ["Not a gate of this cloud's framework version."]
    elif gate.offset_days > 0 and cloud.stage in PRE_LAUNCH_STAGES:
        errors["gate"] = [f"{gate.name} comes after Day 1; record it once the cloud has launched."]
    if outcome not in Outcome.values:
        errors["outcome"] = [f"Choose one of {', '.join(Outcome.values)}."]
    for field, value in (("decided_by_name", decided_by_name), ("attendees", attendees), ("rationale", rationale)):
        if not isinstance(value, str) or not value.strip():
            errors[field] = ["This field is required."]
        elif len(value) > TEXT_MAX_LENGTH:
            errors[field] = [f"At most {TEXT_MAX_LENGTH} characters."]
    if "decided_by_name" not in errors and len(decided_by_name.strip()) > 200:
        errors["decided_by_name"] = ["At most 200 characters."]
    if outcome == Outcome.GO_WITH_CONDITIONS and not conditions:
        errors["conditions"] = ["A go with conditions needs at least one condition."]
    elif outcome == Outcome.GO and conditions:
        errors["conditions"] = ["A go has no conditions; record a go with conditions instead."]
    elif len(conditions) > MAX_CONDITIONS:
        errors["conditions"] = [f"At most {MAX_CONDITIONS} conditions."]
    owners = set(condition_owners(cloud).filter(pk__in=[c.owner_id for c in conditions if c.owner_id])
                 .values_list("pk", flat=True))
    for number, condition in enumerate(conditions, start=1):
        where = f"conditions.{number}"
        if not isinstance(condition.text, str) or not condition.text.strip():
            errors[f"{where}.text"] = ["Say what must be done."]
        elif len(condition.text) > TEXT_MAX_LENGTH:
            errors[f"{where}.text"] = [f"At most {TEXT_MAX_LENGTH} characters."]
        if condition.owner_id not in owners:
            errors[f"{where}.owner"] = ["Choose someone who works on this cloud's checklist."]
        if condition.due_on is None:
            errors[f"{where}.due_on"] = ["A due date is required."]
        elif condition.due_on < today:
            errors[f"{where}.due_on"] = ["The due date cannot be in the past."]
    return errors


def _user_of(actor: Any):
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
