"""Running the rules: gather facts for many clouds in a fixed number of queries, evaluate the
pure rules, and bring the stored findings in line (create, update, resolve) in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from clouds.models import Cloud
from clouds.stages import RETIRED
from readiness import events
from readiness.choices import SnapshotScope
from readiness.insights import registry
from readiness.insights.rules import CloudFacts, FindingSpec, InsightThresholds, ItemFact, evaluate
from readiness.models import Checklist, ChecklistItem, Finding, Framework, ScoreSnapshot


def current_thresholds() -> InsightThresholds:
    return InsightThresholds(
        gating_days_before_day1=settings.READINESS_GATING_DAYS_BEFORE_DAY1,
        score_drop_points=settings.INSIGHTS_SCORE_DROP_POINTS,
        score_drop_days=settings.INSIGHTS_SCORE_DROP_DAYS,
        blocked_days=settings.INSIGHTS_BLOCKED_DAYS,
        stale_days=settings.INSIGHTS_STALE_DAYS,
        pillar_gap_points=settings.INSIGHTS_PILLAR_GAP_POINTS,
    )


def gather(cloud_ids: list[int] | None, today: dt.date, thresholds: InsightThresholds) -> list[CloudFacts]:
    """Facts for the given clouds (all when None): seven queries whatever their number, plus each
    registered fact provider's fixed number."""
    # Retired clouds have nothing left to get ready: their findings resolve.
    clouds = Cloud.objects.exclude(stage=RETIRED).order_by("pk")
    if cloud_ids is not None:
        clouds = clouds.filter(pk__in=cloud_ids)
    cloud_rows = list(clouds.values_list("pk", "name", "stage", "day1_date"))
    ids = [row[0] for row in cloud_rows]
    frameworks = {cloud_id: (slug, version) for cloud_id, slug, version in Checklist.objects.active().filter(
        cloud_id__in=ids).values_list("cloud_id", "framework__slug", "framework__version")}
    newest = dict(Framework.objects.values("slug").annotate(newest=Max("version")).values_list("slug", "newest"))
    items: dict[int, list[ItemFact]] = {cloud_id: [] for cloud_id in ids}
    for row in (ChecklistItem.objects.active().of_clouds(ids).open().unwaived(today)
                .annotate(changed_on=TruncDate("status_changed_at"), updated_on=TruncDate("updated_at"))
                .order_by("requirement__position")
                .values_list("checklist__cloud_id", "pk", "requirement__code", "requirement__pillar",
                             "requirement__weight", "requirement__gating", "status", "due_date", "owner_id",
                             "changed_on", "updated_on")):
        items[row[0]].append(ItemFact(*row[1:]))
    snapshots: dict[tuple[int, str, dt.date], ScoreSnapshot] = {
        (s.cloud_id, s.scope, s.day): s
        for s in ScoreSnapshot.objects.filter(cloud_id__in=ids, day=today)
        .only("cloud_id", "scope", "day", "score", "forecast_status", "forecast_reason", "projected_date",
              "days_late")
    }
    # The peak of the previous days, so a drop after a mid-week high counts, and one missing day does not hide it.
    peaks = dict(ScoreSnapshot.objects.filter(
        cloud_id__in=ids, scope=SnapshotScope.OVERALL, day__gte=today - dt.timedelta(days=thresholds.score_drop_days),
        day__lt=today).values("cloud_id").annotate(peak=Max("score")).values_list("cloud_id", "peak"))
    extra = {name: provide(ids, today) for name, provide in registry.fact_providers().items()} if ids else {}
    facts = []
    for cloud_id, name, stage, day1 in cloud_rows:
        overall = snapshots.get((cloud_id, SnapshotScope.OVERALL, today))
        slug, version = frameworks.get(cloud_id, (None, None))
        facts.append(CloudFacts(
            id=cloud_id, name=name, stage=stage, day1=day1, items=items[cloud_id],
            overall=overall.score if overall else None, overall_before=peaks.get(cloud_id),
            pillars={scope: snap.score for (cid, scope, day), snap in snapshots.items()
                     if cid == cloud_id and day == today and scope != SnapshotScope.OVERALL},
            forecast_status=overall.forecast_status if overall else None,
            forecast_reason=overall.forecast_reason if overall else None,
            projected_date=overall.projected_date if overall else None,
            days_late=overall.days_late if overall else None,
            framework=slug, framework_version=version, newest_version=newest.get(slug) if slug else None,
            extra={name: values[cloud_id] for name, values in extra.items() if cloud_id in values},
        ))
    return facts


def refresh_findings(cloud_ids: Iterable[int] | None = None, *, today: dt.date | None = None,
                     thresholds: InsightThresholds | None = None) -> dict[str, int]:
    """Evaluate every rule for the clouds and store the result; returns counts of what changed.

    Idempotent: running it twice changes nothing the second time, and acknowledgements of
    findings that are still open are kept.
    """
    today = today or timezone.localdate()
    thresholds = thresholds or current_thresholds()
    ids = None if cloud_ids is None else sorted(set(cloud_ids))
    now = timezone.now()
    counts = {"opened": 0, "updated": 0, "resolved": 0, "unchanged": 0}
    with transaction.atomic():
        # Two refreshes of one cloud run one after the other (a finding that does not exist yet
        # cannot be row-locked, so the clouds are), in id order to avoid deadlocks.
        locked = Cloud.objects.select_for_update(no_key=True).order_by("pk")
        list((locked if ids is None else locked.filter(pk__in=ids)).values_list("pk", flat=True))
        facts = gather(ids, today, thresholds)
        wanted: dict[tuple[int, str], FindingSpec] = {
            (cloud.id, spec.rule): spec
            for cloud in facts for spec in evaluate(cloud, today, thresholds, registry.registered())
        }
        scope = Finding.objects.filter(resolved_at__isnull=True)
        if ids is not None:
            scope = scope.filter(cloud_id__in=ids)
        open_findings = {(f.cloud_id, f.rule): f for f in scope}
        through = Finding.items.through
        current_items: dict[int, set[int]] = {}
        for finding_id, item_id in through.objects.filter(
                finding_id__in=[f.pk for f in open_findings.values()]).values_list("finding_id", "checklistitem_id"):
            current_items.setdefault(finding_id, set()).add(item_id)

        to_resolve = [f for key, f in open_findings.items() if key not in wanted]
        for finding in to_resolve:
            finding.resolved_at = now
            finding.updated_at = now
        to_create, to_update, links_add, links_remove = [], [], [], []
        for key, spec in wanted.items():
            finding = open_findings.get(key)
            if finding is None:
                to_create.append((Finding(cloud_id=key[0], rule=spec.rule, severity=spec.severity,
                                          explanation=spec.explanation, recommendation=spec.recommendation,
                                          opened_at=now, updated_at=now), spec))
                continue
            have = current_items.get(finding.pk, set())
            want = set(spec.item_ids)
            if (finding.explanation, finding.recommendation, finding.severity) == \
                    (spec.explanation, spec.recommendation, spec.severity) and have == want:
                counts["unchanged"] += 1
                continue
            finding.explanation, finding.recommendation, finding.severity = \
                spec.explanation, spec.recommendation, spec.severity
            finding.updated_at = now
            to_update.append(finding)
            links_add += [through(finding_id=finding.pk, checklistitem_id=i) for i in sorted(want - have)]
            links_remove += [(finding.pk, i) for i in have - want]

        Finding.objects.bulk_update(to_resolve + to_update, ["resolved_at", "updated_at", "explanation",
                                                            "recommendation", "severity"], batch_size=500)
        created = Finding.objects.bulk_create([finding for finding, _ in to_create], batch_size=500)
        for finding, (_, spec) in zip(created, to_create, strict=True):
            links_add += [through(finding_id=finding.pk, checklistitem_id=i) for i in spec.item_ids]
        if links_remove:
            removal = {}
            for finding_id, item_id in links_remove:
                removal.setdefault(finding_id, []).append(item_id)
            for finding_id, item_ids in removal.items():
                through.objects.filter(finding_id=finding_id, checklistitem_id__in=item_ids).delete()
        through.objects.bulk_create(links_add, batch_size=2000, ignore_conflicts=True)
        items_changed = {link.finding_id for link in links_add} | {finding_id for finding_id, _ in links_remove}
        events.record(
            [events.Change(events.FINDING_OPENED, "finding", f.pk, f.cloud_id, {"rule": f.rule}) for f in created]
            + [events.Change(events.FINDING_UPDATED, "finding", f.pk, f.cloud_id,
                             {"rule": f.rule, "items_changed": f.pk in items_changed}) for f in to_update]
            + [events.Change(events.FINDING_RESOLVED, "finding", f.pk, f.cloud_id, {"rule": f.rule})
               for f in to_resolve], now=now)
    counts.update(opened=len(created), updated=len(to_update), resolved=len(to_resolve))
    return counts

