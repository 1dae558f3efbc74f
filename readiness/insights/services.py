"""Writes to findings made by people (the engine writes the rest)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from readiness import events
from readiness.models import Finding

MAX_NOTE_LENGTH = 2000


def acknowledge_finding(*, finding: Finding, actor: Any, note: str) -> Finding:
    """Record that `actor` has seen an open finding and why it is accepted or planned.

    Raises ValidationError (nothing written) for a missing or oversized note, a resolved
    finding, or one already acknowledged: the first acknowledgement is kept.
    """
    note = (note or "").strip()
    if not note or len(note) > MAX_NOTE_LENGTH or "\x00" in note:
        raise ValidationError(f"Write a note of 1 to {MAX_NOTE_LENGTH} characters saying why "
                              "(the plan, or the accepted risk).")
    now = timezone.now()
    with transaction.atomic():
        # One conditional UPDATE: of two acknowledgements at the same moment, exactly one matches.
        claimed = Finding.objects.filter(pk=finding.pk, resolved_at__isnull=True,
                                         acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=actor if isinstance(actor, get_user_model()) else None,
            acknowledged_by_key=getattr(actor, "audit_name", "") or "", acknowledgement_note=note, updated_at=now)
        if claimed:
            events.record([events.Change(events.FINDING_ACKNOWLEDGED, "finding", finding.pk, finding.cloud_id,
                                         {"rule": finding.rule})], actor=actor, now=now)
    finding.refresh_from_db()
    if not claimed:
        if finding.resolved_at is not None:
            raise ValidationError("This finding is already resolved.")
        raise ValidationError("This finding is already acknowledged; the first acknowledgement is kept.")
    return finding
