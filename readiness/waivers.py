"""Waivers: requested on an open item, decided by someone else with the right to decide.

Every write of a waiver goes through these functions (pages, API, admin, demo, tests). Who
may decide is answered by `why_cannot_decide`, the one definition of the approval rule:
administrators may decide any waiver; the program manager of the cloud may decide a waiver
that partner staff (or a partner's API key) requested; nobody decides their own; partner
staff, partner keys and executives never decide.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clouds.access import PortalUser, managed_clouds, partner_id_of, role_of, visible_clouds
from clouds.choices import UserRole
from readiness import events
from readiness.access import editable_items
from readiness.choices import ChangeSource, WaiverState
from readiness.models import ChecklistItem, Waiver
from readiness.snapshots.freshness import mark_stale

REASON_MAX_LENGTH = 4000


def visible_waivers(user: PortalUser) -> QuerySet[Waiver]:
    """Waivers of the clouds the user may see, including those left on items a framework move retired
    (decided or withdrawn ones, and any on a removed requirement): the register keeps them all."""
    return Waiver.objects.filter(item__checklist__cloud__in=visible_clouds(user))


def latest_bound(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=settings.WAIVER_MAX_DAYS)


def request_waiver(*, item: ChecklistItem, reason: str, compensating_control: str, expires_on: dt.date,
                   actor: Any, source: str, today: dt.date | None = None) -> Waiver:
    """Ask to waive `item` until `expires_on`. The actor must be able to edit the item. While a waiver is
    in force, a new request is an extension: it must expire later.

    Raises PermissionDenied when they cannot, ValidationError (per field) on a bad request.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (ChecklistItem.objects.select_for_update(of=("self",)).select_related("checklist")
                  .get(pk=item.pk))
        if not editable_items(actor).filter(pk=locked.pk).exists():
            raise PermissionDenied("You cannot change this item, so you cannot ask to waive it.")
        errors = _request_errors(locked, reason, compensating_control, expires_on, today)
        if errors:
            raise ValidationError(errors)
        waiver = Waiver(item=locked, reason=reason.strip(), compensating_control=compensating_control.strip(),
                        expires_on=expires_on, requested_at=timezone.now(), requested_by=_user_of(actor),
                        requested_by_key=getattr(actor, "audit_name", "") or "",
                        requested_for_partner_id=partner_id_of(actor))
        _save(waiver, actor, source)
    return waiver


def why_cannot_decide(actor: Any, waiver: Waiver) -> str | None:
    """None when `actor` may approve or reject `waiver`, else the reason, for pages and errors."""
    user = _user_of(actor)
    if user is None:
        return "Waivers are decided by signed-in people, never by API keys."
    if partner_id_of(user) is not None:
        return "Partner staff may request waivers but not decide them."
    if waiver.requested_by_id is not None and waiver.requested_by_id == user.pk:
        return "Nobody decides their own waiver: someone else with the right to approve must."
    role = role_of(user)
    if role == UserRole.ADMINISTRATOR:
        return None
    if role == UserRole.PROGRAM_MANAGER:
        if waiver.requested_for_partner_id is None:
            return "A waiver asked for by the provider's own people is decided by an administrator."
        if managed_clouds(user).filter(pk=waiver.item.checklist.cloud_id).exists():
            return None
        return "Only a program manager of this cloud (or an administrator) may decide this waiver."
    return "Only administrators and the cloud's program managers decide waivers."


def decide_waiver(*, waiver: Waiver, approve: bool, note: str, actor: Any, source: str,
                  today: dt.date | None = None) -> Waiver:
    """Approve or reject a requested waiver; raises PermissionDenied or ValidationError."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (Waiver.objects.select_for_update(of=("self",)).select_related("item__checklist")
                  .get(pk=waiver.pk))
        refusal = why_cannot_decide(actor, locked)
        if refusal is not None:
            raise PermissionDenied(refusal)
        if not locked.item.checklist.is_active:
            raise ValidationError("A framework move retired this item (its requirement was removed); "
                                  "this waiver no longer applies.")
        if locked.state != WaiverState.REQUESTED:
            raise ValidationError(f"This waiver was already {locked.get_state_display().lower()}; "
                                  "ask for a new one if needed.")
        if not approve and not (note or "").strip():
            raise ValidationError({"note": ["Say why the waiver is rejected; the requester reads it."]})
        if approve and locked.expires_on < today:
            raise ValidationError({"expires_on": ["This waiver expired before it was approved; "
                                                  "ask for a new one with a later expiry date."]})
        locked.state = WaiverState.APPROVED if approve else WaiverState.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_on = today
        locked.decided_by = _user_of(actor)
        locked.decision_note = (note or "").strip()
        _save(locked, actor, source)
        if approve:
            mark_stale([locked.item.checklist.cloud_id])
    return locked


def withdraw_waiver(*, waiver: Waiver, actor: Any, source: str) -> Waiver:
    """Withdraw a request not yet decided, or end an approved waiver early (it stops applying today).

    Whoever may edit the item may withdraw it.
    """
    with transaction.atomic():
        locked = (Waiver.objects.select_for_update(of=("self",)).select_related("item__checklist")
                  .get(pk=waiver.pk))
        if not editable_items(actor).filter(pk=locked.item_id).exists():
            raise PermissionDenied("You cannot change this item, so you cannot withdraw its waiver.")
        if locked.state not in (WaiverState.REQUESTED, WaiverState.APPROVED):
            raise ValidationError(f"This waiver was {locked.get_state_display().lower()}; "
                                  "there is nothing to withdraw.")
        was_approved = locked.state == WaiverState.APPROVED
        locked.state = WaiverState.WITHDRAWN
        _save(locked, actor, source)
        if was_approved:
            mark_stale([locked.item.checklist.cloud_id])
    return locked


def _request_errors(item: ChecklistItem, reason: str, control: str, expires_on: dt.date,
                    today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not item.checklist.is_active:
        errors["item"] = ["This checklist is archived; only items of the active checklist can be waived."]
    elif not item.is_open:
        errors["item"] = ["Only an open item (not done, not applicable) can be waived."]
    elif Waiver.objects.filter(item=item, state=WaiverState.REQUESTED).exists():
        errors["item"] = ["A waiver for this item is already waiting for a decision."]
    else:
        until = (Waiver.objects.filter(item=item).in_force(today).order_by("-expires_on")
                 .values_list("expires_on", flat=True).first())
        if until is not None and isinstance(expires_on, dt.date) and expires_on <= until:
            errors["item"] = [f"A waiver for this item is already in force until {until.isoformat()}; an extension "
                              "needs a later expiry date."]
    for field, value in (("reason", reason), ("compensating_control", control)):
        if not isinstance(value, str) or not value.strip():
            errors[field] = ["This field is required."]
        elif len(value) > REASON_MAX_LENGTH:
            errors[field] = [f"At most {REASON_MAX_LENGTH} characters."]
    if not isinstance(expires_on, dt.date) or isinstance(expires_on, dt.datetime):
        errors["expires_on"] = ["A date (YYYY-MM-DD) is required."]
    elif expires_on <= today:
        errors["expires_on"] = ["The expiry date must be after today."]
    elif expires_on > latest_bound(today):
        errors["expires_on"] = [f"A waiver may run at most {settings.WAIVER_MAX_DAYS} days ahead "
                                f"(until {latest_bound(today).isoformat()})."]
    return errors


def _save(waiver: Waiver, actor: Any, source: str) -> None:
    if source not in ChangeSource.values:
        raise ValueError(f"Unknown change source {source!r}.")
    waiver._change_source = source
    waiver._history_user = _user_of(actor)
    waiver._api_key_name = getattr(actor, "audit_name", "") or ""
    waiver.full_clean(exclude=["item", "requested_by", "decided_by", "requested_for_partner"])
    waiver.save()
    events.record([events.Change(events.WAIVER_CHANGED, "waiver", waiver.pk, waiver.item.checklist.cloud_id,
                                 {"item": waiver.item_id, "state": waiver.state})], actor=actor)


def _user_of(actor: Any):
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
