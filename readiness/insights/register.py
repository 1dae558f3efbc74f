"""Reading findings for pages, the API, digests and dashboards: scoped by the clouds a user may see,
ordered by severity the same way everywhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from clouds.access import visible_clouds
from readiness.models import ChecklistItem, Finding
from readiness.terms import SEVERITIES, SEVERITY_ORDER

ITEMS_SHOWN = 20


def visible_findings(user) -> QuerySet[Finding]:
    return Finding.objects.filter(cloud__in=visible_clouds(user))


def severity_rank() -> Case:
    """0 for the most severe; order findings by it, then by whatever else the list needs."""
    return Case(*(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_ORDER.items()),
                default=Value(len(SEVERITY_ORDER)), output_field=IntegerField())


def severity_counts() -> dict[str, Count]:
    """Aggregates: how many findings of each severity."""
    return {severity: Count("id", filter=Q(severity=severity)) for severity in SEVERITIES}


def open_counts(cloud_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """cloud id -> {"high": n, "medium": n, "low": n} of open findings, in one query."""
    ids = list(cloud_ids)
    counts = {cloud_id: dict.fromkeys(SEVERITIES, 0) for cloud_id in ids}
    rows = (Finding.objects.filter(cloud_id__in=ids, resolved_at__isnull=True).values("cloud_id")
            .annotate(**severity_counts()).order_by())
    for row in rows:
        counts[row["cloud_id"]] = {severity: row[severity] for severity in SEVERITIES}
    return counts


def open_finding_rows(cloud_ids: Sequence[int], severities: Sequence[str]) -> list[tuple[int, str, str, str]]:
    """(cloud id, cloud name, rule, severity) of the open findings of those severities, in one query."""
    return list(Finding.objects.filter(cloud_id__in=list(cloud_ids), resolved_at__isnull=True,
                                       severity__in=list(severities))
                .order_by("cloud__name", "rule").values_list("cloud_id", "cloud__name", "rule", "severity"))


def first_items(finding_ids: list[int]) -> dict[int, list[ChecklistItem]]:
    """The first ITEMS_SHOWN items of each finding, in one query (a window function)."""
    through = Finding.items.through
    rows = (through.objects.filter(finding_id__in=finding_ids)
            .annotate(rank=Window(RowNumber(), partition_by=[F("finding_id")],
                                  order_by=[F("checklistitem__requirement__position").asc()]))
            .filter(rank__lte=ITEMS_SHOWN)
            .select_related("checklistitem__requirement", "checklistitem__owner")
            .order_by("finding_id", "rank"))
    shown: dict[int, list[ChecklistItem]] = {}
    for row in rows:
        shown.setdefault(row.finding_id, []).append(row.checklistitem)
    return shown
