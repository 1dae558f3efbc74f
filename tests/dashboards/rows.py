"""Hand-made dashboard rows for tests that need no database."""

import datetime as dt
from decimal import Decimal as D

from dashboards.queries import ActionRow, CloudRow, GatingRow

TODAY = dt.date(2026, 6, 15)


def cloud_row(**overrides) -> CloudRow:
    values = dict(
        id=1, slug="alpha", name="Alpha Cloud", kind="sovereign", stage="pre_launch", stage_label="Pre-launch",
        day1=TODAY + dt.timedelta(days=30), days_to_day1=30, score_day=TODAY, overall=D("72.5"),
        week_ago=D("70.0"), level="at_risk", reason="below_ready_score",
        reason_text="Score below the ready threshold",
        pillars={"people": D("80.0"), "process": D("65.0"), "technology": D("72.5")}, open_gating=2, overdue=3,
        forecast_status="late", forecast_reason="projected", projected_date=TODAY + dt.timedelta(days=45),
        days_late=15,
    )
    values.update(overrides)
    if "day1" in overrides and "days_to_day1" not in overrides:
        values["days_to_day1"] = (values["day1"] - TODAY).days if values["day1"] else None
    return CloudRow(**values)


def gating_row(code="PPL-01", owner="Ada Lovelace") -> GatingRow:
    return GatingRow("Alpha Cloud", "alpha", TODAY + dt.timedelta(days=30), 7, code, "Screened 24x7 staff",
                     "blocked", TODAY, owner, "Alpha NCOE")


def action_row(code="PPL-01", gain="4.2", gating=True, owner="Ada Lovelace") -> ActionRow:
    return ActionRow(7, code, "Screened 24x7 staff", "people", 5, gating, "blocked", TODAY, owner, D(gain))
