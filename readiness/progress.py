"""Done / counted progress per cloud and pillar, computed by the database in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from readiness.choices import ItemStatus, Pillar
from readiness.models import ChecklistItem


@dataclass(frozen=True)
class Progress:
    done: int
    counted: int

    @property
    def percent(self) -> int | None:
        """Whole percent of counted items done; None when nothing is counted."""
        if self.counted == 0:
            return None
        return (100 * self.done) // self.counted


EMPTY = Progress(done=0, counted=0)


def pillar_progress(cloud_ids: Iterable[int]) -> dict[int, dict[str, Progress]]:
    """cloud id -> pillar -> Progress over each cloud's active checklist (every pillar present)."""
    cloud_ids = list(cloud_ids)
    result: dict[int, dict[str, Progress]] = {cid: dict.fromkeys(Pillar.values, EMPTY) for cid in cloud_ids}
    rows = (
        ChecklistItem.objects.filter(checklist__is_active=True, checklist__cloud_id__in=cloud_ids)
        .values("checklist__cloud_id", "requirement__pillar")
        .annotate(
            counted=Count("id", filter=~Q(status=ItemStatus.NOT_APPLICABLE)),
            done=Count("id", filter=Q(status=ItemStatus.DONE)),
        )
        .order_by()
    )
    for row in rows:
        result[row["checklist__cloud_id"]][row["requirement__pillar"]] = Progress(
            done=row["done"], counted=row["counted"]
        )
    return result


def area_progress(cloud_id: int) -> dict[tuple[str, str], Progress]:
    """(pillar, area) -> Progress over the cloud's active checklist, in one query."""
    rows = (
        ChecklistItem.objects.filter(checklist__is_active=True, checklist__cloud_id=cloud_id)
        .values("requirement__pillar", "requirement__area")
        .annotate(
            counted=Count("id", filter=~Q(status=ItemStatus.NOT_APPLICABLE)),
            done=Count("id", filter=Q(status=ItemStatus.DONE)),
        )
        .order_by()
    )
    return {(row["requirement__pillar"], row["requirement__area"]): Progress(row["done"], row["counted"])
            for row in rows}
