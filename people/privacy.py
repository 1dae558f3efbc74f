"""Erasing removed people: the anonymous record stays (roles, clouds, screening and training dates,
so headcounts over time still add up); the name, external id and citizenships go, from the history
and the admin's log too.

A person is removed when made inactive; PEOPLE_RETENTION_DAYS later the daily job erases them.
Making them active again before that stops the clock.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from people.models import StaffMember

ERASED_NAME = "Removed person"


def erase_removed_people(*, today: dt.date | None = None) -> int:
    """Erase everyone removed at least PEOPLE_RETENTION_DAYS ago and not yet erased; returns how many."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.PEOPLE_RETENTION_DAYS)
    with transaction.atomic():
        due = list(StaffMember.objects.select_for_update().filter(
            active=False, inactive_since__lte=cutoff, erased_on__isnull=True).values_list("pk", flat=True))
        if not due:
            return 0
        # Plain UPDATEs: the erasure itself must not write a new history row with the name in it.
        # A new version and time, so that partner tools syncing by updated_at or holding an ETag see it.
        StaffMember.objects.filter(pk__in=due).update(full_name=ERASED_NAME, external_id="", citizenships="",
                                                      erased_on=today,
                                                      version=F("version") + 1, updated_at=timezone.now())
        StaffMember.history.filter(id__in=due).update(full_name=ERASED_NAME, external_id="", citizenships="")
        # The admin's own log names the person too (its entries and the inline records' names in them).
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(StaffMember),
                                object_id__in=[str(pk) for pk in due]).update(object_repr=ERASED_NAME,
                                                                              change_message="")
    return len(due)
