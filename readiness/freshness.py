"""Marking clouds stale and asking for a recompute once the change is committed."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from readiness.models import CloudScoreState

logger = logging.getLogger(__name__)


def mark_stale(cloud_ids: Iterable[int]) -> None:
    """Mark clouds stale in the current transaction and enqueue their recompute on commit.

    Call it inside the transaction that writes the change, so the mark and the
    change commit (or roll back) together.
    """
    ids = sorted(set(cloud_ids))
    if not ids:
        return
    now = timezone.now()
    with transaction.atomic():
        updated = set(
            CloudScoreState.objects.filter(cloud_id__in=ids).values_list("cloud_id", flat=True)
        )
        CloudScoreState.objects.filter(cloud_id__in=ids).update(
            stale=True, generation=F("generation") + 1, marked_at=now
        )
        missing = [cloud_id for cloud_id in ids if cloud_id not in updated]
        if missing:
            CloudScoreState.objects.bulk_create(
                [CloudScoreState(cloud_id=cloud_id, stale=True, generation=1, marked_at=now) for cloud_id in missing],
                ignore_conflicts=True,
            )
    for cloud_id in ids:
        transaction.on_commit(lambda cloud_id=cloud_id: enqueue_recompute(cloud_id))


def enqueue_recompute(cloud_id: int) -> bool:
    """Ask the workers to recompute a cloud; never raises.

    With the broker down the change is already saved and the cloud stays
    stale: the periodic sweep brings it up to date once the broker is back.
    """
    from readiness.tasks import recompute_cloud

    try:
        recompute_cloud.delay(cloud_id)
    except Exception:
        logger.warning("Could not enqueue or run the score recompute of cloud %s (broker unavailable?); "
                       "the cloud stays stale until the next sweep.", cloud_id, exc_info=True)
        return False
    return True
