"""Operations pages, read-only: the portfolio's health, one cloud's key metrics, and launches compared.

- `/operations/`: a tile per visible cloud (operations health over the last 7 days beside its readiness
  level) and a heatmap of the last 14 days: one row per cloud, one cell per day, coloured by the *worst*
  state of the cloud's key metrics that day (breached > watch > met; no data when no key metric with a
  target was reported); the hover names the metrics behind the colour. One row per cloud keeps fifty
  clouds readable on one screen; each cloud's page shows every key metric on its own.
- `/operations/clouds/<slug>/`: each key metric over the last 90 days against its target and watch band,
  Day 1 and hypercare marked, and the breaches of those days, newest first.
- `/operations/launches/`: clouds with a Day 1, aligned on days from it: the readiness score from T-60 to
  Day 1, then one key metric (`?metric=`) from Day 1 to T+90, and a table pairing the two.

Each page costs a fixed number of queries whatever the number of clouds, metrics or days (operations.queries);
states come from operations.health, the one definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from operations import charts, queries
from operations.access import readable_clouds, reporting_clouds
from operations.health import (
    BREACHED,
    CRITICAL,
    HEALTHY,
    MET,
    NO_DATA,
    WATCH,
    WINDOW_DAYS,
    Health,
    cloud_health,
    metric_state,
)
from readiness.choices import Level
from readiness.snapshots.reads import latest_scores

HEATMAP_DAYS = 14
CLOUD_DAYS = 90
BEFORE_DAY1, AFTER_DAY1 = 60, 90
DEFAULT_LAUNCH_METRIC = "initial_response_sla_met"
HEALTH_LABELS = {CRITICAL: "Critical", WATCH: "Watch", HEALTHY: "Healthy", NO_DATA: "No data"}
STATE_RANK = {MET: 1, WATCH: 2, BREACHED: 3}


def tolerance() -> Decimal:
    return settings.OPERATIONS_WATCH_TOLERANCE


def plain(value: Decimal) -> str:
    """A stored value as written, without trailing zeros: 100, 4.25, 0."""
    return format(value.normalize(), "f")


def level_words(level: str | None) -> str:
    """The readiness level as the dashboards write it."""
    return Level(level).label if level in Level.values else "Not computed"


@dataclass(frozen=True)
class Tile:
    slug: str
    name: str
    stage_label: str
    day1: dt.date | None
    health: Health
    health_label: str
    level: str
    level_label: str
    score: Decimal | None


def _readiness(cloud_ids: Sequence[int], today: dt.date) -> dict[int, tuple[str, Decimal | None]]:
    """cloud id -> (level, overall score) from the latest snapshots (refreshed on read in in-process mode)."""
    latest = latest_scores(cloud_ids, today)
    return {cid: (scores.overall.level, scores.overall.score) if scores.overall else ("", None)
            for cid, scores in latest.items()}


def _day_cell(cloud_name: str, day: dt.date, values: queries.Values, targets: dict[str, Decimal],
              metrics: Sequence[queries.MetricRow], tol: Decimal) -> tuple[str, str]:
    """The worst state of the key metrics reported that day and the hover text naming them."""
    worst, by_state, reported = 0, {WATCH: [], BREACHED: []}, 0
    for metric in metrics:
        value = values.get((metric.code, day))
        target = targets.get(metric.code)
        if value is None or target is None:
            continue
        reported += 1
        state = metric_state(value, target, metric.direction, tol)
        worst = max(worst, STATE_RANK[state])
        if state in by_state:
            by_state[state].append(metric.name)
    head = f"{charts.label(cloud_name)}, {day.day} {day:%b %Y}"
    if not reported:
        return charts.NO_DATA, f"{head}: no key metric reported"
    state = (MET, WATCH, BREACHED)[worst - 1]
    text = f"{head}: {charts.STATE_LABELS[state].lower()} ({reported} of {len(metrics)} key metrics reported)"
    for shown in (BREACHED, WATCH):
        if by_state[shown]:
            text += f"<br>{charts.STATE_LABELS[shown]}: {charts.label(', '.join(by_state[shown]))}"
    return state, text


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    today, tol = timezone.localdate(), tolerance()
    clouds = list(readable_clouds(request.user).order_by("name"))
    ids = [cloud.pk for cloud in clouds]
    metrics = queries.metric_rows(key_only=True)
    targets = queries.targets_of(ids, metrics)
    first = today - dt.timedelta(days=HEATMAP_DAYS - 1)
    values = queries.values_of(ids, metrics, first, today)
    readiness = _readiness(ids, today)
    health_metrics = [metric.health_metric for metric in metrics]
    days = [first + dt.timedelta(days=offset) for offset in range(HEATMAP_DAYS)]
    tiles, rows = [], []
    for cloud in clouds:
        health = cloud_health(values[cloud.pk], targets[cloud.pk], health_metrics, today, tol,
                              settings.OPERATIONS_BREACH_DAYS)
        level, score = readiness[cloud.pk]
        tiles.append(Tile(cloud.slug, cloud.name, cloud.get_stage_display(), cloud.day1_date, health,
                          HEALTH_LABELS[health.state], level or "none", level_words(level), score))
        cells = [_day_cell(cloud.name, day, values[cloud.pk], targets[cloud.pk], metrics, tol) for day in days]
        rows.append((cloud.name, [state for state, _ in cells], [text for _, text in cells]))
    counts = {state: sum(1 for tile in tiles if tile.health.state == state) for state in HEALTH_LABELS}
    return render(request, "operations/portfolio.html", {
        "today": today, "tiles": tiles, "metrics": metrics, "window_days": WINDOW_DAYS,
        "heatmap_days": HEATMAP_DAYS, "tolerance_percent": charts.number(tol * 100),
        "counts": [(state, HEALTH_LABELS[state], counts[state]) for state in HEALTH_LABELS if counts[state]],
        "heatmap": charts.state_heatmap(rows, days, title=f"Worst key-metric state per day, last {HEATMAP_DAYS} days"),
        "can_report": reporting_clouds(request.user).exists(),
    })


@dataclass(frozen=True)
class Breach:
    day: dt.date
    metric: str
    key: bool
    value: Decimal
    target: Decimal
    unit: str

    @property
    def value_text(self) -> str:
        return plain(self.value)

    @property
    def target_text(self) -> str:
        return plain(self.target)


@login_required
def cloud(request: HttpRequest, slug: str) -> HttpResponse:
    target_cloud = get_object_or_404(readable_clouds(request.user), slug=slug)
    today, tol = timezone.localdate(), tolerance()
    metrics = queries.metric_rows()
    key = [metric for metric in metrics if metric.key]
    targets = queries.targets_of([target_cloud.pk], metrics)[target_cloud.pk]
    first = today - dt.timedelta(days=CLOUD_DAYS - 1)
    values = queries.values_of([target_cloud.pk], metrics, first, today)[target_cloud.pk]
    health = cloud_health(values, targets, [metric.health_metric for metric in key], today, tol,
                          settings.OPERATIONS_BREACH_DAYS)
    level, score = _readiness([target_cloud.pk], today)[target_cloud.pk]
    by_metric: dict[str, dict[dt.date, Decimal]] = {}
    for (code, day), value in values.items():
        by_metric.setdefault(code, {})[day] = value
    breaches, figures = [], []
    for metric in metrics:
        series, target = by_metric.get(metric.code, {}), targets.get(metric.code)
        states = {day: metric_state(value, target, metric.direction, tol) for day, value in series.items()} \
            if target is not None else {}
        breaches += [Breach(day, metric.name, metric.key, series[day], target, metric.unit_label)
                     for day, state in states.items() if state == BREACHED]
        if metric.key:
            figures.append({
                "name": f"metric-{metric.code}", "script_id": f"figure-metric-{metric.code}",
                "filename": f"{target_cloud.slug}-{metric.code}",
                "figure": charts.metric_line(series, first, today, title=metric.name, unit=metric.unit_label,
                                             target=target, direction=metric.direction, tolerance=tol,
                                             states=states, day1=target_cloud.day1_date),
                "label": f"{metric.name} per day for the last {CLOUD_DAYS} days"
                         + (f" against its target of {charts.number(target)} and its watch band" if target is not None
                            else ", no target set")
                         + ", with Day 1 and hypercare marked where they fall in these days",
            })
    breaches.sort(key=lambda breach: (-breach.day.toordinal(), breach.metric))
    day1 = target_cloud.day1_date
    return render(request, "operations/cloud.html", {
        "cloud": target_cloud, "today": today, "first": first, "days": CLOUD_DAYS, "health": health,
        "health_label": HEALTH_LABELS[health.state], "level": level or "none", "level_label": level_words(level),
        "score": score, "figures": figures, "breaches": breaches, "tolerance_percent": charts.number(tol * 100),
        "window_days": WINDOW_DAYS, "day1_shown": day1 is not None and first <= day1 <= today,
        "hypercare_end": day1 + dt.timedelta(days=charts.HYPERCARE_DAYS) if day1 else None,
    })


@dataclass(frozen=True)
class LaunchRow:
    slug: str
    name: str
    day1: dt.date
    days_since: int
    score: Decimal | None
    score_offset: int | None
    level: str
    level_label: str
    reported: int
    mean: Decimal | None
    met: int
    target: Decimal | None

    @property
    def met_percent(self) -> int | None:
        return round(100 * self.met / self.reported) if self.reported and self.target is not None else None


def _chosen_metric(request: HttpRequest, metrics: Sequence[queries.MetricRow]):
    """The `metric` parameter: exactly one key metric's code, or the default. Returns (metric, error)."""
    by_code = {metric.code: metric for metric in metrics}
    given = request.GET.getlist("metric")
    if not given:
        return by_code.get(DEFAULT_LAUNCH_METRIC) or (metrics[0] if metrics else None), None
    if len(given) == 1 and given[0] in by_code:
        return by_code[given[0]], None
    codes = ", ".join(by_code) or "none loaded"
    return None, f"metric: give the code of one key metric ({codes})."


@login_required
def launches(request: HttpRequest) -> HttpResponse:
    today, tol = timezone.localdate(), tolerance()
    metrics = queries.metric_rows(key_only=True)
    metric, error = _chosen_metric(request, metrics)
    context = {"metrics": metrics, "metric": metric, "error": error, "before": BEFORE_DAY1, "after": AFTER_DAY1,
               "default_metric": DEFAULT_LAUNCH_METRIC, "today": today}
    if error:
        return render(request, "operations/launches.html", context, status=400)
    clouds = list(readable_clouds(request.user).filter(day1_date__isnull=False).order_by("day1_date", "name"))
    before = {cloud.pk: (cloud.day1_date - dt.timedelta(days=BEFORE_DAY1), cloud.day1_date) for cloud in clouds}
    after = {cloud.pk: (cloud.day1_date, cloud.day1_date + dt.timedelta(days=AFTER_DAY1)) for cloud in clouds}
    scores = queries.overall_scores_around(before)
    values = queries.values_around(after, metric) if metric else {cloud.pk: {} for cloud in clouds}
    targets = queries.targets_of(before, [metric]) if metric else {cloud.pk: {} for cloud in clouds}
    readiness_series, metric_series, rows = [], [], []
    for index, cloud in enumerate(clouds):
        day1 = cloud.day1_date
        history = scores[cloud.pk]
        readiness_series.append((cloud.name, index, [((day - day1).days, score) for day, score, _ in history]))
        reported = sorted(values[cloud.pk].items())
        metric_series.append((cloud.name, index, [((day - day1).days, value) for day, value in reported]))
        target = targets[cloud.pk].get(metric.code) if metric else None
        last = next(((day, score, level) for day, score, level in reversed(history) if score is not None), None)
        met = sum(1 for _, value in reported
                  if target is not None and metric_state(value, target, metric.direction, tol) == MET)
        mean = (sum(value for _, value in reported) / len(reported)).quantize(Decimal("0.1")) if reported else None
        rows.append(LaunchRow(cloud.slug, cloud.name, day1, (today - day1).days,
                              last[1] if last else None, (last[0] - day1).days if last else None,
                              (last[2] or "none") if last else "none", level_words(last[2] if last else None),
                              len(reported), mean, met, target))
    rows.sort(key=lambda row: (row.score is None, -(row.score or 0), row.name))
    title = metric.name if metric else "No key metric loaded"
    unit = metric.unit_label if metric else ""
    context.update({
        "rows": rows,
        "readiness_figure": charts.launch_lines(
            readiness_series, title=f"Readiness score, T-{BEFORE_DAY1} to Day 1", y_title="Overall score",
            first=-BEFORE_DAY1, last=AFTER_DAY1, y_range=(0, 105), empty="No readiness scores before a Day 1"),
        "metric_figure": charts.launch_lines(
            metric_series, title=f"{title}, Day 1 to T+{AFTER_DAY1}", y_title=unit, first=-BEFORE_DAY1,
            last=AFTER_DAY1, empty="Nothing reported after a Day 1",
            reference=(metric.default_target, f"Default target ({charts.number(metric.default_target)})")
            if metric and metric.default_target is not None else None),
    })
    return render(request, "operations/launches.html", context)
