"""Writing events: every change a partner tool may mirror, from any app, goes through `record`.

Called inside the transaction of the change, so an event exists exactly when its change does.
Ids must become visible in id order (the feed reads "after id N"): on PostgreSQL a transaction-level
advisory lock, taken just before the insert and held to commit, makes event-writing transactions
commit one after the other; SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from clouds.access import partner_id_of, visible_clouds
from readiness.models import Event, EventPurge

EVENT_LOCK = 0x52454144  # any constant shared by every writer

# The event types, by what a mirror must do.
ITEM_CHANGED, ITEM_CREATED, ITEM_RETIRED = "item.changed", "item.created", "item.retired"
FINDING_OPENED, FINDING_UPDATED, FINDING_RESOLVED, FINDING_ACKNOWLEDGED = (
    "finding.opened", "finding.updated", "finding.resolved", "finding.acknowledged")
STAFF_CHANGED, STAFF_REMOVED = "staff.changed", "staff.removed"
METRICS_CHANGED = "metrics.changed"
DECISION_RECORDED, CONDITION_MET, DAY1_CHANGED = "decision.recorded", "decision.condition_met", "cloud.day1_changed"
WAIVER_CHANGED = "waiver.changed"
TYPES = (ITEM_CHANGED, ITEM_CREATED, ITEM_RETIRED, FINDING_OPENED, FINDING_UPDATED, FINDING_RESOLVED,
         FINDING_ACKNOWLEDGED, STAFF_CHANGED, STAFF_REMOVED, METRICS_CHANGED, DECISION_RECORDED, CONDITION_MET,
         DAY1_CHANGED, WAIVER_CHANGED)


@dataclass(frozen=True)
class Change:
    type: str
    kind: str
    object_id: int | str
    cloud_id: int
    data: dict[str, Any] = field(default_factory=dict)
    partner_id: int | None = None


def actor_name(actor: Any) -> str:
    """Who made a change, as the feed names it: a username, an API key (partner/name), or the job."""
    if isinstance(actor, get_user_model()) and actor.is_authenticated:
        return actor.get_username()
    audit_name = getattr(actor, "audit_name", "")
    return f"api-key:{audit_name}" if audit_name else "job"


def record(changes: Iterable[Change], *, actor: Any = None, now=None) -> list[Event]:
    """Store the events of one change set, in the caller's transaction."""
    rows = [Event(type=change.type, object_kind=change.kind, object_id=str(change.object_id),
                  cloud_id=change.cloud_id, partner_id=change.partner_id, data=change.data,
                  occurred_at=now or timezone.now(), actor=actor_name(actor))
            for change in changes]
    if not rows:
        return []
    if rows[0].type not in TYPES or any(row.type not in TYPES for row in rows):
        raise ValueError(f"Unknown event type in {sorted({row.type for row in rows})}.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVENT_LOCK])
    created = Event.objects.bulk_create(rows, batch_size=1000)
    for listener in _listeners:
        listener(created)
    return created


# Called with the new events inside the transaction (the webhooks queue their deliveries here).
_listeners: list = []


def on_events(listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def visible_events(user):
    """Events of the clouds the user may see; a partner's people see staff events of their own employees only."""
    queryset = Event.objects.filter(cloud__in=visible_clouds(user))
    own = partner_id_of(user)
    if own is not None:
        queryset = queryset.exclude(Q(object_kind="staff") & (Q(partner_id__isnull=True) | ~Q(partner_id=own)))
    return queryset


def purge_events(*, now=None) -> int:
    """Delete events older than EVENT_RETENTION_DAYS and remember the highest id deleted (the feed answers
    410 to a client still behind it). Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EVENT_RETENTION_DAYS)
    with transaction.atomic():
        last = Event.objects.filter(occurred_at__lt=cutoff).aggregate(last=Max("id"))["last"]
        if last is None:
            return 0
        deleted, _ = Event.objects.filter(id__lte=last).delete()
        EventPurge.objects.update_or_create(pk=1, defaults={"through_id": last, "purged_at": now})
    return deleted


def purged_through() -> int:
    return EventPurge.objects.filter(pk=1).values_list("through_id", flat=True).first() or 0
