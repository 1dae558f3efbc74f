"""The scoring rules, pinned with small hand-computed cases. No database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from readiness import scoring
from readiness.scoring import ItemFacts, Thresholds, Totals

TODAY = dt.date(2026, 6, 15)


def item(status, weight=1, pillar="people", gating=False, due=None, completed=None, changed=None):
    return ItemFacts(pillar, weight, gating, status, due, completed, changed)


def level(overall, *, open_gating=0, overdue_gating=0, stage="pre_launch", day1=None):
    return scoring.readiness_level(None if overall is None else D(overall), open_gating=open_gating,
                                   overdue_gating=overdue_gating, stage=stage, day1=day1, today=TODAY)


# -- items and pillar scores -----------------------------------------------------

def test_open_overdue_and_counted():
    assert scoring.is_open("blocked") and scoring.is_open("not_started") and scoring.is_open("in_progress")
    assert not scoring.is_open("done") and not scoring.is_open("not_applicable")
    assert scoring.is_overdue("in_progress", TODAY - dt.timedelta(days=1), TODAY)
    assert not scoring.is_overdue("in_progress", TODAY, TODAY)  # due today is not yet overdue
    assert not scoring.is_overdue("done", TODAY - dt.timedelta(days=1), TODAY)
    assert not scoring.is_overdue("in_progress", None, TODAY)
    assert not scoring.is_counted("not_applicable") and scoring.is_counted("blocked")


def test_pillar_score_is_done_weight_over_counted_weight_with_na_excluded():
    totals = scoring.totals_by_pillar(
        [item("done", 3), item("in_progress", 1), item("not_applicable", 5), item("done", 1)], TODAY
    )["people"]
    assert (totals.done_weight, totals.counted_weight, totals.counted, totals.done) == (4, 5, 3, 2)
    assert scoring.pillar_score(totals) == D("80.0")


def test_weights_matter_not_counts():
    heavy_done = scoring.totals_by_pillar([item("done", 5), item("blocked", 1)], TODAY)["people"]
    light_done = scoring.totals_by_pillar([item("done", 1), item("blocked", 5)], TODAY)["people"]
    assert scoring.pillar_score(heavy_done) == D("83.3")
    assert scoring.pillar_score(light_done) == D("16.7")


def test_pillar_with_only_not_applicable_items_is_undefined():
    totals = scoring.totals_by_pillar([item("not_applicable", 3)], TODAY)
    assert scoring.pillar_score(totals["people"]) is None
    assert scoring.pillar_score(totals["process"]) is None  # no items at all


def test_rounding_is_half_up_to_a_tenth():
    assert scoring.pillar_score(Totals(counted_weight=2000, done_weight=1799)) == D("90.0")  # 89.95
    assert scoring.pillar_score(Totals(counted_weight=20000, done_weight=17989)) == D("89.9")  # 89.945
    assert scoring.pillar_score(Totals(counted_weight=2000, done_weight=1399)) == D("70.0")  # 69.95
    assert scoring.pillar_score(Totals(counted_weight=3, done_weight=2)) == D("66.7")


def test_overall_is_mean_of_defined_pillars_and_undefined_without_any():
    assert scoring.overall_score([D("90.0"), D("80.0"), None]) == D("85.0")
    assert scoring.overall_score([D("90.0"), D("80.0"), D("70.1")]) == D("80.0")  # 80.0333
    assert scoring.overall_score([D("89.9"), D("90.0")]) == D("90.0")  # 89.95 rounds up
    assert scoring.overall_score([None, None, None]) is None


def test_totals_count_open_overdue_blocked_and_gating():
    items = [
        item("blocked", 2, gating=True, due=TODAY - dt.timedelta(days=1)),
        item("in_progress", 1, due=TODAY - dt.timedelta(days=3)),
        item("not_started", 1, gating=True, due=TODAY),
        item("done", 4, gating=True, due=TODAY - dt.timedelta(days=9)),
        item("not_applicable", 5, gating=True, due=TODAY - dt.timedelta(days=9)),
    ]
    totals = scoring.totals_by_pillar(items, TODAY)["people"]
    assert totals == Totals(counted_weight=8, done_weight=4, counted=4, done=1, open=3, overdue=2, blocked=1,
                            open_gating=2, overdue_gating=1)


# -- the level rule, step by step -------------------------------------------------

def test_step1_undefined_overall_is_not_ready_no_data():
    assert level(None, open_gating=0) == scoring.LevelResult("not_ready", "no_data")


@pytest.mark.parametrize(("days_before", "expected"), [(14, "gating_near_day1"), (15, "gating_open"),
                                                       (0, "gating_near_day1"), (-3, "gating_near_day1")])
def test_step2_open_gating_item_within_14_days_of_day1(days_before, expected):
    result = level("95.0", open_gating=1, day1=TODAY + dt.timedelta(days=days_before))
    assert result.reason == expected


def test_step2_does_not_apply_to_launched_clouds_or_without_day1():
    assert level("95.0", open_gating=1, stage="launched", day1=TODAY).reason == "gating_open"
    assert level("95.0", open_gating=1, day1=None).reason == "gating_open"


def test_step2_comes_before_step3_and_without_open_gating_does_not_fire():
    assert level("95.0", open_gating=0, day1=TODAY + dt.timedelta(days=3)).level == "ready"


@pytest.mark.parametrize(("overall", "expected"), [("90.0", "ready"), ("89.9", "at_risk"),
                                                   ("70.0", "at_risk"), ("69.9", "not_ready")])
def test_thresholds_compare_the_rounded_score(overall, expected):
    assert level(overall).level == expected


def test_step3_ready_needs_every_gating_item_closed():
    assert level("100.0", open_gating=1) == scoring.LevelResult("at_risk", "gating_open")


def test_step4_at_risk_unless_a_gating_item_is_overdue():
    assert level("75.0") == scoring.LevelResult("at_risk", "below_ready_score")
    assert level("75.0", open_gating=1, overdue_gating=1) == scoring.LevelResult("not_ready", "gating_overdue")
    assert level("95.0", open_gating=1, overdue_gating=1) == scoring.LevelResult("not_ready", "gating_overdue")


def test_step5_low_score():
    assert level("69.9") == scoring.LevelResult("not_ready", "low_score")
    assert level("10.0", open_gating=2, overdue_gating=2) == scoring.LevelResult("not_ready", "low_score")


def test_thresholds_are_settings():
    strict = Thresholds(ready_score=D(95), at_risk_score=D(80), gating_days_before_day1=30)
    result = scoring.readiness_level(D("92.0"), open_gating=0, overdue_gating=0, stage="pre_launch",
                                     day1=None, today=TODAY, thresholds=strict)
    assert result.level == "at_risk"
    near = scoring.readiness_level(D("99.0"), open_gating=1, overdue_gating=0, stage="building",
                                   day1=TODAY + dt.timedelta(days=30), today=TODAY, thresholds=strict)
    assert near.reason == "gating_near_day1"


# -- the forecast -----------------------------------------------------------------

def line(start_score, per_day, days, *, end=TODAY):
    """`days` daily points ending on `end`, rising by `per_day`."""
    return {end - dt.timedelta(days=days - 1 - i): D(start_score) + D(per_day) * i for i in range(days)}


def forecast(history, day1=TODAY + dt.timedelta(days=30), stage="pre_launch"):
    return scoring.forecast_day1(history, today=TODAY, day1=day1, stage=stage)


def test_forecast_on_a_straight_line():
    # 50 + 2/day over 10 days: last value 68 on TODAY, needs 32 more -> 16 days.
    result = forecast(line("50", "2", 10))
    assert result.status == "on_track"
    assert result.projected_date == TODAY + dt.timedelta(days=16)
    assert result.slope_per_day == D(2)


def test_forecast_late_by_n_days():
    # 40 + 1/day: last 49, needs 51 days; Day 1 in 30 -> 21 days late.
    result = forecast(line("40", "1", 10))
    assert (result.status, result.days_late) == ("late", 21)
    assert result.projected_date == TODAY + dt.timedelta(days=51)


def test_projection_rounds_days_up():
    result = forecast(line("50", "3", 10))  # last 77, needs 23/3 = 7.67 -> 8 days
    assert result.projected_date == TODAY + dt.timedelta(days=8)


def test_on_track_when_projected_exactly_on_day1():
    result = forecast(line("50", "2", 10), day1=TODAY + dt.timedelta(days=16))
    assert result.status == "on_track"


def test_flat_history_gives_no_forecast():
    assert forecast(line("60", "0", 20)).reason == "too_slow"
    assert forecast(line("60", "0.1", 20)).reason == "too_slow"  # 0.1 per day or less
    assert forecast(line("60", "0.11", 20)).status == "late"


def test_nine_points_are_not_enough_ten_are():
    assert forecast(line("50", "2", 9)).reason == "not_enough_history"
    assert forecast(line("50", "2", 10)).status == "on_track"


def test_undefined_scores_are_not_points():
    history = line("50", "2", 10)
    history[TODAY - dt.timedelta(days=3)] = None
    assert forecast(history).reason == "not_enough_history"


def test_only_the_last_28_days_count():
    old = line("0", "5", 10, end=TODAY - dt.timedelta(days=28))  # outside the window
    recent = line("80", "0", 10)
    assert forecast({**old, **recent}).reason == "too_slow"
    assert forecast({**line("0", "5", 1, end=TODAY - dt.timedelta(days=27)), **line("50", "2", 9)}).status \
        == "on_track"


def test_a_score_of_100_is_on_track():
    result = forecast(line("100", "0", 12))
    assert (result.status, result.reason) == ("on_track", "complete")


def test_no_forecast_when_day1_passed_missing_or_launched():
    history = line("50", "2", 10)
    assert forecast(history, day1=TODAY - dt.timedelta(days=1)).reason == "day1_passed"
    assert forecast(history, day1=TODAY).status == "late"  # Day 1 today has not passed
    assert forecast(history, day1=None).reason == "no_day1"
    assert forecast(history, stage="launched").reason == "launched"


def test_least_squares_on_noisy_points():
    days = [TODAY - dt.timedelta(days=n) for n in range(9, -1, -1)]
    scores = [D(v) for v in ("50", "53", "51", "55", "56", "55", "60", "61", "60", "64")]
    result = forecast(dict(zip(days, scores, strict=True)), day1=TODAY + dt.timedelta(days=60))
    # By hand: x 0..9 (mean 4.5, Sxx 82.5), mean y 56.5, Sxy 119.5 -> slope 1.44848;
    # fitted last = 56.5 + 1.44848 x 4.5 = 63.018; (100 - 63.018) / 1.44848 = 25.53 -> 26 days.
    assert result.slope_per_day.quantize(D("0.00001")) == D("1.44848")
    assert result.projected_date == TODAY + dt.timedelta(days=26)


# -- history reconstruction and the whole cloud ---------------------------------

def test_item_as_of_reconstructs_done_and_blocked_from_dates():
    done = item("done", completed=TODAY - dt.timedelta(days=5))
    assert scoring.item_as_of(done, TODAY - dt.timedelta(days=5)).status == "done"
    assert scoring.item_as_of(done, TODAY - dt.timedelta(days=6)).status == "in_progress"
    blocked = item("blocked", changed=TODAY - dt.timedelta(days=2))
    assert scoring.item_as_of(blocked, TODAY - dt.timedelta(days=3)).status == "in_progress"
    assert scoring.item_as_of(item("not_applicable"), TODAY - dt.timedelta(days=99)).status == "not_applicable"


def test_score_cloud_puts_it_together():
    totals = scoring.totals_by_pillar([
        item("done", 5, "people", gating=True), item("done", 5, "people"),
        item("done", 3, "process"), item("in_progress", 1, "process", gating=True),
        item("not_applicable", 2, "technology"),
    ], TODAY)
    result = scoring.score_cloud(totals, stage="pre_launch", day1=TODAY + dt.timedelta(days=60), today=TODAY)
    assert result.pillars == {"people": D("100.0"), "process": D("75.0"), "technology": None}
    assert result.overall == D("87.5")
    assert result.level == scoring.LevelResult("at_risk", "below_ready_score")
    assert result.overall_totals.counted_weight == 14 and result.overall_totals.open_gating == 1
