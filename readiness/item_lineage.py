"""An item's earlier incarnations: when its cloud moved to a new framework version the item was
carried over to a new row (readiness.services.start_checklist), and FrameworkMove kept which retired
row it replaced. Its history page shows theirs too, so an upgrade never hides who changed what."""

from __future__ import annotations

from readiness.models import ChecklistItem, FrameworkMove


def predecessors(item: ChecklistItem) -> list[ChecklistItem]:
    """The retired items this one replaced, newest first; two queries whatever the number of moves."""
    replaced: dict[int, int] = {}
    for retired in FrameworkMove.objects.filter(cloud_id=item.checklist.cloud_id).values_list("retired_items",
                                                                                                flat=True):
        for row in retired:
            if row.get("replaced_by_id") is not None:
                replaced[row["replaced_by_id"]] = row["retired_id"]
    chain, current = [], item.pk
    while current in replaced and len(chain) < 100:
        current = replaced[current]
        chain.append(current)
    rows = ChecklistItem.objects.filter(pk__in=chain).select_related("checklist__framework", "requirement")
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in chain if pk in by_id]
