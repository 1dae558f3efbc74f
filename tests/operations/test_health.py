"""operations.health at every boundary: daily states, and a cloud's health over seven days."""

import datetime as dt
from decimal import Decimal as D

import pytest

from operations.health import (
    BREACHED,
    CRITICAL,
    HEALTHY,
    HIGHER,
    LOWER,
    MET,
    NO_DATA,
    WATCH,
    Metric,
    cloud_health,
    metric_state,
)

TODAY = dt.date(2026, 12, 1)
TOL = D("0.10")
SLA = Metric("initial_response_sla_met", "Initial-response SLA met", HIGHER, True)
BACKLOG = Metric("backlog", "Backlog", LOWER, True)
OPENED = Metric("cases_opened", "Cases opened", LOWER, False)
RESIDENCY = Metric("data_residency_exceptions", "Data-residency exceptions", LOWER, True)
METRICS = [SLA, BACKLOG, OPENED, RESIDENCY]
TARGETS = {"initial_response_sla_met": D(95), "backlog": D(200), "cases_opened": D(10),
           "data_residency_exceptions": D(0)}


@pytest.mark.parametrize(("value", "state"), [(D(95), MET), (D(100), MET), (D("85.5"), WATCH), (D("85.499"), BREACHED)])
def test_higher_is_better_states(value, state):
    assert metric_state(value, D(95), HIGHER, TOL) == state


@pytest.mark.parametrize(("value", "state"), [(D(200), MET), (D(0), MET), (D(220), WATCH), (D("220.001"), BREACHED)])
def test_lower_is_better_states(value, state):
    assert metric_state(value, D(200), LOWER, TOL) == state


def test_a_zero_target_where_lower_is_better_has_no_watch():
    assert metric_state(D(0), D(0), LOWER, TOL) == MET
    assert metric_state(D("0.001"), D(0), LOWER, TOL) == BREACHED


def days(*offsets):
    return [TODAY - dt.timedelta(days=n) for n in offsets]


def health(values):
    return cloud_health(values, TARGETS, METRICS, TODAY, TOL)


def test_no_key_value_in_seven_days_is_no_data_never_healthy():
    assert health({}).state == NO_DATA
    assert health({("initial_response_sla_met", TODAY - dt.timedelta(days=7)): D(99)}).state == NO_DATA
    assert health({("cases_opened", TODAY): D(1)}).state == NO_DATA  # not a key metric


def test_healthy_when_every_key_metric_met():
    result = health({("initial_response_sla_met", day): D(99) for day in days(0, 1, 6)})
    assert (result.state, result.first_day) == (HEALTHY, TODAY - dt.timedelta(days=6))


def test_two_breached_days_is_watch_three_is_critical_naming_metric_and_days():
    two = health({("initial_response_sla_met", day): D(50) for day in days(0, 6)})
    assert two.state == WATCH and "on 2 days of the last 7" in two.reason
    three = health({("initial_response_sla_met", day): D(50) for day in days(0, 3, 6)})
    assert three.state == CRITICAL
    assert three.reason == "Initial-response SLA met breached its target on 3 days of the last 7 (latest 1 Dec 2026)."
    outside = health({("initial_response_sla_met", day): D(50) for day in days(0, 3, 7)})
    assert outside.state == WATCH  # the eighth day back is outside the window


def test_watch_within_the_tolerance():
    assert health({("backlog", TODAY): D(210)}).state == WATCH


def test_any_residency_exception_is_critical():
    result = health({("data_residency_exceptions", TODAY - dt.timedelta(days=6)): D(1),
                     ("initial_response_sla_met", TODAY): D(99)})
    assert result.state == CRITICAL and "1 data-residency exception recorded (25 Nov 2026)" in result.reason
    assert health({("data_residency_exceptions", TODAY): D(0), ("backlog", TODAY): D(1)}).state == HEALTHY


def test_a_non_key_breach_does_not_change_health():
    assert health({("cases_opened", TODAY): D(500), ("backlog", TODAY): D(1)}).state == HEALTHY


def test_breached_is_worse_than_watch():
    values = {("backlog", TODAY): D(210), ("initial_response_sla_met", TODAY): D(10)}
    assert health(values).state == WATCH and "Initial-response SLA met breached" in health(values).reason


def test_unknown_direction_is_an_error():
    with pytest.raises(ValueError):
        metric_state(D(1), D(1), "sideways", TOL)
