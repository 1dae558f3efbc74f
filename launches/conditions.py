"""Decision conditions where their owners look: "My items" and the daily digest."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from launches.access import visible_conditions
from readiness.my_items_sections import MyItemsRow, MyItemsSection

TITLE = "Launch decision conditions"


def open_conditions_of(user, clouds=None):
    conditions = visible_conditions(user).filter(owner=user, done_at__isnull=True)
    if clouds is not None:
        conditions = conditions.filter(decision__cloud__in=clouds)
    return conditions.select_related("decision__cloud").order_by("due_on", "pk")


def my_conditions(user, today: dt.date) -> MyItemsSection:
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return MyItemsSection(TITLE)
    return MyItemsSection(TITLE, tuple(
        MyItemsRow(condition.decision.cloud.name, condition.decision.cloud.slug, condition.text,
                   reverse("launches:decision", kwargs={"pk": condition.decision_id}), condition.due_on,
                   condition.due_on < today, note=f"{condition.decision.gate_name}, "
                                                  f"{condition.decision.get_outcome_display().lower()}")
        for condition in open_conditions_of(user)))


def conditions_section(user, clouds, today: dt.date) -> tuple[str, list[str]]:
    """The recipient's open conditions (overdue ones first), for the digest."""
    lines = []
    for condition in open_conditions_of(user, clouds):
        late = " (overdue)" if condition.due_on < today else ""
        lines.append(f"{condition.decision.cloud.name}, {condition.decision.gate_name}: {condition.text} "
                     f"(due {condition.due_on.isoformat()}){late}")
    return "Your launch decision conditions", lines
