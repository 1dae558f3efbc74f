"""Coercing, applying and validating a change to one checklist item (no writes here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from clouds.access import visible_clouds
from clouds.models import CloudPartner, Partner
from readiness.choices import ItemStatus
from readiness.models import ChecklistItem
from readiness.validation import error_dict

EDITABLE_ITEM_FIELDS = frozenset(
    {"status", "owner", "accountable_partner", "due_date", "evidence_url", "notes", "na_justification"}
)
# Columns an item edit may write (the editable fields and what they imply).
WRITTEN_FIELDS = (
    "status", "owner", "accountable_partner", "due_date", "evidence_url", "notes", "na_justification",
    "version", "updated_at", "status_changed_at", "completed_at",
)
TEXT_LIMITS = {"notes": 10000, "na_justification": 5000}
# One message whether the user or partner does not exist or is not eligible: an error must not
# reveal who exists outside the caller's clouds.
NOT_AN_OWNER = "Not someone who can own this cloud's items (an active user who can see the cloud)."
NOT_A_PARTNER = "Not a partner working on this cloud."
_COMPARED = ("status", "owner_id", "accountable_partner_id", "due_date", "evidence_url", "notes", "na_justification")


def reject_unknown_fields(changes: Mapping[str, Any]) -> None:
    unknown = sorted(set(changes) - EDITABLE_ITEM_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})


def apply_changes(item: ChecklistItem, changes: Mapping[str, Any], *, now: dt.datetime) -> bool:
    """Set the changed fields and the timestamps they imply, then validate the result.

    Returns whether anything actually changed. Raises ValidationError naming each bad field.
    """
    before = tuple(getattr(item, name) for name in _COMPARED)
    _apply(item, changes, now=now)
    after = tuple(getattr(item, name) for name in _COMPARED)
    # For the event the write records (readiness.events): the fields as the API names them.
    changed = [name.removesuffix("_id") for name, old, new in zip(_COMPARED, before, after, strict=True) if old != new]
    item._changed_fields = sorted({*getattr(item, "_changed_fields", ()), *changed})
    return after != before


def _apply(item: ChecklistItem, changes: Mapping[str, Any], *, now: dt.datetime) -> None:
    """Set the changed fields and the timestamps they imply, then validate the result."""
    previous_status = item.status
    for name, value in _coerce_changes(changes).items():
        setattr(item, name, value)
    if item.status != previous_status:
        item.status_changed_at = now
    if item.status == ItemStatus.DONE:
        item.completed_at = item.completed_at or now
    else:
        item.completed_at = None
    if item.status != ItemStatus.NOT_APPLICABLE:
        if changes.get("na_justification"):
            raise ValidationError({"na_justification": "A justification is only kept for items marked "
                                                       "not applicable; set the status too."})
        item.na_justification = ""
    _validate_item(item, set(changes))


def _coerce_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ids and strings into the values the model holds, naming each field that is wrong."""
    coerced: dict[str, Any] = {}
    errors: dict[str, str] = {}
    user_model = get_user_model()
    for name, value in changes.items():
        if name == "owner":
            if value is None or isinstance(value, user_model):
                coerced[name] = value
            else:
                owner = user_model.objects.filter(pk=value, is_active=True).first() \
                    if isinstance(value, int) and not isinstance(value, bool) else None
                if owner is None:
                    errors[name] = NOT_AN_OWNER
                coerced[name] = owner
        elif name == "accountable_partner":
            if value is None or isinstance(value, Partner):
                coerced[name] = value
            else:
                partner = Partner.objects.filter(pk=value).first() \
                    if isinstance(value, int) and not isinstance(value, bool) else None
                if partner is None:
                    errors[name] = NOT_A_PARTNER
                coerced[name] = partner
        elif name == "due_date":
            if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
                coerced[name] = value
            elif isinstance(value, str):
                try:
                    coerced[name] = dt.date.fromisoformat(value)
                except ValueError:
                    errors[name] = f"{value!r} is not a date (YYYY-MM-DD)."
            else:
                errors[name] = "Enter a date (YYYY-MM-DD)."
        elif name in ("status", "evidence_url", "notes", "na_justification"):
            if value is None and name != "status":
                value = ""
            if not isinstance(value, str):
                errors[name] = "Enter text."
            coerced[name] = value.strip() if isinstance(value, str) else value
    if errors:
        raise ValidationError(errors)
    return coerced


def _validate_item(item: ChecklistItem, changed: set[str]) -> None:
    """Field validation plus the rules the database also enforces, as readable messages."""
    errors: dict[str, list[str]] = {}
    try:
        item.full_clean(exclude=["checklist", "requirement", "version", "completed_at", "status_changed_at"],
                        validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(error_dict(exc))
    cloud_id = item.checklist.cloud_id
    # Who may own an item, and which partner may be accountable, is checked when
    # they change, so a later change of someone's access does not block other edits.
    owner = item.owner if "owner" in changed and "owner" not in errors else None
    if owner is not None and (not owner.is_active or not visible_clouds(owner).filter(pk=cloud_id).exists()):
        errors.setdefault("owner", []).append(NOT_AN_OWNER)
    partner = item.accountable_partner if "accountable_partner" in changed else None
    if partner is not None and not CloudPartner.objects.filter(cloud_id=cloud_id, partner=partner).exists():
        errors.setdefault("accountable_partner", []).append(NOT_A_PARTNER)
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(item, name)) > limit:
            errors.setdefault(name, []).append(f"Keep this to {limit} characters or fewer.")
    if item.status == ItemStatus.NOT_APPLICABLE and not item.na_justification:
        errors.setdefault("na_justification", []).append(
            "Explain why this requirement does not apply to this cloud."
        )
    if errors:
        raise ValidationError(errors)
