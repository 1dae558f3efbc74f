"""The coverage chart from plain values: a step line of eligible headcount, the minimum as a horizontal
line, Day 1 and screening expiries marked, the legend under the plot. No database, no names.

The figure is a plain dict (built without plotly's validation, for speed); Plotly must accept it as it is
and serialise it unchanged, default template included."""

import datetime as dt
import json

import plotly.graph_objects as go
import pytest

from people.charts import coverage_step

FIRST = dt.date(2026, 6, 15)


def day(offset):
    return (FIRST + dt.timedelta(days=offset)).isoformat()


def test_eligible_headcount_is_a_step_line_against_a_horizontal_minimum():
    counts = [3] * 10 + [2] * 10 + [1] * 11  # 31 days
    fig = coverage_step(counts, FIRST, 2, title="Support engineer: eligible per day")
    eligible, minimum = fig["data"][0], fig["data"][1]
    assert eligible["name"] == "Eligible" and eligible["line"]["shape"] == "hv" and eligible["mode"] == "lines"
    assert eligible["y"] == counts and eligible["x"] == [day(n) for n in range(31)]
    assert minimum["name"] == "Minimum (2)" and minimum["y"] == [2, 2] and minimum["line"]["dash"] == "dash"
    assert minimum["x"] == [day(0), day(30)]
    layout = fig["layout"]
    assert layout["xaxis"]["range"] == [day(0), day(30)]
    assert layout["yaxis"]["range"][0] == 0 and layout["yaxis"]["range"][1] >= 3


def test_day1_within_the_days_shown_is_a_vertical_line():
    fig = coverage_step([2] * 31, FIRST, 1, title="t", day1=FIRST + dt.timedelta(days=12))
    (line,) = fig["layout"]["shapes"]
    assert (line["type"], line["x0"], line["x1"], line["y0"]) == ("line", day(12), day(12), 0)
    assert [annotation["text"] for annotation in fig["layout"]["annotations"]] == ["Day 1"]


def test_day1_outside_the_days_shown_is_not_marked():
    for day1 in (FIRST - dt.timedelta(days=1), FIRST + dt.timedelta(days=31), None):
        fig = coverage_step([2] * 31, FIRST, 1, title="t", day1=day1)
        assert not fig["layout"].get("shapes") and not fig["layout"].get("annotations")


def test_screening_expiries_are_markers_on_the_line_counted_per_day():
    counts = [3] * 10 + [1] * 21
    expiries = [FIRST + dt.timedelta(days=10), FIRST + dt.timedelta(days=10), FIRST + dt.timedelta(days=40)]
    fig = coverage_step(counts, FIRST, 2, title="t", expiries=expiries, first_shortfall=FIRST + dt.timedelta(days=10))
    marks = next(trace for trace in fig["data"] if trace["name"] == "Screening expires")
    assert marks["mode"] == "markers" and marks["x"] == [day(10)]  # day 40 is past the days shown
    assert marks["y"] == [1] and marks["text"] == ["2 screenings expire"]
    short = next(trace for trace in fig["data"] if trace["name"] == "First shortfall")
    assert short["mode"] == "markers" and short["x"] == [day(10)] and short["y"] == [1]


def test_without_expiries_or_shortfall_there_are_two_traces():
    fig = coverage_step([1, 1, 1], FIRST, 1, title="t")
    assert [trace["name"] for trace in fig["data"]] == ["Eligible", "Minimum (1)"]


def test_the_legend_sits_under_the_plot_and_titles_are_escaped():
    fig = coverage_step([1], FIRST, 1, title="R&D <b>team</b>")
    legend = fig["layout"]["legend"]
    assert (legend["orientation"], legend["yref"], legend["y"], legend["yanchor"]) == ("h", "container", 0, "bottom")
    assert fig["layout"]["title"]["text"] == "R&amp;D &lt;b&gt;team&lt;/b&gt;"


@pytest.mark.parametrize("marks", [
    {},
    {"day1": FIRST + dt.timedelta(days=12)},
    {"day1": FIRST + dt.timedelta(days=3), "expiries": [FIRST + dt.timedelta(days=4)] * 3 + [FIRST],
     "first_shortfall": FIRST + dt.timedelta(days=20)},
])
@pytest.mark.parametrize("high", [False, True])  # up to 12 people one tick per person, else Plotly's ticks
def test_plotly_accepts_the_figure_and_serialises_it_unchanged(marks, high):
    counts = [40 if high else 3] * 10 + [2] * 21
    fig = coverage_step(counts, FIRST, 2, title="R&D: eligible per day", **marks)
    assert json.loads(go.Figure(fig).to_json()) == fig  # validates every property; the same JSON, template too
    assert fig["layout"]["template"] == json.loads(go.Figure().to_json())["layout"]["template"]
    assert ("dtick" in fig["layout"]["yaxis"]) is not high
    json.dumps(fig)  # plain JSON values only: the page embeds it with json_script


def test_each_figure_has_its_own_template():
    first, second = (coverage_step([1], FIRST, 1, title="t") for _ in range(2))
    first["layout"]["template"]["layout"]["font"]["color"] = "red"
    assert second["layout"]["template"]["layout"]["font"]["color"] != "red"
