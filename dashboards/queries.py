"""Read-only queries for the dashboards. They return plain rows (dataclasses, dicts of numbers);
figures.py and narrative.py turn rows into pictures and words without touching the ORM.

Every function costs a fixed number of queries, whatever the number of clouds or days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from clouds.stages import PRE_LAUNCH_STAGES
from readiness.choices import ItemStatus, Pillar, SnapshotScope
from readiness.insights.register import open_finding_rows
from readiness.insights.registry import title_of
from readiness.models import WAIVED, ChecklistItem, ScoreSnapshot, overdue_condition
from readiness.scoring import REASON_TEXT, Forecast, forecast_day1
from readiness.snapshots.reads import latest_scores
from readiness.snapshots.sums import COUNTED, active_items, area_sums, done_and_counted
from readiness.snapshots.thresholds import current_thresholds
from readiness.terms import HIGH

TREND_DAYS = 90


@dataclass(frozen=True)
class CloudRow:
    """One cloud on the portfolio: identity, latest scores and their change over a week."""

    id: int
    slug: str
    name: str
    kind: str
    stage: str
    stage_label: str
    day1: dt.date | None
    days_to_day1: int | None
    score_day: dt.date | None
    overall: Decimal | None
    week_ago: Decimal | None
    level: str | None
    reason: str | None
    reason_text: str
    pillars: dict[str, Decimal | None]
    open_gating: int
    overdue: int
    forecast_status: str | None
    forecast_reason: str | None
    projected_date: dt.date | None
    days_late: int | None
    waived: int = 0  # open items under a waiver in force, left out of the score

    @property
    def days_since_day1(self) -> int | None:
        return -self.days_to_day1 if self.days_to_day1 is not None else None

    @property
    def week_change(self) -> Decimal | None:
        if self.overall is None or self.week_ago is None:
            return None
        return self.overall - self.week_ago


@dataclass(frozen=True)
class GatingRow:
    cloud: str
    cloud_slug: str
    day1: dt.date | None
    item_id: int
    code: str
    title: str
    status: str
    due_date: dt.date | None
    owner: str | None
    partner: str | None

    @property
    def status_label(self) -> str:
        return ItemStatus(self.status).label


@dataclass(frozen=True)
class ActionRow:
    """An open item and how many points of overall score closing it would add."""

    item_id: int
    code: str
    title: str
    pillar: str
    weight: int
    gating: bool
    status: str
    due_date: dt.date | None
    owner: str | None
    gain: Decimal


@dataclass
class CloudDetail:
    history: dict[str, list[tuple[dt.date, Decimal | None]]] = field(default_factory=dict)
    forecast: Forecast | None = None
    by_owner: list[dict] = field(default_factory=list)
    by_partner: list[dict] = field(default_factory=list)
    areas: list[dict] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    gating: list[GatingRow] = field(default_factory=list)


def person_name(first: str | None, last: str | None, username: str | None) -> str | None:
    """A user as people read them: the full name, else the username (None for nobody)."""
    if username is None:
        return None
    full = f"{first or ''} {last or ''}".strip()
    return full or username


def portfolio_rows(clouds: Sequence, today: dt.date) -> list[CloudRow]:
    """Latest scores (computed on read in in-process mode) and the score a week earlier."""
    ids = [cloud.pk for cloud in clouds]
    latest = latest_scores(ids, today)
    week_ago: dict[tuple[int, dt.date], Decimal | None] = {
        (cloud_id, day): score
        for cloud_id, day, score in ScoreSnapshot.objects.filter(
            cloud_id__in=ids, scope=SnapshotScope.OVERALL, day__gte=today - dt.timedelta(days=14),
            day__lte=today - dt.timedelta(days=7),
        ).values_list("cloud_id", "day", "score")
    }
    rows = []
    for cloud in clouds:
        scores = latest[cloud.pk]
        overall = scores.overall
        day = overall.day if overall else None
        previous = week_ago.get((cloud.pk, day - dt.timedelta(days=7))) if day else None
        rows.append(CloudRow(
            id=cloud.pk, slug=cloud.slug, name=cloud.name, kind=cloud.kind, stage=cloud.stage,
            stage_label=cloud.get_stage_display(), day1=cloud.day1_date,
            days_to_day1=(cloud.day1_date - today).days if cloud.day1_date else None,
            score_day=day, overall=overall.score if overall else None, week_ago=previous,
            level=overall.level if overall else None, reason=overall.reason if overall else None,
            reason_text=REASON_TEXT.get(overall.reason, "") if overall else "Not computed yet",
            pillars={p: (scores.pillars[p].score if p in scores.pillars else None) for p in Pillar.values},
            open_gating=overall.open_gating_count if overall else 0,
            overdue=overall.overdue_count if overall else 0,
            forecast_status=overall.forecast_status if overall else None,
            forecast_reason=overall.forecast_reason if overall else None,
            projected_date=overall.projected_date if overall else None,
            days_late=overall.days_late if overall else None,
            waived=overall.waived_count if overall else 0,
        ))
    return rows


def area_shares(cloud_ids: Sequence[int]) -> list[dict]:
    """Per cloud and area: the done and counted sums (one query)."""
    return area_sums(active_items(cloud_ids).filter(COUNTED))


def trend_rows(cloud_ids: Sequence[int], today: dt.date, days: int = TREND_DAYS) -> list[tuple[int, dt.date, Decimal]]:
    return list(
        ScoreSnapshot.objects.filter(cloud_id__in=list(cloud_ids), scope=SnapshotScope.OVERALL,
                                     day__gt=today - dt.timedelta(days=days), day__lte=today)
        .order_by("cloud_id", "day").values_list("cloud_id", "day", "score")
    )


def gating_count(cloud_ids: Sequence[int]) -> int:
    return open_gating_items(cloud_ids).count()


def open_gating_items(cloud_ids: Sequence[int]):
    """Open gating items of clouds not yet launched (the ones that can still block a Day 1)."""
    return (ChecklistItem.objects.active().of_clouds(cloud_ids).open().gating()
            .unwaived(timezone.localdate()).filter(checklist__cloud__stage__in=PRE_LAUNCH_STAGES))


def open_gating(cloud_ids: Sequence[int], *, limit: int | None = 15, pre_launch_only: bool = True) -> list[GatingRow]:
    """Open gating items, nearest Day 1 first, then by due date."""
    items = (open_gating_items(cloud_ids) if pre_launch_only
             else ChecklistItem.objects.active().of_clouds(cloud_ids).open().gating().unwaived(timezone.localdate()))
    rows = (
        items
        .order_by(F("checklist__cloud__day1_date").asc(nulls_last=True), F("due_date").asc(nulls_last=True),
                  "requirement__position")
        .values_list("checklist__cloud__name", "checklist__cloud__slug", "checklist__cloud__day1_date", "pk",
                     "requirement__code", "requirement__title", "status", "due_date", "owner__first_name",
                     "owner__last_name", "owner__username", "accountable_partner__name")
    )
    if limit is not None:
        rows = rows[:limit]
    return [GatingRow(cloud, slug, day1, pk, code, title, status, due, person_name(first, last, user), partner)
            for cloud, slug, day1, pk, code, title, status, due, first, last, user, partner in rows]


def cloud_detail(cloud, today: dt.date, days: int = TREND_DAYS) -> CloudDetail:
    """History of every scope, the forecast fitted on it, overdue/blocked by owner and partner,
    area progress, the three actions worth most, and open gating items."""
    detail = CloudDetail()
    snapshots = (ScoreSnapshot.objects.filter(cloud=cloud, day__gt=today - dt.timedelta(days=days), day__lte=today)
                 .order_by("day").values_list("scope", "day", "score"))
    for scope, day, score in snapshots:
        detail.history.setdefault(scope, []).append((day, score))
    overall = detail.history.get(SnapshotScope.OVERALL, [])
    if overall:
        detail.forecast = forecast_day1(overall, today=overall[-1][0], day1=cloud.day1_date, stage=cloud.stage,
                                        thresholds=current_thresholds())

    items = active_items([cloud.pk], today)
    overdue = overdue_condition(today) & ~WAIVED
    blocked = Q(status=ItemStatus.BLOCKED) & ~WAIVED
    for target, key in ((detail.by_owner, "owner"), (detail.by_partner, "accountable_partner")):
        fields = (["owner__first_name", "owner__last_name", "owner__username"] if key == "owner"
                  else ["accountable_partner__name"])
        for row in (items.filter(overdue | blocked).values(*fields)
                    .annotate(overdue=Count("id", filter=overdue), blocked=Count("id", filter=blocked))
                    .order_by(*fields)):
            label = (person_name(row["owner__first_name"], row["owner__last_name"], row["owner__username"])
                     if key == "owner" else row["accountable_partner__name"])
            target.append({"name": label or ("Unowned" if key == "owner" else "No partner"),
                           "overdue": row["overdue"], "blocked": row["blocked"]})

    detail.areas = area_sums(items.filter(COUNTED))
    detail.actions = top_actions(cloud, items)
    detail.gating = open_gating([cloud.pk], limit=None, pre_launch_only=False)
    return detail


def top_actions(cloud, items, count: int = 3) -> list[ActionRow]:
    """Open items whose completion adds most to the overall score (gating first on a tie).

    Closing an item of weight w in a pillar with counted weight W adds 100*w/W to that pillar,
    and 1/n of that to the overall score, n being the number of defined pillars.
    """
    counted = {row["requirement__pillar"]: row["counted_weight"]
               for row in items.values("requirement__pillar").annotate(**done_and_counted()).order_by()}
    defined = len([total for total in counted.values() if total])
    if not defined:
        return []
    candidates = (items.open().exclude(WAIVED)
                  .values_list("pk", "requirement__code", "requirement__title", "requirement__pillar",
                               "requirement__weight", "requirement__gating", "status", "due_date",
                               "owner__first_name", "owner__last_name", "owner__username"))
    actions = [
        ActionRow(pk, code, title, pillar, weight, gating, status, due, person_name(first, last, user),
                  (Decimal(100) * weight / counted[pillar] / defined).quantize(Decimal("0.1")))
        for pk, code, title, pillar, weight, gating, status, due, first, last, user in candidates
    ]
    actions.sort(key=lambda a: (-a.gain, not a.gating, a.due_date or dt.date.max, a.code))
    return actions[:count]


@dataclass(frozen=True)
class FindingRow:
    cloud_id: int
    cloud: str
    rule: str
    title: str
    severity: str


def open_findings(cloud_ids: Sequence[int], severities: Sequence[str] = (HIGH,)) -> list[FindingRow]:
    """Open findings of the given severities, in one query (asked of the register)."""
    return [FindingRow(cid, name, rule, title_of(rule), severity)
            for cid, name, rule, severity in open_finding_rows(cloud_ids, severities)]
