"""Reading the audit trail of an item: who changed what, when, through which path."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from clouds.models import Partner
from readiness.choices import ChangeSource, ItemStatus
from readiness.models import ChecklistItem

# Fields a person cares about, in display order, with their labels.
SHOWN_FIELDS = {
    "status": "Status",
    "owner_id": "Owner",
    "accountable_partner_id": "Accountable partner",
    "due_date": "Due date",
    "evidence_url": "Evidence link",
    "notes": "Notes",
    "na_justification": "Justification",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    source: str
    source_label: str
    api_key_name: str
    version: int
    created: bool
    changes: tuple[FieldChange, ...]


def item_history(item: ChecklistItem, *, after_version: int | None = None) -> list[HistoryEntry]:
    """Every recorded change of the item, newest first (only those past `after_version` if given).

    Costs three queries whatever the length of the history.
    """
    records = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
    users, partners = _names(records)
    entries = []
    previous = None
    for record in records:
        if previous is None or record.history_type == "+":
            changes = ()
        else:
            changes = tuple(
                FieldChange(name, label, show_value(name, getattr(previous, name), users, partners),
                            show_value(name, getattr(record, name), users, partners))
                for name, label in SHOWN_FIELDS.items()
                if getattr(previous, name) != getattr(record, name)
            )
        previous = record
        if after_version is not None and record.version <= after_version:
            continue
        user = record.history_user
        entries.append(HistoryEntry(
            when=record.history_date,
            who=(user.get_full_name() or user.get_username()) if user else
            (f"API key {record.api_key_name}" if record.api_key_name else "system"),  # partner/name
            source=record.change_source,
            source_label=ChangeSource(record.change_source).label if record.change_source else "unknown",
            api_key_name=record.api_key_name,
            version=record.version,
            created=record.history_type == "+",
            changes=changes,
        ))
    entries.reverse()
    return entries


def _names(records) -> tuple[dict[int, str], dict[int, str]]:
    user_ids = {r.owner_id for r in records if r.owner_id}
    partner_ids = {r.accountable_partner_id for r in records if r.accountable_partner_id}
    users = {
        pk: (f"{first} {last}".strip() or username)
        for pk, username, first, last in get_user_model().objects.filter(pk__in=user_ids)
        .values_list("pk", "username", "first_name", "last_name")
    }
    partners = dict(Partner.objects.filter(pk__in=partner_ids).values_list("pk", "name"))
    return users, partners


def show_value(name: str, value, users: dict[int, str], partners: dict[int, str]) -> str:
    """A field's value as people read it (`name` as history records name it, e.g. owner_id)."""
    if value in (None, ""):
        return "(none)"
    if name == "status":
        return ItemStatus(value).label
    if name == "owner_id":
        return users.get(value, f"user #{value}")
    if name == "accountable_partner_id":
        return partners.get(value, f"partner #{value}")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# Editable fields as the history records name them -> as forms, the API and services name them.
FIELD_NAMES = {"status": "status", "owner_id": "owner", "accountable_partner_id": "accountable_partner",
               "due_date": "due_date", "evidence_url": "evidence_url", "notes": "notes",
               "na_justification": "na_justification"}


def values_at(item: ChecklistItem, version: int) -> dict[str, object] | None:
    """The item's editable values as they were at `version` (owner and partner as ids); None if unknown."""
    record = (item.history.filter(version=version).order_by("-history_date", "-history_id")
              .values(*FIELD_NAMES).first())
    return {FIELD_NAMES[name]: value for name, value in record.items()} if record else None


def fields_changed_since(item: ChecklistItem, version: int) -> dict[str, HistoryEntry]:
    """Field name (as services name it) -> the latest change to it after `version`."""
    changed: dict[str, HistoryEntry] = {}
    for entry in item_history(item, after_version=version):  # newest first
        for change in entry.changes:
            changed.setdefault(FIELD_NAMES[change.field], entry)
    return changed
