"""Every write to checklists and their items goes through these functions.

Browser views, the API, the admin, imports, jobs and tests all call them, so
version checks (and later scores and the audit trail) happen in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clouds.access import visible_clouds
from clouds.models import Cloud, CloudPartner, Partner
from readiness.choices import ChangeSource, ItemStatus
from readiness.freshness import mark_stale
from readiness.models import Checklist, ChecklistItem, Framework

EDITABLE_ITEM_FIELDS = frozenset(
    {"status", "owner", "accountable_partner", "due_date", "evidence_url", "notes", "na_justification"}
)
CARRIED_OVER_FIELDS = (
    "status", "owner_id", "accountable_partner_id", "due_date", "evidence_url", "notes",
    "na_justification", "status_changed_at", "completed_at",
)


class StaleVersionError(Exception):
    """The item changed since the caller read it; nothing was written."""

    def __init__(self, item: ChecklistItem, expected_version: int) -> None:
        self.item = item
        self.expected_version = expected_version
        super().__init__(
            f"{item.requirement.code} on {item.checklist.cloud.name} was changed by someone else "
            f"(you edited version {expected_version}, it is now at version {item.version}); "
            "reload it and apply your change again."
        )


class ChecklistAlreadyActiveError(Exception):
    """The cloud already has an active checklist on this framework version (or a newer one)."""


def start_checklist(*, cloud: Cloud, framework: Framework, actor: Any) -> Checklist:
    """Give `cloud` an active checklist on `framework`, one item per requirement.

    If the cloud's active checklist is on another framework version it is archived
    and each item's state is carried over to the requirement with the same code,
    so moving to a new version loses no work. Starting the same version twice, or
    going back to an older version of the same framework, is an error.
    """
    with transaction.atomic():
        # Lock the cloud so two starts for one cloud run one after the other, and the
        # active checklist so no item edit lands on it while its items are copied.
        Cloud.objects.select_for_update().get(pk=cloud.pk)
        previous = (Checklist.objects.select_for_update(of=("self",)).select_related("framework")
                    .filter(cloud=cloud, is_active=True).first())
        if previous is not None and previous.framework_id == framework.pk:
            raise ChecklistAlreadyActiveError(
                f"{cloud.name} already has an active checklist on {framework}."
            )
        if (previous is not None and previous.framework.slug == framework.slug
                and previous.framework.version > framework.version):
            raise ChecklistAlreadyActiveError(
                f"{cloud.name} is on {previous.framework}; going back to version {framework.version} "
                "is not allowed."
            )
        carried: dict[str, dict[str, Any]] = {}
        if previous is not None:
            for row in ChecklistItem.objects.filter(checklist=previous).values(
                "requirement__code", *CARRIED_OVER_FIELDS
            ):
                carried[row.pop("requirement__code")] = row
            previous.is_active = False
            previous.save(update_fields=["is_active"])
        checklist = Checklist.objects.create(
            cloud=cloud, framework=framework, is_active=True,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=checklist, requirement=requirement, **carried.get(requirement.code, {}))
            for requirement in framework.requirements.all()
        )
        mark_stale([cloud.pk])
    return checklist


def update_item(
    *,
    item: ChecklistItem,
    changes: Mapping[str, Any],
    actor: Any,
    source: str,
    expected_version: int,
) -> ChecklistItem:
    """Apply `changes` to `item` if it is still at `expected_version`.

    Raises ValidationError (with per-field messages) on a bad change and
    StaleVersionError when someone else saved first; in both cases nothing is
    written. Returns the saved item at version + 1.
    """
    if source not in ChangeSource.values:
        raise ValueError(f"Unknown change source {source!r}.")
    unknown = sorted(set(changes) - EDITABLE_ITEM_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})

    with transaction.atomic():
        current = (
            # Locking the checklist too orders this edit against a concurrent start_checklist.
            ChecklistItem.objects.select_for_update(of=("self", "checklist"))
            .select_related("requirement", "checklist__cloud")
            .get(pk=item.pk)
        )
        if current.version != expected_version:
            raise StaleVersionError(current, expected_version)
        if not current.checklist.is_active:
            raise ValidationError("This checklist is archived; only the active checklist can be edited.")

        now = timezone.now()
        _apply_changes(current, changes, now=now)

        current.version = expected_version + 1
        current.updated_at = now
        written = ChecklistItem.objects.filter(pk=current.pk, version=expected_version).update(
            **{name: getattr(current, name) for name in _WRITTEN_FIELDS}
        )
        if written != 1:  # a writer the row lock could not stop (SQLite has no row locks)
            raise StaleVersionError(ChecklistItem.objects.get(pk=current.pk), expected_version)
        mark_stale([current.checklist.cloud_id])
    return current


_WRITTEN_FIELDS = (
    "status", "owner", "accountable_partner", "due_date", "evidence_url", "notes", "na_justification",
    "version", "updated_at", "status_changed_at", "completed_at",
)


def preview_item_changes(*, item: ChecklistItem, changes: Mapping[str, Any]) -> ChecklistItem:
    """Validate `changes` against a copy of `item` without writing; raises ValidationError.

    Forms call this to show field errors before saving; update_item runs the same
    checks again inside its transaction.
    """
    unknown = sorted(set(changes) - EDITABLE_ITEM_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})
    copy = ChecklistItem.objects.select_related("requirement", "checklist__cloud").get(pk=item.pk)
    _apply_changes(copy, changes, now=timezone.now())
    return copy


def _apply_changes(item: ChecklistItem, changes: Mapping[str, Any], *, now: dt.datetime) -> None:
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
                    errors[name] = f"No active user with id {value!r}."
                coerced[name] = owner
        elif name == "accountable_partner":
            if value is None or isinstance(value, Partner):
                coerced[name] = value
            else:
                partner = Partner.objects.filter(pk=value).first() \
                    if isinstance(value, int) and not isinstance(value, bool) else None
                if partner is None:
                    errors[name] = f"No partner with id {value!r}."
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
        errors.update(exc.message_dict)
    cloud_id = item.checklist.cloud_id
    # Who may own an item, and which partner may be accountable, is checked when
    # they change, so a later change of someone's access does not block other edits.
    owner = item.owner if "owner" in changed and "owner" not in errors else None
    if owner is not None and (not owner.is_active or not visible_clouds(owner).filter(pk=cloud_id).exists()):
        errors.setdefault("owner", []).append(
            f"{owner.get_username()} cannot see this cloud, so cannot own its items."
        )
    if "accountable_partner" in changed and item.accountable_partner is not None and not CloudPartner.objects.filter(
        cloud_id=cloud_id, partner=item.accountable_partner
    ).exists():
        errors.setdefault("accountable_partner", []).append(
            f"{item.accountable_partner} does not work on this cloud."
        )
    if item.status == ItemStatus.NOT_APPLICABLE and not item.na_justification:
        errors.setdefault("na_justification", []).append(
            "Explain why this requirement does not apply to this cloud."
        )
    if errors:
        raise ValidationError(errors)
