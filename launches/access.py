"""Which launch records a user may see: those of the clouds clouds.access lets them see."""

from __future__ import annotations

from django.db.models import QuerySet

from clouds.access import PortalUser, visible_clouds
from launches.models import Day1Change, Decision, DecisionCondition


def visible_decisions(user: PortalUser) -> QuerySet[Decision]:
    return Decision.objects.filter(cloud__in=visible_clouds(user))


def visible_conditions(user: PortalUser) -> QuerySet[DecisionCondition]:
    return DecisionCondition.objects.filter(decision__cloud__in=visible_clouds(user))


def visible_day1_changes(user: PortalUser) -> QuerySet[Day1Change]:
    return Day1Change.objects.filter(cloud__in=visible_clouds(user))
