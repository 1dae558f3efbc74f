"""Executive dashboards: the portfolio and one cloud, their narratives and CSV exports.

queries.py reads rows, figures.py and narrative.py turn them into Plotly figures and words;
these views only pick the clouds the user may see and render.
"""

from __future__ import annotations

import json
import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify

from clouds.access import visible_clouds
from clouds.choices import CloudKind, LifecycleStage
from dashboards import figures, queries
from dashboards.exports import to_csv
from dashboards.narrative import as_markdown, as_text, cloud_narrative, portfolio_narrative, staffing_brief
from launches.summary import launch_summaries
from operations.summary import health_of
from people.insight_facts import staffing_facts
from readiness.access import visible_items
from readiness.choices import FindingSeverity
from readiness.insights.register import open_counts
from readiness.models import ScoreSnapshot
from readiness.snapshots.thresholds import current_thresholds

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ALL_SEVERITIES = FindingSeverity.values


def _figure(fig) -> dict:
    return json.loads(fig.to_json())


def _portfolio_clouds(request: HttpRequest):
    """Visible clouds narrowed by the kind and stage filters in the URL; unknown values are reported."""
    clouds = visible_clouds(request.user).order_by("name")
    errors, chosen = [], {}
    for name, choices in (("kind", CloudKind), ("stage", LifecycleStage)):
        values = [value for value in request.GET.getlist(name) if value]
        if any(value not in choices.values for value in values):
            errors.append(f"{name}: use {' or '.join(choices.values)}.")
        values = [value for value in values if value in choices.values]
        if values:
            clouds = clouds.filter(**{f"{name}__in": values})
        chosen[name] = values
    return list(clouds), chosen, errors


def _portfolio(request: HttpRequest):
    today = timezone.localdate()
    clouds, chosen, errors = _portfolio_clouds(request)
    rows = queries.portfolio_rows(clouds, today)
    return today, clouds, chosen, errors, rows


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    today, clouds, chosen, errors, rows = _portfolio(request)
    ids = [cloud.pk for cloud in clouds]
    names = {cloud.pk: cloud.name for cloud in clouds}
    staffing = staffing_facts(ids, today)
    narrative = portfolio_narrative(rows, today, queries.open_findings(ids), staffing, health_of(ids, today))
    risks = open_counts(ids)
    query = request.GET.urlencode()
    return render(request, "dashboards/portfolio.html", {
        "rows": rows, "today": today, "chosen": chosen, "filter_errors": errors,
        "kinds": CloudKind.choices, "stages": LifecycleStage.choices, "query": query,
        "figures": {
            "pillars": _figure(figures.pillar_bars(rows)),
            "heatmap": _figure(figures.area_heatmap(queries.area_shares(ids), names)),
            "trends": _figure(figures.trend_lines(queries.trend_rows(ids, today), names)),
        },
        "gating": queries.open_gating(ids),
        "gating_total": queries.gating_count(ids),
        "tiles": [(row, risks[row.id], staffing_brief(staffing.get(row.id))) for row in rows],
        "narrative": narrative, "narrative_text": as_text(narrative),
    }, status=400 if errors else 200)


@login_required
def cloud(request: HttpRequest, slug: str) -> HttpResponse:
    today = timezone.localdate()
    target = get_object_or_404(visible_clouds(request.user), slug=slug)
    row = queries.portfolio_rows([target], today)[0]
    detail = queries.cloud_detail(target, today)
    staffing = staffing_facts([target.pk], today).get(target.pk)
    launch = launch_summaries([target], today)[target.pk]
    narrative = cloud_narrative(row, today, gating=detail.gating, actions=detail.actions,
                                findings=queries.open_findings([target.pk], ALL_SEVERITIES),
                                thresholds=current_thresholds(),
                                staffing=staffing, operations=health_of([target.pk], today).get(target.pk),
                                launch=launch.sentence)
    return render(request, "dashboards/cloud.html", {
        "cloud": target, "row": row, "detail": detail, "today": today, "risks": open_counts([target.pk])[target.pk],
        "figures": {
            "scores": _figure(figures.cloud_scores(detail.history, day1=target.day1_date, forecast=detail.forecast,
                                                   cloud_name=target.name)),
            "owners": _figure(figures.overdue_blocked(detail.by_owner, by="owner")),
            "partners": _figure(figures.overdue_blocked(detail.by_partner, by="accountable partner")),
        },
        "narrative": narrative, "narrative_text": as_text(narrative), "staffing": staffing, "launch": launch,
    })


def _refused(errors: list[str]) -> HttpResponse:
    """A download whose filters are not well-formed: a plain 400 naming each parameter."""
    return HttpResponse("\n".join(errors) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _download(body: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def portfolio_markdown(request: HttpRequest) -> HttpResponse:
    today, clouds, _, errors, rows = _portfolio(request)
    if errors:
        return _refused(errors)
    ids = [cloud.pk for cloud in clouds]
    staffing = staffing_facts(ids, today)
    narrative = portfolio_narrative(rows, today, queries.open_findings(ids), staffing, health_of(ids, today))
    return _download(as_markdown(narrative), f"portfolio-{today}.md",
                     "text/markdown")


@login_required
def cloud_markdown(request: HttpRequest, slug: str) -> HttpResponse:
    today = timezone.localdate()
    target = get_object_or_404(visible_clouds(request.user), slug=slug)
    row = queries.portfolio_rows([target], today)[0]
    detail = queries.cloud_detail(target, today)
    text = as_markdown(cloud_narrative(row, today, gating=detail.gating, actions=detail.actions,
                                       findings=queries.open_findings([target.pk], ALL_SEVERITIES),
                                       thresholds=current_thresholds(),
                                       staffing=staffing_facts([target.pk], today).get(target.pk),
                                       operations=health_of([target.pk], today).get(target.pk)))
    return _download(text, f"{slugify(target.slug)}-{today}.md", "text/markdown")


ITEM_COLUMNS = ["cloud", "code", "title", "pillar", "area", "weight", "gating", "status", "owner", "owner_name",
                "accountable_partner", "due_date", "evidence_url", "notes", "version", "updated_at"]


def _export_clouds(request: HttpRequest):
    """The clouds an export covers: one (?cloud=) or the portfolio's, with its kind and stage filters."""
    slug = request.GET.get("cloud")
    clouds, _, errors = _portfolio_clouds(request)
    if slug and not SLUG.fullmatch(slug):
        errors.append("cloud: give a cloud slug such as france.")
    if request.GET.get("bom", "0") not in ("0", "1"):
        errors.append("bom: use 1 (a UTF-8 byte order mark, for Excel) or 0.")
    if errors:
        raise _FiltersRefused(errors)
    if slug:
        clouds = [get_object_or_404(visible_clouds(request.user), slug=slug)]
    return [cloud.pk for cloud in clouds], slug


class _FiltersRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


@login_required
def items_csv(request: HttpRequest) -> HttpResponse:
    try:
        clouds, slug = _export_clouds(request)
    except _FiltersRefused as refused:
        return _refused(refused.errors)
    rows = (visible_items(request.user).filter(checklist__cloud_id__in=clouds)
            .order_by("checklist__cloud__name", "requirement__position")
            .values_list("checklist__cloud__name", "requirement__code", "requirement__title", "requirement__pillar",
                         "requirement__area", "requirement__weight", "requirement__gating", "status",
                         "owner__username", "owner__first_name", "owner__last_name", "accountable_partner__name",
                         "due_date", "evidence_url", "notes", "version", "updated_at"))
    rows = ((*row[:9], queries.person_name(row[9], row[10], row[8]), *row[11:]) for row in rows)
    name = f"items-{slug or 'all'}-{timezone.localdate()}.csv"
    return _download(_bom(request) + to_csv(ITEM_COLUMNS, rows), name, "text/csv")


SCORE_COLUMNS = ["cloud", "day", "scope", "score", "level", "reason", "done_weight", "counted_weight",
                 "open_gating", "overdue", "forecast", "projected_date", "days_late"]


@login_required
def scores_csv(request: HttpRequest) -> HttpResponse:
    try:
        clouds, slug = _export_clouds(request)
    except _FiltersRefused as refused:
        return _refused(refused.errors)
    since = timezone.localdate() - timezone.timedelta(days=queries.TREND_DAYS - 1)
    rows = (ScoreSnapshot.objects.filter(cloud_id__in=clouds, day__gte=since)
            .order_by("cloud__name", "day", "scope")
            .values_list("cloud__name", "day", "scope", "score", "level", "reason", "done_weight", "counted_weight",
                         "open_gating_count", "overdue_count", "forecast_status", "projected_date", "days_late"))
    name = f"scores-{slug or 'all'}-{timezone.localdate()}.csv"
    return _download(_bom(request) + to_csv(SCORE_COLUMNS, rows), name, "text/csv")


def _bom(request: HttpRequest) -> str:
    """?bom=1: a byte order mark first, so that Excel reads the file as UTF-8 (names with accents)."""
    return "\ufeff" if request.GET.get("bom") == "1" else ""

