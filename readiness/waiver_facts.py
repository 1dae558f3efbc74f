"""The facts of readiness.waiver_rules, for many clouds in two queries."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from readiness.choices import OPEN_STATUSES, WaiverState
from readiness.models import Waiver
from readiness.waiver_rules import WaivedItem, WaiverFacts


def waiver_facts(cloud_ids: list[int], today: dt.date) -> dict[int, WaiverFacts]:
    open_items = Waiver.objects.filter(item__checklist__cloud_id__in=cloud_ids, item__checklist__is_active=True,
                                       item__status__in=OPEN_STATUSES)
    fields = ("item__checklist__cloud_id", "item_id", "item__requirement__code", "item__requirement__gating",
              "expires_on")
    in_force: dict[int, dict[int, WaivedItem]] = {}
    covered: set[int] = set()
    # Ordered by expiry so that an item's latest waiver (an extension) is the one kept.
    for cloud_id, item_id, code, gating, expires in (open_items.in_force(today).order_by("expires_on")
                                                     .values_list(*fields)):
        in_force.setdefault(cloud_id, {})[item_id] = WaivedItem(item_id, code, gating, expires)
        covered.add(item_id)
    expired: dict[int, dict[int, WaivedItem]] = {}
    for cloud_id, item_id, code, gating, expires in (open_items.filter(state=WaiverState.APPROVED,
                                                                       expires_on__lt=today)
                                                     .order_by("expires_on").values_list(*fields)):
        if item_id not in covered:  # the latest expiry per item wins (ordered by expiry)
            expired.setdefault(cloud_id, {})[item_id] = WaivedItem(item_id, code, gating, expires)
    return {cloud_id: WaiverFacts(tuple(in_force.get(cloud_id, {}).values()), tuple(expired.get(cloud_id, {}).values()),
                                  settings.WAIVER_EXPIRING_DAYS)
            for cloud_id in cloud_ids if cloud_id in in_force or cloud_id in expired}
