"""The narrative's wording, case by case. No database."""

import datetime as dt
from decimal import Decimal as D

from dashboards.exports import cell, to_csv
from dashboards.narrative import as_markdown, as_text, cloud_narrative, portfolio_narrative
from tests.dashboards.rows import TODAY, action_row, cloud_row, gating_row


def lines(row, **kwargs):
    return cloud_narrative(row, TODAY, **kwargs)["lines"]


def test_a_cloud_with_everything():
    narrative = cloud_narrative(cloud_row(), TODAY, gating=[gating_row()], actions=[action_row()])
    assert narrative["title"] == "Alpha Cloud: At risk (Score below the ready threshold)"
    assert narrative["lines"] == [
        "Overall score 72.5, up 2.5 points on the week.",
        "Day 1 is 15 Jul 2026, in 30 days.",
        "2 gating items open: PPL-01 (Ada Lovelace).",
        "3 items overdue.",
        "Forecast: 15 days late, reaching 100 by 30 Jul 2026 against Day 1 on 15 Jul 2026.",
        "No staffing requirements are defined yet.",
        "No high-severity findings are open.",
    ]
    assert narrative["actions"] == ["1. PPL-01 Screened 24x7 staff (owner Ada Lovelace; +4.2 points, gating)"]


def test_no_history_to_compare_with():
    assert lines(cloud_row(week_ago=None))[0] == \
        "Overall score 72.5; there is no score from a week earlier to compare with."
    assert lines(cloud_row(week_ago=D("75.0")))[0] == "Overall score 72.5, down 2.5 points on the week."
    assert lines(cloud_row(week_ago=D("72.5")))[0] == "Overall score 72.5, unchanged on the week."


def test_no_gating_items_and_nothing_overdue():
    text = lines(cloud_row(open_gating=0, overdue=0))
    assert text[2] == "No gating items are open." and text[3] == "Nothing is overdue."


def test_already_launched():
    row = cloud_row(stage="launched", stage_label="Launched", day1=TODAY - dt.timedelta(days=100),
                    forecast_status="none", forecast_reason="launched", projected_date=None, days_late=None)
    text = lines(row)
    assert text[1] == "Launched on 7 Mar 2026; readiness is now kept, not built."
    assert text[4] == "Forecast: not needed, the cloud is launched."


def test_day1_passed_without_launch():
    row = cloud_row(day1=TODAY - dt.timedelta(days=3), forecast_status="none", forecast_reason="day1_passed",
                    projected_date=None, days_late=None)
    text = lines(row)
    assert text[1] == "Day 1 was 12 Jun 2026, 3 days ago, and the cloud is not marked launched."
    assert text[4] == "Forecast: none, Day 1 has passed."


def test_day1_today_and_in_one_day():
    assert lines(cloud_row(day1=TODAY))[1] == "Day 1 is today (15 Jun 2026)."
    assert lines(cloud_row(day1=TODAY + dt.timedelta(days=1)))[1] == "Day 1 is 16 Jun 2026, in 1 day."


def test_no_day1_set():
    row = cloud_row(day1=None, forecast_status="none", forecast_reason="no_day1", projected_date=None,
                    days_late=None)
    text = lines(row)
    assert text[1] == "No Day 1 date is set." and text[4] == "Forecast: none without a Day 1 date."


def test_score_undefined():
    row = cloud_row(overall=None, week_ago=None, level="not_ready", reason="no_data",
                    reason_text="No counted items yet", pillars={}, open_gating=0, overdue=0,
                    forecast_status="none", forecast_reason="not_enough_history", projected_date=None,
                    days_late=None)
    narrative = cloud_narrative(row, TODAY, actions=[])
    assert narrative["title"] == "Alpha Cloud: Not ready (No counted items yet)"
    assert narrative["lines"][0] == "No score yet: the checklist has no counted items (or none was computed)."
    assert narrative["lines"][4].startswith("Forecast: not enough score history yet")
    assert narrative["actions"] == ["No checklist items to act on yet."]
    assert narrative["lines"][2] == "No gating items to report: the checklist has nothing counted yet."


def test_on_track_and_flat_forecasts():
    on_track = cloud_row(forecast_status="on_track", projected_date=TODAY + dt.timedelta(days=20), days_late=0)
    assert lines(on_track)[4] == "Forecast: on track, reaching 100 by 5 Jul 2026, before Day 1 (15 Jul 2026)."
    flat = cloud_row(forecast_status="none", forecast_reason="too_slow", projected_date=None, days_late=None)
    assert lines(flat)[4] == "Forecast: none, the score has not been rising over the last 28 days."


def test_portfolio_counts_levels_and_names_what_needs_attention():
    rows = [cloud_row(), cloud_row(id=2, name="Beta", level="ready", reason_text="Score at target",
                                   open_gating=0, forecast_status="none", forecast_reason="launched",
                                   stage="launched", stage_label="Launched", overall=D("95.5"))]
    narrative = portfolio_narrative(rows, TODAY)
    assert narrative["lines"][:3] == ["2 clouds: 1 ready, 1 at risk, 0 not ready.",
                                      "Mean overall score 84.0 across 2 scored clouds.",
                                      "2 gating items open in total."]
    assert narrative["lines"][3] == "Projected late: Alpha Cloud (15 days)."
    assert narrative["lines"][4] == "No high-severity findings are open."
    assert narrative["clouds"] == ["Alpha Cloud: at risk (Score below the ready threshold). "
                                   "Day 1 is 15 Jul 2026, in 30 days."]
    assert portfolio_narrative([], TODAY)["lines"] == ["No clouds match these filters."]


def test_markdown_and_text_keep_names_as_written():
    row = cloud_row(name="<script>alert(1)</script>\"'")
    markdown = as_markdown(cloud_narrative(row, TODAY))
    assert "<script>" not in markdown and "\\<script\\>alert(1)\\</script\\>" in markdown
    assert "<script>alert(1)</script>\"'" in as_text(cloud_narrative(row, TODAY))


def test_csv_cells_never_start_a_formula():
    assert cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert [cell(v) for v in ("+1", "-2", "@SUM(A1)", "\tx", "plain", None, 3, D("-1.5"))] == \
        ["'+1", "'-2", "'@SUM(A1)", "'\tx", "plain", "", "3", "-1.5"]
    assert to_csv(["a"], [["=1+1"]]).splitlines()[1] == '"\'=1+1"'


def test_high_findings_are_named():
    from dashboards.queries import FindingRow

    findings = [FindingRow(1, "Alpha Cloud", "gating_overdue", "Gating items overdue", "high"),
                FindingRow(1, "Alpha Cloud", "forecast_late", "Forecast later than Day 1", "high")]
    assert lines(cloud_row(), findings=findings)[6] == \
        "High findings: Gating items overdue; Forecast later than Day 1."
    portfolio = portfolio_narrative([cloud_row()], TODAY, findings)
    assert "High findings: Alpha Cloud (Gating items overdue); Alpha Cloud (Forecast later than Day 1)." \
        in portfolio["lines"]


def test_retired_cloud():
    row = cloud_row(stage="retired", stage_label="Retired", day1=TODAY - dt.timedelta(days=400),
                    forecast_status="none", forecast_reason="launched", projected_date=None, days_late=None)
    text = lines(row)
    assert text[1] == "Retired (Day 1 was 11 May 2025)." and text[4] == "Forecast: not needed, the cloud is retired."
