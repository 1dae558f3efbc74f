"""Whether a cloud's scores and findings lag behind its data.

Every change that can move a score marks the cloud stale in the change's own
transaction (`mark_stale`) and asks for a refresh once it commits. A refresh
reads the clouds' generations before it computes anything and clears the mark
afterwards only where the generation is unchanged (`clear_stale`), so an edit
made during a refresh, or a refresh that dies half-way, leaves the cloud stale
for the next sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from clouds.models import Cloud
from readiness.models import CloudScoreState

logger = logging.getLogger(__name__)

# Set by ReadinessConfig.ready to the Celery task's `delay`, so this module needs no task import.
_enqueue: Callable[[int], object] | None = None


def set_refresh_enqueuer(enqueue: Callable[[int], object]) -> None:
    """Name the function that queues one cloud's refresh (readiness.tasks.refresh_cloud.delay)."""
    global _enqueue
    _enqueue = enqueue


def mark_stale(cloud_ids: Iterable[int]) -> None:
    """Mark clouds stale in the current transaction and enqueue their refresh on commit.

    Call it inside the transaction that writes the change, so the mark and the
    change commit (or roll back) together.
    """
    ids = sorted(set(cloud_ids))
    if not ids:
        return
    now = timezone.now()
    with transaction.atomic():
        # Rows first (a concurrent refresh may create them too), then one UPDATE for all, so the
        # mark and the new generation land whoever created the row.
        CloudScoreState.objects.bulk_create(
            [CloudScoreState(cloud_id=cloud_id, stale=True, generation=0, marked_at=now) for cloud_id in ids],
            ignore_conflicts=True,
        )
        CloudScoreState.objects.filter(cloud_id__in=ids).update(
            stale=True, generation=F("generation") + 1, marked_at=now
        )
    for cloud_id in ids:
        transaction.on_commit(lambda cloud_id=cloud_id: enqueue_refresh(cloud_id))


def enqueue_refresh(cloud_id: int) -> bool:
    """Ask the workers to refresh a cloud; never raises.

    With the broker down the change is already saved and the cloud stays
    stale: the periodic sweep brings it up to date once the broker is back.
    """
    if _enqueue is None:
        logger.warning("No refresh task is registered; cloud %s stays stale until the next sweep.", cloud_id)
        return False
    try:
        _enqueue(cloud_id)
    except Exception:
        logger.warning("Could not enqueue or run the refresh of cloud %s (broker unavailable?); "
                       "the cloud stays stale until the next sweep.", cloud_id, exc_info=True)
        return False
    return True


def hold_stale(cloud_ids: list[int]) -> dict[int, int]:
    """Mark the clouds stale without a new generation, and return cloud id -> generation.

    A refresh calls this before computing anything; `clear_stale` with the returned
    generations ends it. Clouds without a state row are left out (and count as stale).
    """
    CloudScoreState.objects.filter(cloud_id__in=cloud_ids, stale=False).update(stale=True)
    return dict(CloudScoreState.objects.filter(cloud_id__in=cloud_ids).values_list("cloud_id", "generation"))


def stale_among(cloud_ids: list[int]) -> list[int]:
    """Those of the clouds that are stale or were never computed."""
    fresh = set(CloudScoreState.objects.filter(cloud_id__in=cloud_ids, stale=False).values_list("cloud_id", flat=True))
    return [cloud_id for cloud_id in cloud_ids if cloud_id not in fresh]


def clear_stale(cloud_ids: list[int], seen: dict[int, int], now: dt.datetime | None = None) -> None:
    """Compare-and-swap: only clouds whose generation is still the one `seen` become fresh."""
    now = now or timezone.now()
    missing = [cloud_id for cloud_id in cloud_ids if cloud_id not in seen]
    if missing:
        CloudScoreState.objects.bulk_create(
            [CloudScoreState(cloud_id=cloud_id, stale=False, generation=0, computed_at=now) for cloud_id in missing],
            ignore_conflicts=True,
        )
    condition = Q()
    for cloud_id, generation in seen.items():
        condition |= Q(cloud_id=cloud_id, generation=generation)
    if condition:
        CloudScoreState.objects.filter(condition).update(stale=False, computed_at=now)


def stale_cloud_ids() -> list[int]:
    """Clouds marked stale, and clouds never computed (no state yet)."""
    return list(Cloud.objects.filter(Q(score_state__stale=True) | Q(score_state__isnull=True))
                .order_by("pk").values_list("pk", flat=True))
