"""The people page's chart, built from plain values (no ORM, no names): one requirement's eligible
headcount per day as a step line against its minimum, with Day 1 and screening expiries marked.

Drawn in the browser by the same script as the dashboards (static/js/dashboards.js), from the JSON the
page embeds; the legend sits under the plot, as the phone layout expects.

The figure is built as the plain dict Plotly would serialise (the same JSON, key for key, as
plotly.graph_objects gives for it, default template included), not through graph_objects: validating
four figures of 181 days on every page view cost more than the page's database reads. The tests check
that Plotly accepts each figure and serialises it unchanged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go

ELIGIBLE_COLOR = "#1f4fa3"
MINIMUM_COLOR = "#b26a00"
EXPIRY_COLOR = "#6a1b9a"
SHORTFALL_COLOR = "#b3261e"
DAY1_COLOR = "#b3261e"
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13, "color": "#1d2330"}


def label(text: str) -> str:
    """Plotly reads a few HTML tags in labels; entities make every text show exactly as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def coverage_step(counts: Sequence[int], first_day: dt.date, minimum: int, *, title: str,
                  day1: dt.date | None = None, expiries: Iterable[dt.date] = (),
                  first_shortfall: dt.date | None = None) -> dict[str, Any]:
    """The figure as a JSON-ready dict ({"data": [...], "layout": {...}}). counts[n] is the eligible
    headcount on first_day + n. Day 1 is marked when it falls within the days shown; each expiry date within
    them gets a marker saying how many screenings lapse that day."""
    days = [first_day + dt.timedelta(days=offset) for offset in range(len(counts))]
    last = days[-1] if days else first_day
    start, end = first_day.isoformat(), last.isoformat()
    data: list[dict[str, Any]] = [
        {"hovertemplate": "%{x}: %{y} eligible<extra></extra>",
         "line": {"color": ELIGIBLE_COLOR, "shape": "hv", "width": 2.5}, "mode": "lines", "name": "Eligible",
         "x": [day.isoformat() for day in days], "y": list(counts), "type": "scatter"},
        {"hovertemplate": f"Minimum: {minimum}<extra></extra>",
         "line": {"color": MINIMUM_COLOR, "dash": "dash", "width": 2}, "mode": "lines", "name": f"Minimum ({minimum})",
         "x": [start, end], "y": [minimum, minimum], "type": "scatter"},
    ]
    lapsing = Counter(day for day in expiries if first_day <= day <= last)
    if lapsing:
        marked = sorted(lapsing)
        data.append({
            "hovertemplate": "%{x}: %{text}<extra></extra>",
            "marker": {"color": EXPIRY_COLOR, "size": 9, "symbol": "diamond"}, "mode": "markers",
            "name": "Screening expires",
            "text": [_lapse_text(lapsing[day]) for day in marked],
            "x": [day.isoformat() for day in marked], "y": [counts[(day - first_day).days] for day in marked],
            "type": "scatter"})
    if first_shortfall is not None and first_day <= first_shortfall <= last:
        data.append({
            "hovertemplate": "%{x}: first shortfall, %{y} eligible<extra></extra>",
            "marker": {"color": SHORTFALL_COLOR, "size": 11, "symbol": "x"}, "mode": "markers",
            "name": "First shortfall", "x": [first_shortfall.isoformat()],
            "y": [counts[(first_shortfall - first_day).days]], "type": "scatter"})
    top = max([minimum, *counts]) + 1
    layout: dict[str, Any] = {"template": _default_template()}
    if day1 is not None and first_day <= day1 <= last:
        layout["shapes"] = [{"line": {"color": DAY1_COLOR, "dash": "dot", "width": 2}, "type": "line",
                             "x0": day1.isoformat(), "x1": day1.isoformat(), "xref": "x", "y0": 0, "y1": top,
                             "yref": "y"}]
        layout["annotations"] = [{"font": {"color": DAY1_COLOR}, "showarrow": False, "text": "Day 1",
                                  "x": day1.isoformat(), "y": top, "yshift": 10}]
    yaxis = {"range": [0, top + (0.5 if day1 is not None else 0)], "title": {"text": "Eligible people"},
             "rangemode": "tozero", **({"dtick": 1} if top <= 12 else {}),  # above 12, Plotly's own ticks
             "gridcolor": "#eef0f4"}
    layout.update({
        "title": {"font": {"size": 16}, "text": label(title), "x": 0}, "font": dict(FONT),
        "margin": {"l": 50, "r": 20, "t": 50, "b": 90},
        # Under the plot, at the bottom of the whole figure, so tick labels never run into it.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom"},
        "xaxis": {"range": [start, end], "gridcolor": "#eef0f4"},
        "yaxis": yaxis,
        "height": 360, "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
    })
    return {"data": data, "layout": layout}


def _lapse_text(count: int) -> str:
    return f"{count} screening{'s' if count != 1 else ''} expire{'' if count != 1 else 's'}"


def _default_template() -> dict[str, Any]:
    """Plotly's default template as graph_objects embeds it in every figure (the look the dashboards share):
    a fresh copy, so that no caller can change another figure's."""
    return json.loads(_default_template_json())


@functools.cache
def _default_template_json() -> str:
    return json.dumps(json.loads(go.Figure().to_json())["layout"]["template"])
