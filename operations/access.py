"""Who reads and reports operations metrics: anyone who sees a cloud reads its metrics; those who
edit the cloud (its partner's staff and keys, its program managers, administrators) report them."""

from __future__ import annotations

from django.db.models import QuerySet

from clouds.access import PortalUser, managed_clouds, visible_clouds
from clouds.models import Cloud


def readable_clouds(user: PortalUser) -> QuerySet[Cloud]:
    return visible_clouds(user)


def reporting_clouds(user: PortalUser) -> QuerySet[Cloud]:
    return managed_clouds(user)
