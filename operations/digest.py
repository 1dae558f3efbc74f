"""The digest section of operations/: each of the recipient's clouds that is not healthy, with its reason."""

from __future__ import annotations

import datetime as dt

from operations.health import HEALTHY, NO_DATA
from operations.summary import health_of

TITLE = "Operations health, last 7 days"


def operations_section(user, clouds, today: dt.date) -> tuple[str, list[str]]:
    rows = list(clouds.order_by("name").values_list("pk", "name", "stage"))
    health = health_of([pk for pk, _, _ in rows], today)
    lines = [f"{name}: {health[pk].state.replace('_', ' ')}. {health[pk].reason}" for pk, name, _ in rows
             if pk in health and health[pk].state not in (HEALTHY, NO_DATA)]
    return TITLE, lines
