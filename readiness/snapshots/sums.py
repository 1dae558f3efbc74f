"""The database side of scoring: the done and counted sums, computed by grouped queries.

`done_and_counted()` is the one definition of those sums (DONE and COUNTED below);
scores, progress bars, area charts and top actions all annotate with it. The
results feed readiness.scoring's pure functions; a test checks that they give
the same sums as scoring.totals_by_pillar over the same items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from readiness.choices import OPEN_STATUSES, ItemStatus, Pillar, WaiverState
from readiness.models import WAIVED, ChecklistItem, Waiver, overdue_condition
from readiness.scoring import ItemFacts, Totals

DONE = Q(status=ItemStatus.DONE)
# Counted: neither not applicable nor waived. Querysets filtered or aggregated with it carry the
# `under_waiver` alias (ChecklistItemQuerySet.with_waiver_flag; active_items adds it).
COUNTED = ~Q(status=ItemStatus.NOT_APPLICABLE) & ~WAIVED
_WEIGHT = "requirement__weight"


def done_and_counted() -> dict:
    """Annotations: counted and done weight (for scores), counted and done items (for progress)."""
    return {
        "counted_weight": Coalesce(Sum(_WEIGHT, filter=COUNTED), Value(0)),
        "done_weight": Coalesce(Sum(_WEIGHT, filter=DONE), Value(0)),
        "counted": Count("id", filter=COUNTED),
        "done": Count("id", filter=DONE),
    }


def active_items(cloud_ids: Iterable[int], today: dt.date | None = None):
    """Active items of the clouds, flagged with whether a waiver is in force on `today`."""
    return ChecklistItem.objects.active().of_clouds(cloud_ids).with_waiver_flag(today or timezone.localdate())


def pillar_totals(cloud_ids: Iterable[int], today: dt.date) -> dict[int, dict[str, Totals]]:
    """cloud id -> pillar -> Totals of the cloud's active checklist, in one query.

    Rows are grouped by whether the item is waived too, so the waiver test runs once per item, not in
    every aggregate: a waived group's items are all open and counted, so they add only to `waived`.
    """
    cloud_ids = list(cloud_ids)
    overdue = overdue_condition(today)
    gating = Q(requirement__gating=True)
    open_ = Q(status__in=OPEN_STATUSES)
    counted = ~Q(status=ItemStatus.NOT_APPLICABLE)
    rows = (
        active_items(cloud_ids, today)
        .annotate(waived_group=Case(When(WAIVED, then=Value(True)), default=Value(False),
                                    output_field=BooleanField()))
        .values("checklist__cloud_id", "requirement__pillar", "waived_group")
        .annotate(
            counted_weight=Coalesce(Sum(_WEIGHT, filter=counted), Value(0)),
            done_weight=Coalesce(Sum(_WEIGHT, filter=DONE), Value(0)),
            counted=Count("id", filter=counted),
            done=Count("id", filter=DONE),
            open=Count("id", filter=open_),
            overdue=Count("id", filter=overdue),
            blocked=Count("id", filter=Q(status=ItemStatus.BLOCKED)),
            open_gating=Count("id", filter=open_ & gating),
            overdue_gating=Count("id", filter=overdue & gating),
        )
        .order_by()
    )
    result: dict[int, dict[str, Totals]] = {cid: dict.fromkeys(Pillar.values, Totals()) for cid in cloud_ids}
    for row in rows:
        cloud_id = row.pop("checklist__cloud_id")
        pillar = row.pop("requirement__pillar")
        if row.pop("waived_group"):
            totals = Totals(waived=row["counted"], waived_weight=row["counted_weight"])
        else:
            totals = Totals(**row)
        result[cloud_id][pillar] = result[cloud_id][pillar] + totals
    return result


def item_facts(cloud_ids: Iterable[int]) -> dict[int, list[ItemFacts]]:
    """cloud id -> items grouped by everything scoring looks at, for rebuilding history.

    Identical items are folded into one ItemFacts with a count, so this reads
    far fewer rows than there are items. An item's latest approved waiver gives
    the span it was waived (an earlier, since replaced waiver is not replayed).
    """
    cloud_ids = list(cloud_ids)
    latest_waiver = (Waiver.objects.filter(item=OuterRef("pk"), state=WaiverState.APPROVED)
                     .order_by("-decided_on", "-pk"))
    rows = (
        ChecklistItem.objects.active().of_clouds(cloud_ids)
        .annotate(completed_on=TruncDate("completed_at"), status_changed_on=TruncDate("status_changed_at"),
                  waived_from=Subquery(latest_waiver.values("decided_on")[:1]),
                  waived_until=Subquery(latest_waiver.values("expires_on")[:1]))
        .values("checklist__cloud_id", "requirement__pillar", "requirement__weight", "requirement__gating",
                "status", "due_date", "completed_on", "status_changed_on", "waived_from", "waived_until")
        .annotate(count=Count("id"))
        .order_by()
    )
    result: dict[int, list[ItemFacts]] = {cid: [] for cid in cloud_ids}
    for row in rows:
        result[row["checklist__cloud_id"]].append(ItemFacts(
            pillar=row["requirement__pillar"], weight=row["requirement__weight"],
            gating=row["requirement__gating"], status=row["status"], due_date=row["due_date"],
            completed_on=row["completed_on"], status_changed_on=row["status_changed_on"], count=row["count"],
            waived_from=row["waived_from"], waived_until=row["waived_until"],
        ))
    return result


# -- progress bars ---------------------------------------------------------------

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
    rows = (active_items(cloud_ids).values("checklist__cloud_id", "requirement__pillar")
            .annotate(**done_and_counted()).order_by())
    for row in rows:
        result[row["checklist__cloud_id"]][row["requirement__pillar"]] = Progress(
            done=row["done"], counted=row["counted"]
        )
    return result


def area_progress(cloud_id: int) -> dict[tuple[str, str], Progress]:
    """(pillar, area) -> Progress over the cloud's active checklist, in one query."""
    rows = (active_items([cloud_id]).values("requirement__pillar", "requirement__area")
            .annotate(**done_and_counted()).order_by())
    return {(row["requirement__pillar"], row["requirement__area"]): Progress(row["done"], row["counted"])
            for row in rows}


def area_sums(items) -> list[dict]:
    """Per cloud, pillar and area of `items` (flagged with_waiver_flag): the done and counted sums,
    ordered by pillar and area."""
    return list(items.values(cloud_id=F("checklist__cloud_id"), pillar=F("requirement__pillar"),
                             area=F("requirement__area"))
                .annotate(**done_and_counted()).order_by("pillar", "area"))
