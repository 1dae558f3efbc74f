"""The evidence frozen with a decision: what the criteria, the level and the open work said at the
moment it was recorded, as canonical JSON (sorted keys, no spaces, UTF-8) with its SHA-256.

The stored text is never regenerated: pages show it parsed, exports copy it, and anyone can
check the hash against it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict
from typing import Any

from django.utils import timezone

from launches.criteria import GateSpec, check_criteria
from launches.past import day1_on, facts_on
from launches.state import launch_facts
from readiness.insights.registry import title_of
from readiness.models import ChecklistItem, Finding, Waiver
from readiness.scoring import REASON_TEXT
from readiness.terms import HIGH, OPEN_STATUSES

EVIDENCE_FORMAT = 1


def build_evidence(cloud, gate: GateSpec, due_on: dt.date | None, framework, today: dt.date,
                   now: dt.datetime) -> dict[str, Any]:
    """The evidence at the end of `today`: live when `today` is the present day, otherwise reconstructed
    as it stood then (launches.past, for decisions entered after the day they were taken)."""
    if today >= timezone.localdate():
        facts = launch_facts([cloud], today)[cloud.pk]
        day1 = cloud.day1_date
        gating = [{"id": pk, "code": code, "title": title, "status": status,
                   "due_date": due.isoformat() if due else None, "owner": owner}
                  for pk, code, title, status, due, owner in (
                      ChecklistItem.objects.active().of_clouds([cloud.pk]).open().gating().unwaived(today)
                      .order_by("requirement__position")
                      .values_list("pk", "requirement__code", "requirement__title", "status", "due_date",
                                   "owner__username"))]
        findings = [{"id": pk, "rule": rule, "explanation": explanation, "opened_at": opened}
                    for pk, rule, explanation, opened in (
                        Finding.objects.filter(cloud=cloud, resolved_at__isnull=True, severity=HIGH)
                        .order_by("rule").values_list("pk", "rule", "explanation", "opened_at"))]
    else:
        facts, gating, findings = facts_on(cloud, today)
        day1 = day1_on(cloud, today)
    waived = (Waiver.objects.in_force(today).filter(item__checklist__cloud=cloud, item__checklist__is_active=True,
                                                    item__status__in=OPEN_STATUSES)
              .order_by("item__requirement__position")
              .values_list("pk", "item_id", "item__requirement__code", "item__requirement__gating", "expires_on"))
    return {
        "format": EVIDENCE_FORMAT,
        "as_of": today.isoformat(),
        "recorded_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "cloud": {"slug": cloud.slug, "name": cloud.name, "stage": cloud.stage,
                  "day1": day1.isoformat() if day1 else None},
        "framework": {"slug": framework.slug, "version": framework.version},
        "gate": {"code": gate.code, "name": gate.name, "offset_days": gate.offset_days,
                 "due_on": due_on.isoformat() if due_on else None},
        "score": {"overall": None if facts.overall is None else str(facts.overall), "level": facts.level,
                  "reason": facts.reason, "reason_text": REASON_TEXT.get(facts.reason, facts.reason),
                  "waived_items": facts.waived},
        "criteria": [asdict(result) for result in check_criteria(gate, facts)],
        "open_gating_items": gating,
        "waivers_in_force": [
            {"id": pk, "item_id": item_id, "code": code, "gating": gating_flag, "expires_on": expires.isoformat()}
            for pk, item_id, code, gating_flag, expires in waived],
        "open_high_findings": [
            {**finding, "title": title_of(finding["rule"]),
             "opened_at": finding["opened_at"].isoformat(timespec="seconds")}
            for finding in findings],
        "staffing": [{"role": line.role, "minimum": line.minimum, "eligible": line.eligible, "met": line.met}
                     for line in facts.staffing],
        "operations": {"state": facts.operations_state, "reason": facts.operations_reason},
    }


def freeze(evidence: dict[str, Any]) -> tuple[str, str]:
    """The canonical text of `evidence` and the SHA-256 of its UTF-8 bytes."""
    text = json.dumps(evidence, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify(text: str, sha256: str) -> bool:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() == sha256
