"""Each insight rule fires at its threshold and stays quiet just under it. No database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from readiness.insights import rules
from readiness.insights.rules import CloudFacts, InsightThresholds, ItemFact

TODAY = dt.date(2026, 6, 15)
T = InsightThresholds()


def item(n=1, *, gating=False, status="in_progress", due=None, owner=7, changed=None, updated=TODAY, pillar="people"):
    return ItemFact(n, f"PPL-{n:02d}", pillar, 3, gating, status, due, owner, changed, updated)


def cloud(**fields):
    values = dict(id=1, name="Alpha", stage="pre_launch", day1=TODAY + dt.timedelta(days=60), items=[],
                  overall=D("70.0"), overall_before=D("70.0"),
                  pillars={"people": D("70.0"), "process": D("70.0"), "technology": D("70.0")},
                  forecast_status="on_track", projected_date=None, days_late=None, framework="fw",
                  framework_version=2, newest_version=2)
    values.update(fields)
    return CloudFacts(**values)


def days(n):
    return TODAY + dt.timedelta(days=n)


# (rule, facts where it fires, facts just under its threshold)
CASES = {
    "gating_overdue": (cloud(items=[item(gating=True, due=days(-1))]),
                       cloud(items=[item(gating=True, due=TODAY), item(2, due=days(-5))])),
    "gating_near_day1": (cloud(day1=days(14), items=[item(gating=True)]),
                         cloud(day1=days(15), items=[item(gating=True)])),
    "forecast_late": (cloud(forecast_status="late", projected_date=days(80), days_late=20),
                      cloud(forecast_status="on_track", projected_date=days(60), days_late=0)),
    "score_drop": (cloud(overall=D("65.0"), overall_before=D("70.0")),
                   cloud(overall=D("65.1"), overall_before=D("70.0"))),
    "unowned": (cloud(items=[item(owner=None)]), cloud(items=[item(owner=3)])),
    "blocked_long": (cloud(items=[item(status="blocked", changed=days(-8))]),
                     cloud(items=[item(status="blocked", changed=days(-7))])),
    "stale": (cloud(items=[item(updated=days(-30))]), cloud(items=[item(updated=days(-29))])),
    "pillar_lagging": (cloud(pillars={"people": D("90.0"), "process": D("65.0"), "technology": D("80.0")},
                             items=[item(pillar="process"), item(2, pillar="people")]),
                       cloud(pillars={"people": D("90.0"), "process": D("65.1"), "technology": D("80.0")})),
    "old_framework": (cloud(framework_version=1, newest_version=2), cloud(framework_version=2, newest_version=2)),
}


BUILTIN = {rule.code: rule for rule in rules.BUILTIN_RULES}


def test_every_rule_has_cases():
    assert set(CASES) == set(BUILTIN)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_at_its_threshold(rule):
    spec = BUILTIN[rule].check(CASES[rule][0], TODAY, T)
    assert spec is not None and spec.rule == rule and spec.severity == BUILTIN[rule].severity
    assert spec.explanation and spec.recommendation


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_is_quiet_just_under_its_threshold(rule):
    assert BUILTIN[rule].check(CASES[rule][1], TODAY, T) is None


def test_findings_list_exactly_their_items():
    facts = cloud(items=[item(1, gating=True, due=days(-2)), item(2, gating=True, due=days(3)), item(3, due=days(-9))])
    assert rules.gating_overdue(facts, TODAY, T).item_ids == (1,)
    lagging = rules.pillar_lagging(CASES["pillar_lagging"][0], TODAY, T)
    assert lagging.item_ids == (1,) and "Process (65.0) trails the best pillar (90.0)" in lagging.explanation


def test_near_day1_does_not_apply_to_launched_clouds_and_counts_past_day1():
    launched = cloud(stage="launched", day1=days(3), items=[item(gating=True)])
    assert rules.gating_near_day1(launched, TODAY, T) is None
    past = rules.gating_near_day1(cloud(day1=days(-2), items=[item(gating=True)]), TODAY, T)
    assert "Day 1 is 2 days ago" in past.explanation


def test_thresholds_are_settings():
    strict = InsightThresholds(stale_days=10, blocked_days=2, score_drop_points=D("1"), pillar_gap_points=D("5"),
                               gating_days_before_day1=30)
    assert rules.stale(cloud(items=[item(updated=days(-10))]), TODAY, strict)
    assert rules.blocked_long(cloud(items=[item(status="blocked", changed=days(-3))]), TODAY, strict)
    assert rules.score_drop(cloud(overall=D("69.0")), TODAY, strict)
    assert rules.gating_near_day1(cloud(day1=days(30), items=[item(gating=True)]), TODAY, strict)


def test_evaluate_runs_every_rule():
    everything = cloud(day1=days(5), items=[item(gating=True, due=days(-1), owner=None, status="blocked",
                                                 changed=days(-20), updated=days(-40), pillar="process")],
                       forecast_status="late", projected_date=days(30), days_late=25, overall=D("40.0"),
                       overall_before=D("60.0"), framework_version=1,
                       pillars={"people": D("90.0"), "process": D("10.0"), "technology": D("80.0")})
    assert {spec.rule for spec in rules.evaluate(everything, TODAY, T)} == set(BUILTIN)


def test_a_stalled_pre_launch_score_is_a_late_forecast_too():
    stalled = cloud(forecast_status="none", forecast_reason="too_slow", overall=D("60.0"))
    spec = rules.forecast_late(stalled, TODAY, T)
    assert spec is not None and "never reaches 100" in spec.explanation
    assert rules.forecast_late(cloud(forecast_status="none", forecast_reason="too_slow", overall=D("100.0")),
                               TODAY, T) is None
    assert rules.forecast_late(cloud(stage="launched", forecast_status="none", forecast_reason="too_slow"),
                               TODAY, T) is None
