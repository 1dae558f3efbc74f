"""The insight rules in force.

Readiness registers its own rules in its AppConfig.ready; apps above it (people,
operations) add theirs the same way, so the engine runs them without importing
them. Pure: no Django import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readiness.terms import SEVERITY_ORDER

if TYPE_CHECKING:
    from readiness.insights.rules import CloudFacts, FindingSpec, InsightThresholds


@dataclass(frozen=True)
class Rule:
    """One insight rule: a stable code, a title for people, its severity, and the check itself."""

    code: str
    title: str
    severity: str
    check: Callable[[CloudFacts, dt.date, InsightThresholds], FindingSpec | None]


_rules: dict[str, Rule] = {}
# name -> provider(cloud ids, today) -> {cloud id: facts}; read into CloudFacts.extra[name].
_fact_providers: dict[str, Callable[[list[int], dt.date], dict[int, object]]] = {}


def register(*rules: Rule) -> None:
    """Add rules; registering the same rule again is harmless, another rule under a taken code is not."""
    for rule in rules:
        if rule.severity not in SEVERITY_ORDER:
            raise ValueError(f"Rule {rule.code!r}: unknown severity {rule.severity!r}.")
        known = _rules.get(rule.code)
        if known is not None and known != rule:
            raise ValueError(f"Another rule is already registered as {rule.code!r}.")
        _rules[rule.code] = rule


def register_facts(name: str, provider: Callable[[list[int], dt.date], dict[int, object]]) -> None:
    """Let an app's rules see more than readiness knows: `provider` reads, for many clouds at once and in
    a fixed number of queries, the facts its rules need (they find them in CloudFacts.extra[name])."""
    known = _fact_providers.get(name)
    if known is not None and known is not provider:
        raise ValueError(f"Another fact provider is already registered as {name!r}.")
    _fact_providers[name] = provider


def fact_providers() -> dict[str, Callable[[list[int], dt.date], dict[int, object]]]:
    return dict(_fact_providers)


# Extra digest sections: provider(user, their clouds, today) -> (title, lines), lines empty to leave it out.
_digest_sections: list[Callable[[object, object, dt.date], tuple[str, list[str]]]] = []


def register_digest_section(provider: Callable[[object, object, dt.date], tuple[str, list[str]]]) -> None:
    if provider not in _digest_sections:
        _digest_sections.append(provider)


def digest_sections() -> list[Callable[[object, object, dt.date], tuple[str, list[str]]]]:
    return list(_digest_sections)


def unregister(code: str) -> None:
    _rules.pop(code, None)


def registered() -> tuple[Rule, ...]:
    """Every registered rule, in registration order."""
    return tuple(_rules.values())


def codes() -> list[str]:
    return list(_rules)


def titles() -> dict[str, str]:
    return {rule.code: rule.title for rule in _rules.values()}


def title_of(code: str) -> str:
    """The rule's title; its code when no registered rule has that code (e.g. a rule since removed)."""
    rule = _rules.get(code)
    return rule.title if rule else code
