"""Figure builders on small hand-made rows: the right traces and values. No database."""

import datetime as dt
from decimal import Decimal as D

from dashboards import figures
from readiness.scoring import Forecast
from tests.dashboards.rows import TODAY, cloud_row


def test_pillar_bars_have_one_trace_per_pillar_with_each_clouds_score():
    rows = [cloud_row(), cloud_row(id=2, name="Beta", pillars={"people": None, "process": D("10.0"),
                                                                 "technology": D("20.5")})]
    fig = figures.pillar_bars(rows)
    assert [trace.name for trace in fig.data] == ["People", "Process", "Technology"]
    assert list(fig.data[0].x) == ["Alpha Cloud", "Beta"]
    assert list(fig.data[0].y) == [80.0, None]
    assert list(fig.data[2].y) == [72.5, 20.5]
    assert fig.data[1].marker.color == figures.PILLAR_COLORS["process"]


def test_heatmap_is_share_of_weight_done_per_cloud_and_area():
    rows = [
        {"cloud_id": 1, "area": "staffing", "pillar": "people", "counted_weight": 8, "done_weight": 6},
        {"cloud_id": 1, "area": "tooling", "pillar": "technology", "counted_weight": 5, "done_weight": 5},
        {"cloud_id": 2, "area": "staffing", "pillar": "people", "counted_weight": 4, "done_weight": 1},
    ]
    fig = figures.area_heatmap(rows, {1: "Alpha", 2: "Beta"})
    heat = fig.data[0]
    assert list(heat.x) == ["staffing", "tooling"] and list(heat.y) == ["Alpha", "Beta"]
    assert [list(line) for line in heat.z] == [[75.0, 100.0], [25.0, None]]
    assert heat.text[1][1] == "n/a"


def test_trend_lines_one_series_per_cloud():
    points = [(1, TODAY - dt.timedelta(days=1), D("50.0")), (1, TODAY, D("52.5")), (2, TODAY, None)]
    fig = figures.trend_lines(points, {1: "Alpha", 2: "Beta"})
    assert [trace.name for trace in fig.data] == ["Alpha", "Beta"]
    assert list(fig.data[0].y) == [50.0, 52.5] and list(fig.data[0].x) == ["2026-06-14", "2026-06-15"]


def test_cloud_scores_draws_history_the_forecast_line_and_day1():
    history = {"overall": [(TODAY - dt.timedelta(days=1), D("60.0")), (TODAY, D("62.0"))],
               "people": [(TODAY, D("70.0"))]}
    forecast = Forecast("late", "projected", TODAY + dt.timedelta(days=19), 4, D(2), TODAY, D("62.0"))
    fig = figures.cloud_scores(history, day1=TODAY + dt.timedelta(days=15), forecast=forecast, cloud_name="Alpha")
    names = [trace.name for trace in fig.data]
    assert names == ["Overall", "People", "Forecast to 100"]
    line = fig.data[-1]
    assert list(line.x) == ["2026-06-15", "2026-07-04"] and list(line.y) == [62.0, 100]
    assert fig.layout.shapes[0].x0 == "2026-06-30"
    assert fig.layout.annotations[0].text == "Day 1"


def test_overdue_blocked_bars_by_owner():
    fig = figures.overdue_blocked([{"name": "Ada", "overdue": 2, "blocked": 1}], by="owner")
    assert [trace.name for trace in fig.data] == ["Overdue", "Blocked"]
    assert list(fig.data[0].x) == [2] and list(fig.data[1].y) == ["Ada"]


def test_every_figure_is_readable_with_no_data():
    empties = [figures.pillar_bars([]), figures.area_heatmap([], {}), figures.trend_lines([], {}),
               figures.cloud_scores({}, day1=None, forecast=None, cloud_name="New"),
               figures.overdue_blocked([], by="owner")]
    for fig in empties:
        assert any("No" in annotation.text or "Nothing" in annotation.text for annotation in fig.layout.annotations)


def test_fifty_clouds_fit():
    rows = [cloud_row(id=n, name=f"Cloud {n:02d}") for n in range(50)]
    fig = figures.pillar_bars(rows)
    assert len(fig.data[0].x) == 50 and fig.layout.xaxis.tickangle == -35
    heat = figures.area_heatmap([{"cloud_id": n, "area": "a", "pillar": "people", "counted_weight": 1, "done_weight": 1}
                                 for n in range(50)], {n: f"Cloud {n:02d}" for n in range(50)})
    assert heat.layout.height >= 26 * 50
