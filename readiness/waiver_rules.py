"""Insight rules about waivers (registered by ReadinessConfig): one expiring soon, and one that
expired while its item is still open (the item counts again from the next recompute).

The rules are pure over WaiverFacts; `waiver_facts` reads them for many clouds in two queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from readiness.insights.registry import Rule
from readiness.insights.rules import CloudFacts, FindingSpec, InsightThresholds
from readiness.terms import HIGH, MEDIUM

FACTS = "waivers"


@dataclass(frozen=True)
class WaivedItem:
    item_id: int
    code: str
    gating: bool
    expires_on: dt.date


@dataclass(frozen=True)
class WaiverFacts:
    in_force: tuple[WaivedItem, ...]
    expired: tuple[WaivedItem, ...]  # open items whose last approved waiver expired, with none in force now
    expiring_days: int


def _facts(cloud: CloudFacts) -> WaiverFacts | None:
    facts = cloud.extra.get(FACTS)
    return facts if isinstance(facts, WaiverFacts) else None


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _listed(items: tuple[WaivedItem, ...] | list[WaivedItem]) -> str:
    return ", ".join(f"{item.code} ({_date(item.expires_on)})" for item in items[:6]) + (
        f" and {len(items) - 6} more" if len(items) > 6 else "")


def waiver_expiring(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    if facts is None:
        return None
    soon = sorted((item for item in facts.in_force if (item.expires_on - today).days <= facts.expiring_days),
                  key=lambda item: item.expires_on)
    if not soon:
        return None
    return FindingSpec(
        "waiver_expiring", MEDIUM, tuple(item.item_id for item in soon),
        f"{len(soon)} waiver{'s expire' if len(soon) != 1 else ' expires'} within {facts.expiring_days} days: "
        f"{_listed(soon)}. After that the item counts in the score again.",
        "Finish the item before the waiver ends, or ask for an extension (a new waiver with a later expiry, its "
        "reason and compensating control) on the item's page.")


def waiver_expired(cloud: CloudFacts, today: dt.date, t: InsightThresholds) -> FindingSpec | None:
    facts = _facts(cloud)
    if facts is None or not facts.expired:
        return None
    items = sorted(facts.expired, key=lambda item: (not item.gating, item.expires_on))
    gating = [item for item in items if item.gating]
    return FindingSpec(
        "waiver_expired", HIGH if gating else MEDIUM, tuple(item.item_id for item in items),
        f"{len(items)} waiver{'s' if len(items) != 1 else ''} expired with the item still open: {_listed(items)}"
        f"{f'; {len(gating)} of them gating' if gating else ''}. The items count in the score again.",
        "Close the items, or ask for a new waiver if the risk is still accepted.")


WAIVER_RULES = (
    Rule("waiver_expiring", "Waiver expiring", MEDIUM, waiver_expiring),
    Rule("waiver_expired", "Waiver expired", HIGH, waiver_expired),
)
