"""More rows for "My items" from apps above readiness (e.g. launch conditions), registered in their
AppConfig.ready: provider(user, today) -> MyItemsSection, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MyItemsRow:
    cloud_name: str
    cloud_slug: str
    text: str
    url: str
    due_on: dt.date | None
    overdue: bool
    note: str = ""


@dataclass(frozen=True)
class MyItemsSection:
    title: str
    rows: tuple[MyItemsRow, ...] = field(default_factory=tuple)


_providers: list[Callable[[object, dt.date], MyItemsSection]] = []


def register_my_items_section(provider: Callable[[object, dt.date], MyItemsSection]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def my_items_sections(user: object, today: dt.date) -> list[MyItemsSection]:
    return [provider(user, today) for provider in _providers]
