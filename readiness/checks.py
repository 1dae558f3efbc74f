"""Automatic checks a framework requirement may name (e.g. `check: staffing_coverage`).

An app above readiness registers each check it runs from its AppConfig.ready (people registers
staffing_coverage); the framework loader refuses a check nobody registered. An item whose
requirement names a check is set by that check's job through the service layer and cannot be
changed by hand. Pure: no Django import.
"""

from __future__ import annotations

_checks: dict[str, str] = {}


def register_check(name: str, description: str) -> None:
    _checks[name] = description


def is_registered(name: str) -> bool:
    return name in _checks


def names() -> list[str]:
    return sorted(_checks)


def description_of(name: str) -> str:
    return _checks.get(name, name.replace("_", " "))
