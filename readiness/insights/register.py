"""Reading findings for pages, the API and dashboards: scoped by the clouds a user may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from clouds.access import visible_clouds
from readiness.models import Finding

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def visible_findings(user) -> QuerySet[Finding]:
    return Finding.objects.filter(cloud__in=visible_clouds(user))


def open_counts(cloud_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """cloud id -> {"high": n, "medium": n, "low": n} of open findings, in one query."""
    ids = list(cloud_ids)
    counts = {cloud_id: {"high": 0, "medium": 0, "low": 0} for cloud_id in ids}
    rows = (Finding.objects.filter(cloud_id__in=ids, resolved_at__isnull=True).values("cloud_id")
            .annotate(high=Count("id", filter=Q(severity="high")), medium=Count("id", filter=Q(severity="medium")),
                      low=Count("id", filter=Q(severity="low"))).order_by())
    for row in rows:
        counts[row["cloud_id"]] = {"high": row["high"], "medium": row["medium"], "low": row["low"]}
    return counts
