"""The rows of each BI feed, as tuples in the data dictionary's column order, read in chunks from the
database (a server-side cursor on PostgreSQL) so that a feed of any size streams in constant memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from django.db.models import BooleanField, Case, CharField, Count, F, QuerySet, Value, When
from django.db.models.functions import Concat, Trim
from django.utils import timezone

from clouds.access import PortalUser, visible_clouds
from launches.access import visible_decisions
from operations.access import readable_clouds
from operations.models import MetricValue
from people.insight_facts import staffing_facts
from readiness.access import visible_items
from readiness.choices import WaiverState
from readiness.insights.register import visible_findings
from readiness.models import ScoreSnapshot
from readiness.waivers import visible_waivers

CHUNK = 2000


def _since(queryset: QuerySet, column: str, since: dt.datetime | None) -> QuerySet:
    queryset = queryset.filter(**{f"{column}__gte": since}) if since is not None else queryset
    return queryset.order_by(column, "pk")


def _stream(queryset: QuerySet) -> Iterator[tuple]:
    return queryset.iterator(chunk_size=CHUNK)


def item_rows(user: PortalUser, since: dt.datetime | None) -> Iterator[tuple]:
    full_name = Trim(Concat("owner__first_name", Value(" "), "owner__last_name", output_field=CharField()))
    owner_name = Case(When(owner__isnull=True, then=Value(None)), When(owner__first_name="", owner__last_name="",
                                                                       then=F("owner__username")),
                      default=full_name, output_field=CharField())
    rows = _since(visible_items(user), "updated_at", since).annotate(owner_name_=owner_name).values_list(
        "pk", "checklist__cloud__slug", "checklist__framework__slug", "checklist__framework__version",
        "requirement__code", "requirement__title", "requirement__pillar", "requirement__area",
        "requirement__weight", "requirement__gating", "status", "owner_id", "owner_name_",
        "accountable_partner__slug", "due_date", "status_changed_at", "completed_at", "version", "updated_at")
    return _stream(rows)


def snapshot_rows(user: PortalUser, since: dt.datetime | None) -> Iterator[tuple]:
    rows = _since(ScoreSnapshot.objects.filter(cloud__in=visible_clouds(user)), "computed_at", since).values_list(
        "cloud__slug", "day", "scope", "score", "level", "reason", "counted_count", "done_count", "open_count",
        "overdue_count", "blocked_count", "open_gating_count", "waived_count", "forecast_status", "projected_date",
        "days_late", "computed_at")
    return _stream(rows)


def finding_rows(user: PortalUser, since: dt.datetime | None) -> Iterator[tuple]:
    status = Case(When(resolved_at__isnull=True, then=Value("open")), default=Value("resolved"),
                  output_field=CharField())
    rows = _since(visible_findings(user), "updated_at", since).annotate(
        status_=status, item_count_=Count("items")).values_list(
        "pk", "cloud__slug", "rule", "severity", "status_", "item_count_", "opened_at", "resolved_at",
        "acknowledged_at", "updated_at")
    return _stream(rows)


def coverage_rows(user: PortalUser, since: dt.datetime | None) -> Iterator[tuple]:
    """Computed when read (counts only), for every visible cloud at once: the portfolio's staffing facts."""
    today = timezone.localdate()
    clouds = list(visible_clouds(user).order_by("slug").values_list("pk", "slug"))
    facts = staffing_facts([pk for pk, _ in clouds], today)
    for cloud_id, slug in clouds:
        for requirement in sorted(facts[cloud_id].requirements if cloud_id in facts else (), key=lambda r: r.role):
            yield (slug, requirement.role, requirement.minimum, requirement.eligible_today,
                   requirement.eligible_today >= requirement.minimum, requirement.first_shortfall, today)


def metric_rows(user: PortalUser, since: dt.datetime | None) -> Iterator[tuple]:
    rows = _since(MetricValue.objects.filter(cloud__in=readable_clouds(user)), "updated_at", since).values_list(
        "cloud__slug", "metric__code", "metric__unit", "day", "value", "updated_at")
    return _stream(rows)


def waiver_rows(user: PortalUser, since: dt.datetime | None) -> Iterator[tuple]:
    today = timezone.localdate()
    in_force = Case(When(state=WaiverState.APPROVED, decided_on__lte=today, expires_on__gte=today,
                         item__checklist__is_active=True, then=Value(True)), default=Value(False),
                    output_field=BooleanField())
    rows = visible_waivers(user).order_by("pk").annotate(in_force_=in_force).values_list(
        "pk", "item__checklist__cloud__slug", "item_id", "item__requirement__code", "item__requirement__gating",
        "state", "in_force_", "expires_on", "requested_at", "decided_on")
    return _stream(rows)


def decision_rows(user: PortalUser, since: dt.datetime | None) -> Iterator[tuple]:
    rows = _since(visible_decisions(user), "decided_at", since).values_list(
        "pk", "cloud__slug", "gate_code", "gate_name", "gate_due_on", "outcome", "decided_by_name", "decided_on",
        "decided_at", "evidence_sha256")
    return _stream(rows)


ROWS: dict[str, Callable[[PortalUser, dt.datetime | None], Iterable[tuple]]] = {
    "items": item_rows, "snapshots": snapshot_rows, "findings": finding_rows, "coverage": coverage_rows,
    "metrics": metric_rows, "waivers": waiver_rows, "decisions": decision_rows,
}
