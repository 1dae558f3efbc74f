"""Moving clouds to a new framework version: what changes for each cloud, and the score it would
have, before anything is applied.

The preview builds each cloud's items as start_checklist will carry them (state by requirement
code; new requirements start not started; waivers follow their item) and scores them with
readiness.scoring, the same functions the recompute uses, so the preview equals the result of
applying (a test checks it). Applying calls start_checklist per cloud, which records the move
(FrameworkMove: the item ids retired and the ids that replaced them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate

from clouds.models import Cloud
from readiness import scoring
from readiness.choices import ChangeSource, WaiverState
from readiness.framework_sections import sections
from readiness.models import Checklist, ChecklistItem, Framework, Requirement, Waiver
from readiness.scoring import CloudScore, ItemFacts
from readiness.services import start_checklist
from readiness.snapshots.sums import pillar_totals
from readiness.snapshots.thresholds import current_thresholds
from readiness.terms import NOT_STARTED

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class RequirementChange:
    code: str
    title: str
    kind: str  # added, removed or changed
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class CloudPreview:
    cloud: Cloud
    from_framework: Framework
    changes: tuple[RequirementChange, ...]
    before: CloudScore
    after: CloudScore
    items_kept: int
    dropped_waivers: tuple[str, ...] = ()  # requirement codes whose requested or approved waiver stops applying
    notes: tuple[str, ...] = ()  # what the other sections' changes mean for the cloud (e.g. its gates)

    @property
    def score_change(self):
        if self.before.overall is None or self.after.overall is None:
            return None
        return self.after.overall - self.before.overall

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)


def framework_diff(old: Sequence[Requirement], new: Sequence[Requirement]) -> list[RequirementChange]:
    """Requirements added, removed, or changed in weight, gating, pillar, title or check, by code."""
    before = {requirement.code: requirement for requirement in old}
    after = {requirement.code: requirement for requirement in new}
    changes = [RequirementChange(code, after[code].title, ADDED) for code in after if code not in before]
    changes += [RequirementChange(code, before[code].title, REMOVED) for code in before if code not in after]
    for code in after.keys() & before.keys():
        details = _differences(before[code], after[code])
        if details:
            changes.append(RequirementChange(code, after[code].title, CHANGED, tuple(details)))
    return sorted(changes, key=lambda change: change.code)


def _differences(old: Requirement, new: Requirement) -> list[str]:
    details = []
    if old.weight != new.weight:
        details.append(f"weight {old.weight} -> {new.weight}")
    if old.gating != new.gating:
        details.append("now gating" if new.gating else "no longer gating")
    if old.pillar != new.pillar:
        details.append(f"pillar {old.pillar} -> {new.pillar}")
    if old.title != new.title:
        details.append("title changed")
    if (old.auto_check, old.check_roles) != (new.auto_check, new.check_roles):
        details.append("automatic check changed")
    if old.guidance != new.guidance:
        details.append("guidance changed")
    return details


def clouds_behind(framework: Framework, clouds) -> list[Checklist]:
    """Active checklists of `clouds` on an older version of the framework, by cloud name."""
    return list(Checklist.objects.active().filter(cloud__in=clouds, framework__slug=framework.slug,
                                                  framework__version__lt=framework.version)
                .select_related("cloud", "framework").order_by("cloud__name"))


def preview_upgrade(framework: Framework, checklists: Sequence[Checklist], today: dt.date) -> list[CloudPreview]:
    """Per cloud: the requirement changes and the overall score now and right after the move.

    Queries: the requirements of the frameworks involved, the items of the checklists, and
    the current sums; none per cloud.
    """
    if not checklists:
        return []
    framework_ids = {checklist.framework_id for checklist in checklists} | {framework.pk}
    requirements: dict[int, list[Requirement]] = {fid: [] for fid in framework_ids}
    for requirement in Requirement.objects.filter(framework_id__in=framework_ids).order_by("position"):
        requirements[requirement.framework_id].append(requirement)
    carried = _carried_state([checklist.pk for checklist in checklists], today)
    new_codes = {requirement.code for requirement in requirements[framework.pk]}
    dropped: dict[int, list[str]] = {}
    for checklist_id, code in (Waiver.objects.filter(item__checklist_id__in=[c.pk for c in checklists],
                                                     state__in=[WaiverState.REQUESTED, WaiverState.APPROVED],
                                                     expires_on__gte=today)
                               .exclude(item__requirement__code__in=new_codes)
                               .values_list("item__checklist_id", "item__requirement__code")):
        dropped.setdefault(checklist_id, []).append(code)
    notes: dict[int, list[str]] = {}
    for section in sections().values():
        if section.describe is not None:
            for cloud_id, lines in section.describe(framework, checklists).items():
                notes.setdefault(cloud_id, []).extend(lines)
    now_totals = pillar_totals([checklist.cloud_id for checklist in checklists], today)
    thresholds = current_thresholds()
    previews = []
    for checklist in checklists:
        cloud = checklist.cloud
        state = carried.get(checklist.pk, {})
        facts = [_facts_after(requirement, state.get(requirement.code)) for requirement in requirements[framework.pk]]
        after = scoring.score_cloud(scoring.totals_by_pillar(facts, today), stage=cloud.stage, day1=cloud.day1_date,
                                    today=today, thresholds=thresholds)
        before = scoring.score_cloud(now_totals[cloud.pk], stage=cloud.stage, day1=cloud.day1_date, today=today,
                                     thresholds=thresholds)
        kept = sum(1 for requirement in requirements[framework.pk] if requirement.code in state)
        previews.append(CloudPreview(cloud, checklist.framework,
                                     tuple(framework_diff(requirements[checklist.framework_id],
                                                          requirements[framework.pk])),
                                     before, after, kept, tuple(sorted(dropped.get(checklist.pk, ()))),
                                     tuple(notes.get(cloud.pk, ()))))
    return previews


def apply_upgrade(framework: Framework, checklists: Sequence[Checklist], *, actor: Any,
                  source: str = ChangeSource.BROWSER) -> list[Checklist]:
    """Move each cloud to `framework` (start_checklist keeps every item's work by code)."""
    return [start_checklist(cloud=checklist.cloud, framework=framework, actor=actor, source=source)
            for checklist in checklists]


def _carried_state(checklist_ids: list[int], today: dt.date) -> dict[int, dict[str, dict]]:
    """checklist id -> requirement code -> what start_checklist carries over, plus the waiver span."""
    in_force = Waiver.objects.filter(item=OuterRef("pk"), state=WaiverState.APPROVED).order_by("-decided_on", "-pk")
    rows = (ChecklistItem.objects.filter(checklist_id__in=checklist_ids)
            .annotate(completed_on=TruncDate("completed_at"), status_changed_on=TruncDate("status_changed_at"),
                      waived_from=Subquery(in_force.values("decided_on")[:1]),
                      waived_until=Subquery(in_force.values("expires_on")[:1]))
            .values("checklist_id", "requirement__code", "status", "due_date", "completed_on", "status_changed_on",
                    "waived_from", "waived_until"))
    state: dict[int, dict[str, dict]] = {}
    for row in rows:
        state.setdefault(row.pop("checklist_id"), {})[row.pop("requirement__code")] = row
    return state


def _facts_after(requirement: Requirement, carried: dict | None) -> ItemFacts:
    carried = carried or {"status": NOT_STARTED}
    return ItemFacts(pillar=requirement.pillar, weight=requirement.weight, gating=requirement.gating,
                     status=carried["status"], due_date=carried.get("due_date"),
                     completed_on=carried.get("completed_on"), status_changed_on=carried.get("status_changed_on"),
                     waived_from=carried.get("waived_from"), waived_until=carried.get("waived_until"))
