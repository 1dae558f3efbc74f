"""The operations figures from plain values: the watch band beside the target, Day 1 and hypercare marked, the
heatmap's states, launch lines on days from Day 1. No database. Each figure is a plain dict that Plotly must
accept as it is and serialise unchanged, default template included."""

import datetime as dt
import itertools
import json
from decimal import Decimal

import plotly.graph_objects as go
import pytest

from operations.charts import STATE_COLORS, band, launch_lines, metric_line, state_heatmap

FIRST = dt.date(2026, 3, 1)
LAST = FIRST + dt.timedelta(days=89)
TOL = Decimal("0.10")


def iso(offset):
    return (FIRST + dt.timedelta(days=offset)).isoformat()


def trace(fig, name):
    return next(t for t in fig["data"] if t["name"].startswith(name))


def test_the_watch_band_lies_on_the_worse_side_of_the_target():
    assert band(Decimal(95), "higher", TOL) == (Decimal("85.5"), Decimal(95))
    assert band(Decimal(200), "lower", TOL) == (Decimal(200), Decimal(220))
    assert band(Decimal(0), "lower", TOL) == (Decimal(0), Decimal(0))


def test_a_metric_is_a_daily_line_against_its_target_and_band():
    values = {FIRST + dt.timedelta(days=n): Decimal(90 + n % 10) for n in range(0, 90, 2)}  # every other day
    fig = metric_line(values, FIRST, LAST, title="Initial-response SLA met", unit="%", target=Decimal(95),
                      direction="higher", tolerance=TOL, states={FIRST: "breached"})
    line = trace(fig, "Value")
    assert line["x"] == [iso(n) for n in range(90)]
    assert line["y"][0] == 90 and line["y"][1] is None and line["connectgaps"] is False  # a gap, not a bridge
    low, high = fig["data"][0], fig["data"][1]
    assert (low["y"], high["y"], high["fill"]) == ([85.5, 85.5], [95, 95], "tonexty")
    assert high["name"] == "Watch band (within 10% of target)" and low["showlegend"] is False
    target = trace(fig, "Target")
    assert target["name"] == "Target (95)" and target["y"] == [95, 95] and target["x"] == [iso(0), iso(89)]
    assert trace(fig, "Breached")["x"] == [iso(0)]
    assert fig["layout"]["xaxis"]["range"] == [iso(0), iso(89)]
    assert "shapes" not in fig["layout"]  # no Day 1: nothing marked


def test_a_zero_target_has_no_band_and_no_target_means_no_line():
    zero = metric_line({FIRST: Decimal(1)}, FIRST, LAST, title="t", unit="count", target=Decimal(0),
                       direction="lower", tolerance=TOL)
    assert [t["name"] for t in zero["data"]] == ["Target (0)", "Value"]
    none = metric_line({FIRST: Decimal(1)}, FIRST, LAST, title="t", unit="count", target=None,
                       direction="lower", tolerance=TOL)
    assert [t["name"] for t in none["data"]] == ["Value"]


def test_day1_within_the_days_is_a_line_and_the_90_days_after_it_are_shaded_as_hypercare():
    day1 = FIRST + dt.timedelta(days=30)
    fig = metric_line({FIRST: Decimal(1)}, FIRST, LAST, title="t", unit="count", target=Decimal(5),
                      direction="lower", tolerance=TOL, day1=day1)
    rect, line = fig["layout"]["shapes"]
    assert (rect["type"], rect["x0"], rect["x1"], rect["yref"]) == ("rect", iso(30), iso(89), "paper")  # clipped
    assert (line["type"], line["x0"], line["x1"]) == ("line", iso(30), iso(30))
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["Hypercare", "Day 1"]


def test_hypercare_is_shaded_from_the_first_day_when_day1_came_before_them():
    fig = metric_line({FIRST: Decimal(1)}, FIRST, LAST, title="t", unit="count", target=None, direction="lower",
                      tolerance=TOL, day1=FIRST - dt.timedelta(days=60))
    (rect,) = fig["layout"]["shapes"]  # Day 1 itself is outside: no line
    assert (rect["x0"], rect["x1"]) == (iso(0), iso(30))
    ended = metric_line({FIRST: Decimal(1)}, FIRST, LAST, title="t", unit="count", target=None, direction="lower",
                        tolerance=TOL, day1=FIRST - dt.timedelta(days=90))
    assert "shapes" not in ended["layout"]
    future = metric_line({FIRST: Decimal(1)}, FIRST, LAST, title="t", unit="count", target=None, direction="lower",
                         tolerance=TOL, day1=LAST + dt.timedelta(days=1))
    assert "shapes" not in future["layout"]


def test_the_heatmap_has_one_row_per_cloud_and_one_colour_per_state():
    days = [FIRST + dt.timedelta(days=n) for n in range(3)]
    fig = state_heatmap([("A & B", ["met", "watch", "breached"], ["a", "b", "c"]),
                         ("C", ["no_data", "met", "met"], ["d", "e", "f"])], days, title="t")
    heat = fig["data"][0]
    assert heat["y"] == ["A &amp; B", "C"] and heat["x"] == [iso(0), iso(1), iso(2)]
    assert heat["z"] == [[1, 2, 3], [0, 1, 1]] and heat["text"][1] == ["d", "e", "f"]
    # z, scaled to 0..1 by zmin and zmax, falls in the middle of its state's flat colour
    for z, state in enumerate(("no_data", "met", "watch", "breached")):
        where = (z - heat["zmin"]) / (heat["zmax"] - heat["zmin"])
        scale = heat["colorscale"]
        colours = {(low[1], high[1]) for low, high in itertools.pairwise(scale) if low[0] < where < high[0]}
        assert colours == {(STATE_COLORS[state], STATE_COLORS[state])}
    assert [t["name"] for t in fig["data"][1:]] == ["No data", "Met", "Watch", "Breached"]


def test_launch_lines_are_on_days_from_day1_with_day1_at_zero():
    fig = launch_lines([("France", 0, [(-60, Decimal("40.0")), (-1, Decimal("91.5"))]), ("Empty", 1, [])],
                       title="t", y_title="Score", first=-60, last=90, reference=(Decimal(95), "Default target (95)"))
    france = fig["data"][0]
    assert (france["name"], france["x"], france["y"]) == ("France", [-60, -1], [40, 91.5])
    assert [t["name"] for t in fig["data"]] == ["France", "Default target (95)"]  # an empty series is left out
    assert fig["layout"]["xaxis"]["range"] == [-60, 90]
    (line,) = fig["layout"]["shapes"]
    assert (line["x0"], line["x1"]) == (0, 0)


FIGURES = {
    "line": lambda: metric_line({FIRST: Decimal("4.25"), LAST: Decimal(3)}, FIRST, LAST, title="CSAT <avg>",
                                unit="score", target=Decimal("4.3"), direction="higher", tolerance=TOL,
                                states={LAST: "breached"}, day1=FIRST + dt.timedelta(days=5)),
    "empty-line": lambda: metric_line({}, FIRST, LAST, title="t", unit="count", target=None, direction="lower",
                                      tolerance=TOL),
    "heatmap": lambda: state_heatmap([("A", ["met"], ["x"])], [FIRST], title="t"),
    "empty-heatmap": lambda: state_heatmap([], [FIRST], title="t"),
    "launch": lambda: launch_lines([("A", 3, [(0, Decimal(1)), (5, Decimal(2))])], title="t", y_title="y",
                                   first=-60, last=90, y_range=(0, 105)),
    "empty-launch": lambda: launch_lines([], title="t", y_title="y", first=-60, last=90),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_plotly_accepts_each_figure_and_serialises_it_unchanged(name):
    fig = FIGURES[name]()
    assert json.loads(go.Figure(fig).to_json()) == fig
    assert fig["layout"]["template"] == json.loads(go.Figure().to_json())["layout"]["template"]
    json.dumps(fig)
