"""The narrative's wording, case by case. No database."""

import datetime as dt
from decimal import Decimal as D

from dashboards.exports import cell, to_csv
from dashboards.narrative import as_markdown, as_text, cloud_narrative, portfolio_narrative
from readiness.scoring import Thresholds
from tests.dashboards.rows import TODAY, action_row, cloud_row, gating_row


def lines(row, **kwargs):
    return cloud_narrative(row, TODAY, **kwargs)["lines"]


def test_a_cloud_with_everything_leads_with_the_decision():
    narrative = cloud_narrative(cloud_row(), TODAY, gating=[gating_row()], actions=[action_row()])
    assert narrative["title"] == "Alpha Cloud: At risk (Score below the ready threshold), forecast 15 days late"
    assert narrative["lines"] == [
        "Recommendation: no-go unless the pace picks up: the forecast is 15 days late. This week: close PPL-01 "
        "(Ada Lovelace).",
        "2 gating items open: PPL-01 (Ada Lovelace).",
        "Day 1 is 15 Jul 2026, in 30 days.",
        "Forecast: 15 days late, reaching 100 by 30 Jul 2026 against Day 1 on 15 Jul 2026.",
        "No staffing requirements are defined yet.",
        "Overall score 72.5, up 2.5 points on the week.",
        "17.5 points short of ready (90), 2.5 points above at risk (70).",
        "3 items overdue, none of them gating.",
        "No high or medium findings are open.",
    ]
    assert narrative["actions"] == ["1. PPL-01 Screened 24x7 staff (owner Ada Lovelace; +4.2 points, gating)"]


def test_no_history_to_compare_with():
    assert "Overall score 72.5; there is no score from a week earlier to compare with." in \
        lines(cloud_row(week_ago=None))
    assert "Overall score 72.5, down 2.5 points on the week." in lines(cloud_row(week_ago=D("75.0")))
    assert "Overall score 72.5, unchanged on the week." in lines(cloud_row(week_ago=D("72.5")))


def test_no_gating_items_and_nothing_overdue():
    text = lines(cloud_row(open_gating=0, overdue=0))
    assert "No gating items are open." in text and "Nothing is overdue." in text


def test_already_launched():
    row = cloud_row(stage="launched", stage_label="Launched", day1=TODAY - dt.timedelta(days=100),
                    forecast_status="none", forecast_reason="launched", projected_date=None, days_late=None)
    text = lines(row)
    assert "Launched on 7 Mar 2026; readiness is now kept, not built." in text
    assert "Forecast: not needed, the cloud is launched." in text


def test_day1_passed_without_launch():
    row = cloud_row(day1=TODAY - dt.timedelta(days=3), forecast_status="none", forecast_reason="day1_passed",
                    projected_date=None, days_late=None)
    text = lines(row)
    assert "Day 1 was 12 Jun 2026, 3 days ago, and the cloud is not marked launched." in text
    assert "Forecast: none, Day 1 has passed." in text


def test_day1_today_and_in_one_day():
    assert "Day 1 is today (15 Jun 2026)." in lines(cloud_row(day1=TODAY))
    assert "Day 1 is 16 Jun 2026, in 1 day." in lines(cloud_row(day1=TODAY + dt.timedelta(days=1)))


def test_no_day1_set():
    row = cloud_row(day1=None, forecast_status="none", forecast_reason="no_day1", projected_date=None,
                    days_late=None)
    text = lines(row)
    assert "No Day 1 date is set." in text and "Forecast: none without a Day 1 date." in text


def test_score_undefined():
    row = cloud_row(overall=None, week_ago=None, level="not_ready", reason="no_data",
                    reason_text="No counted items yet", pillars={}, open_gating=0, overdue=0,
                    forecast_status="none", forecast_reason="not_enough_history", projected_date=None,
                    days_late=None)
    narrative = cloud_narrative(row, TODAY, actions=[])
    assert narrative["title"] == "Alpha Cloud: Not ready (No counted items yet)"
    assert "No score yet: the checklist has no counted items (or none was computed)." in narrative["lines"]
    assert any(line.startswith("Forecast: not enough score history yet") for line in narrative["lines"])
    assert narrative["actions"] == ["No checklist items to act on yet."]
    assert "No gating items to report: the checklist has nothing counted yet." in narrative["lines"]


def test_on_track_and_flat_forecasts():
    on_track = cloud_row(forecast_status="on_track", projected_date=TODAY + dt.timedelta(days=20), days_late=0)
    assert "Forecast: on track, reaching 100 by 5 Jul 2026, before Day 1 (15 Jul 2026)." in lines(on_track)
    flat = cloud_row(forecast_status="none", forecast_reason="too_slow", projected_date=None, days_late=None)
    assert "Forecast: none, the score has not been rising over the last 28 days." in lines(flat)


def test_portfolio_counts_levels_and_names_what_needs_attention():
    rows = [cloud_row(), cloud_row(id=2, name="Beta", level="ready", reason_text="Score at target",
                                   open_gating=0, forecast_status="none", forecast_reason="launched",
                                   stage="launched", stage_label="Launched", overall=D("95.5"))]
    narrative = portfolio_narrative(rows, TODAY)
    assert narrative["lines"][:3] == ["2 clouds: 1 ready, 1 at risk, 0 not ready.",
                                      "Mean overall score 84.0 across 2 scored clouds.",
                                      "2 gating items open in total."]
    assert "Projected late: Alpha Cloud (15 days)." in narrative["lines"]
    assert "No high-severity findings are open." in narrative["lines"]
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
    assert "High findings: Gating items overdue; Forecast later than Day 1." in lines(cloud_row(), findings=findings)
    portfolio = portfolio_narrative([cloud_row()], TODAY, findings)
    assert "High findings: Alpha Cloud (Gating items overdue); Alpha Cloud (Forecast later than Day 1)." \
        in portfolio["lines"]


def test_retired_cloud():
    row = cloud_row(stage="retired", stage_label="Retired", day1=TODAY - dt.timedelta(days=400),
                    forecast_status="none", forecast_reason="launched", projected_date=None, days_late=None)
    text = lines(row)
    assert "Retired (Day 1 was 11 May 2025)." in text and "Forecast: not needed, the cloud is retired." in text


# -- what an executive needs to decide (issue 16) ---------------------------------------------------

def finding(title, severity):
    from dashboards.queries import FindingRow

    return FindingRow(1, "Alpha Cloud", "rule", title, severity)


def ready_row(**overrides):
    values = dict(level="ready", reason="ready", reason_text="Ready", overall=D("93.4"), open_gating=0, overdue=0,
                  forecast_status="on_track", forecast_reason="complete", projected_date=None, days_late=0)
    return cloud_row(**{**values, **overrides})


def test_a_ready_cloud_with_untouched_items_does_not_read_as_spotless():
    findings = [finding("Items not updated for 45 days", "low"), finding("Unowned items", "medium")]
    text = lines(ready_row(), findings=findings)
    assert "No high findings; medium: Unowned items. Low: Items not updated for 45 days." in text
    with_high = lines(ready_row(), findings=[finding("Gating items overdue", "high"), *findings])
    assert "High findings: Gating items overdue. Also 1 medium finding. Low: Items not updated for 45 days." in \
        with_high


def test_an_overdue_gating_item_is_named_with_its_owner_and_due_date():
    late = gating_row(code="SEC-02", owner="Grace Hopper")
    late = late.__class__(**{**late.__dict__, "due_date": TODAY - dt.timedelta(days=4)})
    assert "1 item overdue, all gating: SEC-02 (Grace Hopper, due 11 Jun 2026)." in \
        lines(cloud_row(overdue=1), gating=[late])
    assert "3 items overdue, 1 of them gating: SEC-02 (Grace Hopper, due 11 Jun 2026)." in \
        lines(cloud_row(overdue=3), gating=[late, gating_row()])


def test_a_pillar_that_is_not_applicable_is_said():
    row = cloud_row(pillars={"people": D("80.0"), "process": None, "technology": D("65.0")})
    assert "Process is n/a (nothing counted there: no items, or all not applicable or waived), so the overall " \
           "is the mean of people and technology only." in lines(row)
    assert not any("n/a" in line for line in lines(cloud_row()))


def test_the_headline_tells_an_on_track_cloud_from_a_late_one():
    on_track = cloud_row(forecast_status="on_track", projected_date=TODAY + dt.timedelta(days=20), days_late=0)
    late = cloud_row(days_late=40)
    assert cloud_narrative(on_track, TODAY)["title"].endswith(", forecast on track for Day 1")
    assert cloud_narrative(late, TODAY)["title"].endswith(", forecast 40 days late")
    launched = cloud_row(stage="launched", stage_label="Launched", forecast_status="none", forecast_reason="launched")
    assert "forecast" not in cloud_narrative(launched, TODAY)["title"]


def test_the_margin_to_the_next_level_is_shown():
    assert "The score is exactly at the ready threshold (90): any slip takes it below." in \
        lines(ready_row(overall=D("90.0")))
    assert "3.4 points above the ready threshold (90)." in lines(ready_row())
    assert "17.5 points short of ready (90), 2.5 points above at risk (70)." in lines(cloud_row())
    assert "20.0 points short of ready (90), exactly at the at-risk threshold (70): any slip takes it below." in \
        lines(cloud_row(overall=D("70.0")))
    stricter = Thresholds(ready_score=D(93))
    assert "2.0 points short of ready (93), 21.0 points above at risk (70)." in \
        cloud_narrative(ready_row(overall=D("91.0"), level="at_risk"), TODAY, thresholds=stricter)["lines"]
    assert "5.0 points short of at risk (70), 25.0 points of ready." in \
        lines(cloud_row(overall=D("65.0"), level="not_ready", reason="low_score"))
    assert "The score clears the ready threshold (90); the open gating items hold the cloud back." in \
        lines(cloud_row(overall=D("94.0"), reason="gating_open"))


def test_trivial_actions_of_a_ready_cloud_are_not_listed_as_priorities():
    actions = [action_row(code="PRC-09", gain="0.2", gating=False), action_row(code="TEC-07", gain="0.4",
                                                                               gating=False)]
    assert cloud_narrative(ready_row(), TODAY, actions=actions)["actions"] == [
        "No open item adds a point or more (the largest adds +0.4 points): what is left is upkeep, not a "
        "readiness risk."]
    gating = [*actions, action_row(code="PPL-01", gain="0.3", gating=True)]
    assert len(cloud_narrative(ready_row(), TODAY, actions=gating)["actions"]) == 3


def test_the_recommendation_says_go_go_with_conditions_or_no_go_and_what_to_do_this_week():
    from people.insight_rules import RequirementFacts, StaffingFacts

    assert lines(ready_row())[0] == "Recommendation: go."
    short = StaffingFacts(requirements=(RequirementFacts("duty_manager", 3, 2, None, None),), renewals_due=0,
                          critical_renewals=0, first_critical_expiry=None, warning_days=30)
    assert lines(ready_row(), staffing=short)[0] == "Recommendation: go with conditions: staff duty manager to 3."
    gated = cloud_row(overall=D("94.0"), reason="gating_open", forecast_status="on_track", days_late=0)
    assert lines(gated, gating=[gating_row()])[0] == (
        "Recommendation: go with conditions: close the 2 open gating items before Day 1. This week: close PPL-01 "
        "(Ada Lovelace).")
    pacing = cloud_row(forecast_status="on_track", days_late=0, open_gating=0)
    assert lines(pacing, actions=[action_row()])[0] == (
        "Recommendation: go with conditions: keep the pace that reaches 100 before Day 1. This week: PPL-01 "
        "(+4.2 points).")
    blocked = cloud_row(level="not_ready", reason="gating_near_day1", reason_text="Gating items open near Day 1")
    assert lines(blocked, gating=[gating_row(owner=None)])[0] == (
        "Recommendation: no-go as things stand (gating items open near day 1). This week: close PPL-01 (unowned: "
        "name an owner).")
    launched = cloud_row(stage="launched", stage_label="Launched", forecast_status="none", forecast_reason="launched")
    assert not any(line.startswith("Recommendation") for line in lines(launched))


def test_the_recommendation_never_says_go_for_a_cloud_that_is_not_ready():
    # A snapshot scored under older thresholds: at risk, no gating open, above today's ready threshold.
    stale_level = cloud_row(overall=D("91.0"), level="at_risk", reason="below_ready_score", open_gating=0,
                            forecast_status="on_track", days_late=0)
    assert lines(stale_level)[0] == ("Recommendation: go with conditions: score below the ready threshold: "
                                     "resolve it before Day 1.")
    flat = cloud_row(open_gating=0, forecast_status="none", forecast_reason="too_slow", days_late=None)
    assert lines(flat)[0] == ("Recommendation: no-go unless the pace picks up: the score is below the ready "
                              "threshold with no forecast reaching it before Day 1.")
    only_gating = cloud_row(overall=D("95.0"), reason="gating_open", days_late=20)
    assert lines(only_gating)[0] == "Recommendation: go with conditions: close the 2 open gating items before Day 1."


def test_missing_figures_never_read_as_none():
    row = cloud_row(days_late=None, projected_date=None)
    text = " ".join([cloud_narrative(row, TODAY)["title"], *lines(row)])
    assert "None" not in text and "forecast late" in text
    from dashboards.narrative import overdue_sentence

    assert overdue_sentence(cloud_row(), [gating_row()]) == "3 items overdue."
    late = [gating_row(code=f"SEC-0{n}") for n in range(2)]
    late = [g.__class__(**{**g.__dict__, "due_date": TODAY - dt.timedelta(days=1)}) for g in late]
    assert overdue_sentence(cloud_row(overdue=1), late, TODAY).startswith("2 items overdue, all gating")
