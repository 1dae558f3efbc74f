"""Writes of people/: keeping automatic checklist items true.

Items whose requirement names the `staffing_coverage` check are set here, through the
readiness service layer (source "job", audited, scores and findings refreshed as for any edit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from people.coverage import staffing_check
from people.queries import people_of, requirements_of
from readiness.choices import ChangeSource, ItemStatus
from readiness.models import ChecklistItem
from readiness.services import StaleVersionError, update_item

STAFFING_CHECK = "staffing_coverage"


def apply_staffing_checks(cloud_ids: Iterable[int] | None = None, *, today: dt.date | None = None) -> int:
    """Set every staffing_coverage item of the clouds' active checklists (all clouds when None);
    returns how many items changed."""
    today = today or timezone.localdate()
    items = (ChecklistItem.objects.active().filter(requirement__auto_check=STAFFING_CHECK)
             .exclude(status=ItemStatus.NOT_APPLICABLE).select_related("requirement", "checklist"))
    if cloud_ids is not None:
        items = items.of_clouds(cloud_ids)
    items = list(items)
    ids = sorted({item.checklist.cloud_id for item in items})
    people_by_cloud: dict[int, list] = {cloud_id: [] for cloud_id in ids}
    for person in people_of(ids, current_on=today):
        for cloud_id in person.clouds & people_by_cloud.keys():
            people_by_cloud[cloud_id].append(person)
    requirements_by_cloud: dict[int, list] = {cloud_id: [] for cloud_id in ids}
    for requirement in requirements_of(ids):
        requirements_by_cloud[requirement.cloud_id].append(requirement)
    changed = 0
    for item in items:
        cloud_id = item.checklist.cloud_id
        result = staffing_check(people_by_cloud[cloud_id], requirements_by_cloud[cloud_id],
                                [role for role in item.requirement.check_roles.split(",") if role],
                                today, settings.COVERAGE_HORIZON_DAYS)
        if (item.status, item.notes) == (result.status, result.note):
            continue
        try:
            update_item(item=item, changes={"status": result.status, "notes": result.note}, actor=None,
                        source=ChangeSource.JOB, expected_version=item.version)
        except StaleVersionError:
            continue  # the next run sets it; nothing else writes these items
        changed += 1
    return changed
