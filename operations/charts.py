"""The operations pages' figures, built from plain values (no ORM): the portfolio's state heatmap, one key
metric's daily line against its target band, and the launch comparison's lines aligned on Day 1.

Like people.charts, each figure is the plain dict Plotly would serialise (default template included), not
built through plotly.graph_objects: validating a dozen figures of 90 days on every page view costs more than
the page's reads. The tests check that Plotly accepts each figure and serialises it unchanged. Drawn in the
browser by static/js/dashboards.js from the JSON the page embeds; legends sit under the plot.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from operations.health import BREACHED, HIGHER, MET, WATCH

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13, "color": "#1d2330"}
VALUE_COLOR = "#1f4fa3"
TARGET_COLOR = "#1e7a46"
BAND_FILL = "rgba(242, 193, 78, 0.35)"
BREACH_COLOR = "#b3261e"
DAY1_COLOR = "#b3261e"
HYPERCARE_FILL = "#6a1b9a"
HYPERCARE_DAYS = 90
NO_DATA = "no_data"
# The heatmap's four states, in the order of their z value: no data, met, watch, breached.
STATE_ORDER = (NO_DATA, MET, WATCH, BREACHED)
STATE_LABELS = {NO_DATA: "No data", MET: "Met", WATCH: "Watch", BREACHED: "Breached"}
STATE_COLORS = {NO_DATA: "#d9dde5", MET: "#1e7a46", WATCH: "#f2c14e", BREACHED: "#b3261e"}
# The same qualitative palette as the dashboards' cloud series.
CLOUD_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#9c755f", "#ff9da7", "#76b7b2",
                "#edc948", "#bab0ac", "#8cd17d", "#d37295", "#a0cbe8", "#ffbe7d", "#86bcb6", "#d4a6c8"]
LEGEND_UNDER = {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom"}


def label(text: str) -> str:
    """Plotly reads a few HTML tags in labels; entities make every text show exactly as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def number(value: Decimal | None) -> float | int | None:
    """A Decimal as JSON: whole values as ints (so 12 is not drawn as 12.0), others as floats."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def band(target: Decimal, direction: str, tolerance: Decimal) -> tuple[Decimal, Decimal]:
    """The watch band: worse than the target but within the tolerance (operations.health.metric_state)."""
    margin = abs(target) * tolerance
    return (target - margin, target) if direction == HIGHER else (target, target + margin)


def _layout(title: str, height: int, **extra) -> dict[str, Any]:
    return {"template": _default_template(), "title": {"font": {"size": 16}, "text": label(title), "x": 0},
            "font": dict(FONT), "margin": {"l": 60, "r": 20, "t": 50, "b": 90}, "legend": dict(LEGEND_UNDER),
            "height": height, "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", **extra}


def _empty(layout: dict[str, Any], message: str) -> dict[str, Any]:
    layout["annotations"] = [*layout.get("annotations", []), {
        "text": message, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
        "font": {"size": 14, "color": "#5b6475"}}]
    layout["xaxis"] = {**layout.get("xaxis", {}), "visible": False}
    layout["yaxis"] = {**layout.get("yaxis", {}), "visible": False}
    return layout


def state_heatmap(rows: Sequence[tuple[str, Sequence[str], Sequence[str]]], days: Sequence[dt.date], *,
                  title: str) -> dict[str, Any]:
    """Clouds (rows, top to bottom as given) x days: each cell one of STATE_ORDER, coloured by state, with
    its hover text. rows are (cloud name, states per day, hover text per day)."""
    z = [[STATE_ORDER.index(state) for state in states] for _, states, _ in rows]
    x = [day.isoformat() for day in days]
    step = 1 / len(STATE_ORDER)
    colorscale = []
    for index, state in enumerate(STATE_ORDER):  # a stepped scale: each state one flat colour
        colour = STATE_COLORS[state]
        colorscale += [[round(index * step, 4), colour], [round((index + 1) * step, 4), colour]]
    data: list[dict[str, Any]] = [{
        "colorscale": colorscale, "hovertemplate": "%{text}<extra></extra>", "showscale": False,
        "text": [list(texts) for _, _, texts in rows], "x": x, "xgap": 2, "y": [label(name) for name, _, _ in rows],
        "ygap": 2, "z": z, "zmax": len(STATE_ORDER) - 0.5, "zmin": -0.5, "type": "heatmap"}]
    # The key: one legend entry per state (nothing drawn for these traces).
    data += [{"hoverinfo": "skip", "marker": {"color": STATE_COLORS[state], "size": 12, "symbol": "square"},
              "mode": "markers", "name": STATE_LABELS[state], "showlegend": True, "x": [None], "y": [None],
              "type": "scatter"} for state in STATE_ORDER]
    layout = _layout(title, max(300, 150 + 26 * len(rows)),
                     xaxis={"gridcolor": "#eef0f4", "type": "date", "dtick": 86400000 * 2, "tickformat": "%d %b"},
                     yaxis={"autorange": "reversed", "gridcolor": "#eef0f4", "automargin": True})
    if not rows or not days:
        return {"data": [], "layout": _empty(layout, "No clouds to show")}
    return {"data": data, "layout": layout}


def metric_line(values: Mapping[dt.date, Decimal], first: dt.date, last: dt.date, *, title: str, unit: str,
                target: Decimal | None, direction: str, tolerance: Decimal, states: Mapping[dt.date, str] | None = None,
                day1: dt.date | None = None) -> dict[str, Any]:
    """One metric's value per day from first to last (gaps where nothing was reported) against its target: the
    target as a line, the watch band (worse than the target by at most the tolerance) shaded, breached days
    marked; Day 1 as a vertical line when within the days shown, and hypercare (Day 1 to Day 1 + 90 days)
    shaded where it overlaps them."""
    days = [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]
    start, end = first.isoformat(), last.isoformat()
    data: list[dict[str, Any]] = []
    if target is not None:
        low, high = band(target, direction, tolerance)
        if high > low:
            share = f"{number(tolerance * 100)}%"
            data += [
                {"hoverinfo": "skip", "line": {"width": 0}, "mode": "lines", "name": "Watch band (lower edge)",
                 "showlegend": False, "x": [start, end], "y": [number(low), number(low)], "type": "scatter"},
                {"fill": "tonexty", "fillcolor": BAND_FILL, "hoverinfo": "skip", "line": {"width": 0},
                 "mode": "lines", "name": f"Watch band (within {share} of target)", "x": [start, end],
                 "y": [number(high), number(high)], "type": "scatter"},
            ]
        data.append({"hovertemplate": f"Target: {number(target)}<extra></extra>",
                     "line": {"color": TARGET_COLOR, "dash": "dash", "width": 2}, "mode": "lines",
                     "name": f"Target ({number(target)})", "x": [start, end], "y": [number(target), number(target)],
                     "type": "scatter"})
    data.append({"connectgaps": False, "hovertemplate": f"%{{x}}: %{{y}} {label(unit)}<extra></extra>",
                 "line": {"color": VALUE_COLOR, "width": 2.5}, "marker": {"size": 4}, "mode": "lines+markers",
                 "name": "Value", "x": [day.isoformat() for day in days],
                 "y": [number(values.get(day)) for day in days], "type": "scatter"})
    breached = [day for day in days if states and states.get(day) == BREACHED]
    if breached:
        data.append({"hovertemplate": "%{x}: breached, %{y}<extra></extra>",
                     "marker": {"color": BREACH_COLOR, "size": 10, "symbol": "x"}, "mode": "markers",
                     "name": "Breached", "x": [day.isoformat() for day in breached],
                     "y": [number(values[day]) for day in breached], "type": "scatter"})
    shapes, annotations = [], []
    if day1 is not None:
        care_start, care_end = max(day1, first), min(day1 + dt.timedelta(days=HYPERCARE_DAYS), last)
        if care_start < care_end:
            shapes.append({"fillcolor": HYPERCARE_FILL, "layer": "below", "line": {"width": 0}, "opacity": 0.08,
                           "type": "rect", "x0": care_start.isoformat(), "x1": care_end.isoformat(), "xref": "x",
                           "y0": 0, "y1": 1, "yref": "paper"})
            annotations.append({"font": {"color": HYPERCARE_FILL, "size": 11}, "showarrow": False,
                                "text": "Hypercare", "x": care_start.isoformat(), "xanchor": "left", "xref": "x",
                                "xshift": 4, "y": 1, "yanchor": "top", "yref": "paper"})
        if first <= day1 <= last:
            shapes.append({"line": {"color": DAY1_COLOR, "dash": "dot", "width": 2}, "type": "line",
                           "x0": day1.isoformat(), "x1": day1.isoformat(), "xref": "x", "y0": 0, "y1": 1,
                           "yref": "paper"})
            annotations.append({"font": {"color": DAY1_COLOR}, "showarrow": False, "text": "Day 1",
                                "x": day1.isoformat(), "xref": "x", "y": 1, "yref": "paper", "yshift": 10})
    layout = _layout(title, 340, xaxis={"range": [start, end], "gridcolor": "#eef0f4"},
                     yaxis={"rangemode": "tozero", "title": {"text": label(unit)}, "gridcolor": "#eef0f4"})
    # In trace order (Plotly would reverse it for a filled band): band, target, value, breached.
    layout["legend"]["traceorder"] = "normal"
    if not values:  # the axes stay: the target and band still say what is expected
        annotations.append({"font": {"color": "#5b6475", "size": 14}, "showarrow": False,
                            "text": "Nothing reported in these days", "x": 0.5, "xref": "paper", "y": 0.5,
                            "yref": "paper"})
    if shapes:
        layout["shapes"] = shapes
    if annotations:
        layout["annotations"] = annotations
    return {"data": data, "layout": layout}


def launch_lines(series: Sequence[tuple[str, int, Sequence[tuple[int, Decimal | None]]]], *, title: str,
                 y_title: str, first: int, last: int, reference: tuple[Decimal, str] | None = None,
                 y_range: tuple[float, float] | None = None, empty: str = "No data in these days") -> dict[str, Any]:
    """One line per cloud on days from Day 1 (x: first to last, Day 1 = 0, marked). series are (cloud name,
    colour index, [(days from Day 1, value)]); the colour index keeps a cloud's colour across figures.
    reference: a horizontal line (value, name), e.g. the metric's default target."""
    data: list[dict[str, Any]] = []
    for name, colour, points in series:
        if not points:
            continue
        data.append({"hovertemplate": "%{fullData.name}<br>T%{x:+d}: %{y}<extra></extra>",
                     "line": {"color": CLOUD_COLORS[colour % len(CLOUD_COLORS)], "width": 2},
                     "mode": "lines" if len(points) > 2 else "lines+markers", "name": label(name),
                     "x": [offset for offset, _ in points], "y": [number(value) for _, value in points],
                     "type": "scatter"})
    drawn = bool(data)
    if reference is not None:
        value, name = reference
        data.append({"hovertemplate": f"{label(name)}: {number(value)}<extra></extra>",
                     "line": {"color": TARGET_COLOR, "dash": "dash", "width": 2}, "mode": "lines",
                     "name": label(name), "x": [first, last], "y": [number(value), number(value)], "type": "scatter"})
    yaxis: dict[str, Any] = {"title": {"text": label(y_title)}, "rangemode": "tozero", "gridcolor": "#eef0f4"}
    if y_range is not None:
        yaxis["range"] = list(y_range)
    layout = _layout(title, 380, xaxis={"range": [first, last], "dtick": 30, "zeroline": False,
                                        "title": {"text": "Days from Day 1"}, "gridcolor": "#eef0f4"}, yaxis=yaxis,
                     shapes=[{"line": {"color": DAY1_COLOR, "dash": "dot", "width": 2}, "type": "line", "x0": 0,
                              "x1": 0, "xref": "x", "y0": 0, "y1": 1, "yref": "paper"}],
                     annotations=[{"font": {"color": DAY1_COLOR}, "showarrow": False, "text": "Day 1", "x": 0,
                                   "xref": "x", "y": 1, "yref": "paper", "yshift": 10}])
    if not drawn:  # the axes and Day 1 stay, as on an empty metric line
        layout["annotations"].append({"font": {"color": "#5b6475", "size": 14}, "showarrow": False, "text": empty,
                                      "x": 0.5, "xref": "paper", "y": 0.5, "yref": "paper"})
    return {"data": data, "layout": layout}


def _default_template() -> dict[str, Any]:
    """Plotly's default template as graph_objects embeds it in every figure (the look the dashboards share):
    a fresh copy, so that no caller can change another figure's."""
    return json.loads(_default_template_json())


@functools.cache
def _default_template_json() -> str:
    return json.dumps(json.loads(go.Figure().to_json())["layout"]["template"])
