"""What to show when two people edited one item: whose fields changed, and where both did.

A browser save carries the version its editor was opened on. When someone else saved
in between, the other person's changes to fields this person did not touch are kept
as they are; the fields both changed are shown side by side to choose from; saving
again writes only this person's fields (see ItemEditForm.changes_from).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from readiness.audit import SHOWN_FIELDS, HistoryEntry, fields_changed_since, item_history, show_value
from readiness.forms import current_values
from readiness.models import ChecklistItem

LABELS = {"owner": SHOWN_FIELDS["owner_id"], **{name: label for name, label in SHOWN_FIELDS.items()
                                                 if not name.endswith("_id")}}


@dataclass(frozen=True)
class BothChanged:
    field: str
    label: str
    theirs: str
    mine: str


@dataclass(frozen=True)
class Conflict:
    entries: list[HistoryEntry]  # the other saves since this person's version, newest first
    both: list[BothChanged]  # fields both changed, to choose from
    kept: dict[str, Any]  # fields only they changed: their current values, to show in the form


def analyse(current: ChecklistItem, started_from: int, changes: dict[str, Any]) -> Conflict:
    """Compare this person's `changes` (made on version `started_from`) with the item as it is now."""
    theirs = fields_changed_since(current, started_from)
    now = current_values(current)
    both_fields = [name for name in changes if name in theirs and changes[name] != now[name]]
    names = _owner_names([now["owner"], changes.get("owner")] if "owner" in both_fields else [])
    both = [BothChanged(name, LABELS[name], _show(name, now[name], names), _show(name, changes[name], names))
            for name in both_fields]
    kept = {name: now[name] for name in theirs if name not in changes and name in now}
    return Conflict(item_history(current, after_version=started_from), both, kept)


def as_form_value(value: Any) -> str:
    """A value as a form field holds it (ids and dates as text, nothing as empty)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _owner_names(ids: list[int | None]) -> dict[int, str]:
    wanted = [pk for pk in ids if pk]
    return {user.pk: user.get_full_name() or user.get_username()
            for user in get_user_model().objects.filter(pk__in=wanted)}


def _show(name: str, value: Any, owners: dict[int, str]) -> str:
    recorded = {"owner": "owner_id", "accountable_partner": "accountable_partner_id"}.get(name, name)
    return show_value(recorded, value, owners, {})
