"""The database side of scoring: per-pillar sums computed by one grouped query.

These feed readiness.scoring's pure functions; a test checks that they give the
same sums as scoring.totals_by_pillar over the same items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from readiness.choices import ItemStatus, Pillar
from readiness.models import ChecklistItem
from readiness.scoring import ItemFacts, Totals

_ZERO = Value(0)


def active_items(cloud_ids: Iterable[int]):
    return ChecklistItem.objects.filter(checklist__is_active=True, checklist__cloud_id__in=list(cloud_ids))


def pillar_totals(cloud_ids: Iterable[int], today: dt.date) -> dict[int, dict[str, Totals]]:
    """cloud id -> pillar -> Totals of the cloud's active checklist, in one query."""
    cloud_ids = list(cloud_ids)
    # Not-applicable rows are excluded below, so "open" is simply "not done" here.
    open_ = ~Q(status=ItemStatus.DONE)
    overdue = open_ & Q(due_date__lt=today)
    gating = Q(requirement__gating=True)
    rows = (
        active_items(cloud_ids)
        .exclude(status=ItemStatus.NOT_APPLICABLE)
        .values("checklist__cloud_id", "requirement__pillar")
        .annotate(
            counted_weight=Coalesce(Sum("requirement__weight"), _ZERO),
            done_weight=Coalesce(Sum("requirement__weight", filter=Q(status=ItemStatus.DONE)), _ZERO),
            counted=Count("id"),
            done=Count("id", filter=Q(status=ItemStatus.DONE)),
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
        result[cloud_id][pillar] = Totals(**row)
    return result


def item_facts(cloud_ids: Iterable[int]) -> dict[int, list[ItemFacts]]:
    """cloud id -> items grouped by everything scoring looks at, for rebuilding history.

    Identical items are folded into one ItemFacts with a count, so this reads
    far fewer rows than there are items.
    """
    cloud_ids = list(cloud_ids)
    rows = (
        active_items(cloud_ids)
        .annotate(completed_on=TruncDate("completed_at"), status_changed_on=TruncDate("status_changed_at"))
        .values("checklist__cloud_id", "requirement__pillar", "requirement__weight", "requirement__gating",
                "status", "due_date", "completed_on", "status_changed_on")
        .annotate(count=Count("id"))
        .order_by()
    )
    result: dict[int, list[ItemFacts]] = {cid: [] for cid in cloud_ids}
    for row in rows:
        result[row["checklist__cloud_id"]].append(ItemFacts(
            pillar=row["requirement__pillar"], weight=row["requirement__weight"],
            gating=row["requirement__gating"], status=row["status"], due_date=row["due_date"],
            completed_on=row["completed_on"], status_changed_on=row["status_changed_on"], count=row["count"],
        ))
    return result
