"""Plotly figures built from plain rows (no ORM). One palette for levels and pillars everywhere;
every figure is readable with no data and with fifty clouds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import plotly.graph_objects as go

from readiness.scoring import FORECAST_LATE

PILLAR_COLORS = {"people": "#1f77b4", "process": "#9467bd", "technology": "#17becf"}
PILLAR_LABELS = {"people": "People", "process": "Process", "technology": "Technology"}
OVERALL_COLOR = "#1d2330"
# Cloud series: a qualitative palette that avoids the pillar and level colours.
CLOUD_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#9c755f", "#ff9da7", "#76b7b2",
                "#edc948", "#bab0ac", "#8cd17d", "#d37295", "#a0cbe8", "#ffbe7d", "#86bcb6", "#d4a6c8"]
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13, "color": "#1d2330"}


def _layout(fig: go.Figure, *, title: str, height: int, **extra) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0, "font": {"size": 16}}, height=height, font=FONT,
                      margin={"l": 60, "r": 20, "t": 50, "b": 60}, paper_bgcolor="#ffffff",
                      plot_bgcolor="#ffffff",
                      legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left"},
                      **extra)
    fig.update_xaxes(gridcolor="#eef0f4")
    fig.update_yaxes(gridcolor="#eef0f4")
    return fig


def _empty(fig: go.Figure, message: str) -> go.Figure:
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 14, "color": "#5b6475"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def label(text: str) -> str:
    """Plotly reads a few HTML tags in labels; entities make every name show exactly as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def pillar_bars(rows: Sequence) -> go.Figure:
    """Grouped bars: one group per cloud, one bar per pillar."""
    fig = go.Figure()
    names = [label(row.name) for row in rows]
    for pillar, pillar_label in PILLAR_LABELS.items():
        fig.add_trace(go.Bar(name=pillar_label, x=names, y=[_num(row.pillars.get(pillar)) for row in rows],
                             marker_color=PILLAR_COLORS[pillar],
                             hovertemplate="%{x}<br>" + pillar_label + ": %{y:.1f}<extra></extra>"))
    angle = -35 if len(rows) > 8 else -15 if len(rows) > 4 else 0
    _layout(fig, title="Pillar scores per cloud", height=380 + (60 if len(rows) > 12 else 0), barmode="group",
            yaxis={"range": [0, 100], "title": "Score"}, xaxis={"tickangle": angle})
    return fig if rows else _empty(fig, "No clouds to show")


def area_heatmap(rows: Sequence[dict], clouds: dict[int, str]) -> go.Figure:
    """Cloud x area: share of counted weight done, in percent."""
    areas = sorted({(row["pillar"], row["area"]) for row in rows})
    cloud_ids = sorted(clouds, key=lambda cid: clouds[cid])
    values = {(row["cloud_id"], row["area"]): row for row in rows}
    z, text = [], []
    for cid in cloud_ids:
        line, labels = [], []
        for _, area in areas:
            row = values.get((cid, area))
            share = (round(100 * row["done_weight"] / row["counted_weight"], 1)
                     if row and row["counted_weight"] else None)
            line.append(share)
            labels.append("n/a" if share is None else f"{share:.0f}%")
        z.append(line)
        text.append(labels)
    fig = go.Figure(go.Heatmap(
        z=z, x=[label(area.replace("-", " ")) for _, area in areas], y=[label(clouds[cid]) for cid in cloud_ids],
        text=text,
        texttemplate="%{text}" if len(cloud_ids) <= 20 else None, zmin=0, zmax=100,
        colorscale=[[0, "#b3261e"], [0.7, "#f2c14e"], [1, "#1e7a46"]], colorbar={"title": "% done"},
        hovertemplate="%{y}<br>%{x}: %{text} of weight done<extra></extra>", xgap=2, ygap=2,
    ))
    _layout(fig, title="Share of weight done, by cloud and area", height=max(300, 120 + 26 * len(cloud_ids)),
            xaxis={"tickangle": -30}, yaxis={"autorange": "reversed"})
    return fig if cloud_ids and areas else _empty(fig, "No checklist items yet")


def trend_lines(points: Iterable[tuple[int, dt.date, Decimal | None]], clouds: dict[int, str]) -> go.Figure:
    """Overall score per cloud over time."""
    series: dict[int, tuple[list, list]] = {}
    for cloud_id, day, score in points:
        days, scores = series.setdefault(cloud_id, ([], []))
        days.append(day.isoformat())
        scores.append(_num(score))
    fig = go.Figure()
    for index, cloud_id in enumerate(sorted(series, key=lambda cid: clouds.get(cid, ""))):
        days, scores = series[cloud_id]
        fig.add_trace(go.Scatter(x=days, y=scores, mode="lines" if len(days) > 2 else "lines+markers",
                                 line={"color": CLOUD_COLORS[index % len(CLOUD_COLORS)]},
                                 name=label(clouds.get(cloud_id, str(cloud_id))),
                                 hovertemplate="%{fullData.name}<br>%{x}: %{y:.1f}<extra></extra>"))
    _layout(fig, title="Overall score, last 90 days", height=380, yaxis={"range": [0, 100], "title": "Score"})
    return fig if series else _empty(fig, "No score history yet")


def cloud_scores(history: dict[str, list[tuple[dt.date, Decimal | None]]], *, day1: dt.date | None,
                 forecast, cloud_name: str) -> go.Figure:
    """Overall and pillar scores over time, the forecast line to 100 and Day 1 marked."""
    history = {scope: points for scope, points in history.items() if any(s is not None for _, s in points)}
    fig = go.Figure()
    for scope, color, width, name in (("overall", OVERALL_COLOR, 3, "Overall"),
                                      *((p, PILLAR_COLORS[p], 1.5, PILLAR_LABELS[p]) for p in PILLAR_LABELS)):
        points = history.get(scope, [])
        if points:
            fig.add_trace(go.Scatter(x=[d.isoformat() for d, _ in points], y=[_num(s) for _, s in points],
                                     mode="lines" if len(points) > 2 else "lines+markers", name=name,
                                     line={"color": color, "width": width},
                                     hovertemplate=name + " %{x}: %{y:.1f}<extra></extra>"))
    if forecast is not None and forecast.projected_date is not None and forecast.fitted_last is not None:
        fig.add_trace(go.Scatter(
            x=[forecast.last_day.isoformat(), forecast.projected_date.isoformat()],
            y=[round(float(forecast.fitted_last), 1), 100], mode="lines+markers", name="Forecast to 100",
            line={"color": "#b26a00" if forecast.status == FORECAST_LATE else "#1e7a46", "dash": "dash", "width": 2},
            hovertemplate="Forecast %{x}: %{y:.1f}<extra></extra>",
        ))
    if day1 is not None:
        fig.add_shape(type="line", x0=day1.isoformat(), x1=day1.isoformat(), y0=0, y1=100, xref="x", yref="y",
                      line={"color": "#b3261e", "width": 2, "dash": "dot"})
        fig.add_annotation(x=day1.isoformat(), y=100, text="Day 1", showarrow=False, yshift=10,
                           font={"color": "#b3261e"})
    _layout(fig, title=f"{label(cloud_name)}: scores over time", height=420,
            yaxis={"range": [0, 105], "title": "Score"})
    return fig if history else _empty(fig, "No score history yet")


def overdue_blocked(rows: Sequence[dict], *, by: str) -> go.Figure:
    """Overdue and blocked items by owner or by accountable partner (horizontal bars)."""
    names = [label(row["name"]) for row in rows]
    fig = go.Figure([
        go.Bar(name="Overdue", y=names, x=[row["overdue"] for row in rows], orientation="h",
               marker_color="#b3261e", hovertemplate="%{y}: %{x} overdue<extra></extra>"),
        go.Bar(name="Blocked", y=names, x=[row["blocked"] for row in rows], orientation="h",
               marker_color="#6a1b9a", hovertemplate="%{y}: %{x} blocked<extra></extra>"),
    ])
    _layout(fig, title=f"Overdue and blocked items by {by}", height=max(260, 110 + 34 * len(rows)),
            barmode="group", xaxis={"title": "Items", "dtick": 1}, yaxis={"autorange": "reversed"})
    return fig if rows else _empty(fig, "Nothing overdue or blocked")
