"""Which checklist items a user may see and change. Pages, API, admin and exports ask here."""

from __future__ import annotations

from django.db.models import QuerySet

from clouds.access import PortalUser, managed_clouds, visible_clouds
from readiness.models import ChecklistItem


def visible_items(user: PortalUser) -> QuerySet[ChecklistItem]:
    """Items of the active checklists of the clouds the user may see."""
    return ChecklistItem.objects.active().filter(checklist__cloud__in=visible_clouds(user))


def editable_items(user: PortalUser) -> QuerySet[ChecklistItem]:
    """Visible items the user may change: program managers their assigned clouds,
    partner staff their partner's clouds, administrators all, executives none."""
    return ChecklistItem.objects.active().filter(checklist__cloud__in=managed_clouds(user))
