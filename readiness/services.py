"""Every write to checklists and their items goes through these functions.

Browser views, the API, the admin, imports, jobs and tests all call them, so the
version check, the audit record and the stale mark for scores happen in one
place and in one transaction with the change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clouds.models import Cloud
from readiness import checks, events
from readiness.audit import fields_changed_since
from readiness.choices import ChangeSource, WaiverState
from readiness.item_changes import (
    EDITABLE_ITEM_FIELDS,
    WRITTEN_FIELDS,
    apply_changes,
    reject_unknown_fields,
)
from readiness.models import Checklist, ChecklistItem, Finding, Framework, FrameworkMove, Waiver
from readiness.snapshots.freshness import mark_stale
from readiness.validation import error_dict

__all__ = [
    "EDITABLE_ITEM_FIELDS", "MAX_BULK_ROWS", "BulkUpdateError", "ChecklistAlreadyActiveError", "ItemUpdate",
    "RowError", "StaleVersionError", "preview_item_changes", "start_checklist", "update_item", "update_items",
]

MAX_BULK_ROWS = 500
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


@dataclass(frozen=True)
class ItemUpdate:
    """One row of a bulk change."""

    item_id: int
    expected_version: int
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class RowError:
    index: int
    item_id: int
    code: str  # "invalid", "stale" or "not_found"
    fields: dict[str, list[str]] = field(default_factory=dict)


class BulkUpdateError(Exception):
    """At least one row of a bulk change failed; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} row(s) could not be saved; nothing was changed.")


def start_checklist(*, cloud: Cloud, framework: Framework, actor: Any,
                    source: str = ChangeSource.ADMIN) -> Checklist:
    """Give `cloud` an active checklist on `framework`, one item per requirement.

    If the cloud's active checklist is on another framework version it is archived
    and each item's state is carried over to the requirement with the same code,
    so moving to a new version loses no work. Starting the same version twice, or
    going back to an older version of the same framework, is an error.
    """
    user = _user_of(actor)
    with transaction.atomic():
        # Lock the cloud so two starts for one cloud run one after the other, and the
        # active checklist so no item edit lands on it while its items are copied. NO KEY
        # UPDATE: rows that only reference the cloud (snapshots, findings, score state) can
        # still be written meanwhile, so a refresh running now cannot deadlock with us.
        Cloud.objects.select_for_update(no_key=True).get(pk=cloud.pk)
        previous = (Checklist.objects.select_for_update(of=("self",)).select_related("framework")
                    .filter(cloud=cloud).active().first())
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
        retired_ids: dict[str, int] = {}
        if previous is not None:
            for row in ChecklistItem.objects.filter(checklist=previous).values(
                "pk", "requirement__code", *CARRIED_OVER_FIELDS
            ):
                retired_ids[row["requirement__code"]] = row.pop("pk")
                carried[row.pop("requirement__code")] = row
            previous.is_active = False
            previous._change_source = source
            previous._history_user = user
            previous.save(update_fields=["is_active"])
        checklist = Checklist(cloud=cloud, framework=framework, is_active=True, started_by=user)
        checklist._change_source = source
        checklist._history_user = user
        checklist.save()
        bulk_create_with_history(
            [ChecklistItem(checklist=checklist, requirement=requirement, **carried.get(requirement.code, {}))
             for requirement in framework.requirements.all()],
            ChecklistItem, default_user=user, custom_historical_attrs=_audit_attrs(actor, source),
        )
        new_ids = dict(ChecklistItem.objects.filter(checklist=checklist).values_list("requirement__code", "pk"))
        events.record(
            [events.Change(events.ITEM_CREATED, "item", pk, cloud.pk,
                           {"code": code, "replaces": retired_ids.get(code)}) for code, pk in sorted(new_ids.items())]
            + [events.Change(events.ITEM_RETIRED, "item", pk, cloud.pk,
                             {"code": code, "replaced_by": new_ids.get(code)})
               for code, pk in sorted(retired_ids.items())], actor=actor)
        if previous is not None:
            _carry_waivers(retired_ids, new_ids, user=user, source=source)
            _relink_findings(retired_ids, new_ids, actor=actor)
            FrameworkMove.objects.create(
                cloud=cloud, from_checklist=previous, to_checklist=checklist, moved_at=timezone.now(), moved_by=user,
                retired_items=[{"retired_id": old_id, "code": code, "replaced_by_id": new_ids.get(code)}
                               for code, old_id in sorted(retired_ids.items())],
                added_codes=sorted(set(new_ids) - set(retired_ids)),
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
    written. Returns the saved item at version + 1, or the item unchanged (same
    version, nothing recorded) when the changes equal its current values.
    """
    _check_source(source)
    reject_unknown_fields(changes)
    with transaction.atomic():
        current = _locked_items([item.pk]).get(pk=item.pk)
        if current.version != expected_version:
            raise StaleVersionError(current, expected_version)
        if not current.checklist.is_active:
            raise ValidationError("This checklist is archived; only the active checklist can be edited.")
        _refuse_hand_edits_of_checked(current, source)
        now = timezone.now()
        if not apply_changes(current, changes, now=now):
            return current
        _write([current], now=now, actor=actor, source=source)
    return current


def update_items(*, updates: Sequence[ItemUpdate], actor: Any, source: str,
                 allowed: QuerySet[ChecklistItem] | None = None, merge: bool = False) -> list[ChecklistItem]:
    """Apply many item changes, all or nothing.

    Rows outside `allowed` (the caller's editable items) count as not found. Every
    failing row is reported in BulkUpdateError.errors and nothing is written. With
    `merge`, a row whose item moved on since its version is still applied when none
    of the fields it sets changed since (someone else's other fields are kept); the
    API does not merge, its callers hold ETags.
    """
    _check_source(source)
    if len(updates) > MAX_BULK_ROWS:
        raise ValidationError(f"At most {MAX_BULK_ROWS} items can be changed at once; got {len(updates)}.")
    ids = [update.item_id for update in updates]
    with transaction.atomic():
        locked = _locked_items(ids)
        if allowed is not None:
            locked = locked.filter(pk__in=allowed.values("pk"))
        items = {item.pk: item for item in locked.order_by("pk")}
        errors: list[RowError] = []
        changed: list[ChecklistItem] = []
        seen: set[int] = set()
        now = timezone.now()
        for index, update in enumerate(updates):
            item = items.get(update.item_id)
            if item is None or not item.checklist.is_active:
                errors.append(RowError(index, update.item_id, "not_found"))
                continue
            if update.item_id in seen:
                errors.append(RowError(index, update.item_id, "invalid",
                                       {"id": ["This item appears more than once."]}))
                continue
            seen.add(update.item_id)
            if item.version != update.expected_version:
                # Merging starts from a version the item really had: an older one, never a newer one.
                overlap = (_changed_fields_since(item, update) if merge and update.expected_version < item.version
                           else {"version": [f"The item is at version {item.version}."]})
                if overlap:
                    errors.append(RowError(index, update.item_id, "stale", overlap))
                    continue
            try:
                reject_unknown_fields(update.changes)
                _refuse_hand_edits_of_checked(item, source)
                if apply_changes(item, update.changes, now=now):
                    changed.append(item)
            except ValidationError as exc:
                errors.append(RowError(index, update.item_id, "invalid", error_dict(exc)))
        if errors:
            raise BulkUpdateError(errors)
        if changed:
            _write(changed, now=now, actor=actor, source=source)
    return [items[update.item_id] for update in updates]


def preview_item_changes(*, item: ChecklistItem, changes: Mapping[str, Any]) -> ChecklistItem:
    """Validate `changes` against a copy of `item` without writing; raises ValidationError.

    Forms call this to show field errors before saving; update_item runs the same
    checks again inside its transaction.
    """
    reject_unknown_fields(changes)
    copy = ChecklistItem.objects.select_related("requirement", "checklist__cloud").get(pk=item.pk)
    apply_changes(copy, changes, now=timezone.now())
    return copy


# -- helpers -------------------------------------------------------------------

def _carry_waivers(retired_ids: dict[str, int], new_ids: dict[str, int], *, user, source: str) -> None:
    """Requested and approved waivers follow their item to the requirement with the same code
    (their history keeps the item they were asked on)."""
    moving = (Waiver.objects.filter(item_id__in=[retired_ids[code] for code in retired_ids if code in new_ids],
                                    state__in=[WaiverState.REQUESTED, WaiverState.APPROVED])
              .select_related("item__requirement"))
    for waiver in moving:
        waiver.item_id = new_ids[waiver.item.requirement.code]
        waiver._change_source = source
        waiver._history_user = user
        waiver.save(update_fields=["item"])


def _relink_findings(retired_ids: dict[str, int], new_ids: dict[str, int], *, actor: Any) -> None:
    """Findings, resolved ones included, name the items that replaced the retired ones (a retired
    id answers 404, and a mirror drops it on item.retired); links to an item with no successor go."""
    through = Finding.items.through
    successor = {old: new_ids.get(code) for code, old in retired_ids.items()}
    links = list(through.objects.filter(checklistitem_id__in=successor).values_list("pk", "finding_id",
                                                                                   "checklistitem_id"))
    if not links:
        return
    through.objects.filter(pk__in=[pk for pk, _, _ in links]).delete()
    through.objects.bulk_create([through(finding_id=finding_id, checklistitem_id=successor[item_id])
                                 for _, finding_id, item_id in links if successor[item_id] is not None],
                                ignore_conflicts=True)
    now = timezone.now()
    findings = list(Finding.objects.filter(pk__in={finding_id for _, finding_id, _ in links}).order_by("pk"))
    Finding.objects.filter(pk__in=[f.pk for f in findings]).update(updated_at=now)
    events.record([events.Change(events.FINDING_UPDATED, "finding", f.pk, f.cloud_id,
                                 {"rule": f.rule, "items_changed": True}) for f in findings], actor=actor, now=now)


def _refuse_hand_edits_of_checked(item: ChecklistItem, source: str) -> None:
    """An item whose requirement names an automatic check is set by that check's job alone."""
    if item.requirement.auto_check and source != ChangeSource.JOB:
        raise ValidationError(f"This item is set by the {checks.description_of(item.requirement.auto_check)}; "
                              "it cannot be changed by hand.")


def _changed_fields_since(item: ChecklistItem, update: ItemUpdate) -> dict[str, list[str]]:
    """The fields this row sets that someone else changed since its version, and who did."""
    changed = fields_changed_since(item, update.expected_version)
    return {name: [f"Changed by {changed[name].who} at {changed[name].when:%Y-%m-%d %H:%M}."]
            for name in update.changes if name in changed}


def _check_source(source: str) -> None:
    if source not in ChangeSource.values:
        raise ValueError(f"Unknown change source {source!r}.")


def _locked_items(ids: Sequence[int]) -> QuerySet[ChecklistItem]:
    # Locking the checklist too orders an edit against a concurrent start_checklist.
    return (ChecklistItem.objects.select_for_update(of=("self", "checklist"))
            .select_related("requirement", "checklist__cloud").filter(pk__in=list(ids)))


def _write(items: list[ChecklistItem], *, now, actor: Any, source: str) -> None:
    """Save the items at version + 1 in one statement, record history, mark their clouds stale.

    The callers checked each version after locking the rows (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite transactions here take the write lock when they begin), so no other
    writer can have moved them since.
    """
    for item in items:
        item.version += 1
        item.updated_at = now
    ChecklistItem.objects.bulk_update(items, WRITTEN_FIELDS, batch_size=500)
    ChecklistItem.history.bulk_history_create(
        items, update=True, default_user=_user_of(actor), default_date=now,
        custom_historical_attrs=_audit_attrs(actor, source),
    )
    events.record([events.Change(events.ITEM_CHANGED, "item", item.pk, item.checklist.cloud_id,
                                 {"fields": getattr(item, "_changed_fields", []), "version": item.version})
                   for item in items], actor=actor, now=now)
    mark_stale({item.checklist.cloud_id for item in items})


def _user_of(actor: Any):
    """The signed-in user behind a change; None for jobs and API keys (named by `audit_name` instead)."""
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None


def _audit_attrs(actor: Any, source: str) -> dict[str, str]:
    return {"change_source": source, "api_key_name": getattr(actor, "audit_name", "") or ""}
