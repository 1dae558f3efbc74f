"""Writes to findings made by people (the engine writes the rest)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

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
    if finding.resolved_at is not None:
        raise ValidationError("This finding is already resolved.")
    if finding.acknowledged_at is not None:
        raise ValidationError("This finding is already acknowledged; the first acknowledgement is kept.")
    finding.acknowledged_at = timezone.now()
    finding.acknowledged_by = actor
    finding.acknowledgement_note = note
    finding.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return finding
