"""The risk register: findings across the clouds a user may see, and acknowledging one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clouds.access import managed_clouds, visible_clouds
from readiness.choices import FindingSeverity
from readiness.insights import registry
from readiness.insights.register import ITEMS_SHOWN, first_items, severity_counts, severity_rank, visible_findings
from readiness.insights.services import acknowledge_finding

MAX_FINDINGS = 500
STATES = {"open": "Open", "acknowledged": "Acknowledged (open)", "resolved": "Resolved", "all": "All"}


@login_required
def risks(request: HttpRequest) -> HttpResponse:
    findings = visible_findings(request.user)
    errors = []
    state = request.GET.get("state") or "open"
    if state not in STATES:
        errors.append("state: use open, acknowledged, resolved or all.")
        state = "open"
    findings = {
        "open": findings.filter(resolved_at__isnull=True),
        "acknowledged": findings.filter(resolved_at__isnull=True, acknowledged_at__isnull=False),
        "resolved": findings.filter(resolved_at__isnull=False),
        "all": findings,
    }[state]
    severities = [value for value in request.GET.getlist("severity") if value]
    if any(value not in FindingSeverity.values for value in severities):
        errors.append("severity: use high, medium or low.")
    severities = [value for value in severities if value in FindingSeverity.values]
    if severities:
        findings = findings.filter(severity__in=severities)
    slug = request.GET.get("cloud") or ""
    clouds = list(visible_clouds(request.user).order_by("name").values_list("slug", "name"))
    # Each value is checked against the known ones before it reaches a query, so a value that is
    # not exactly well-formed (a NUL byte, say) is refused, not passed to the database.
    if slug:
        if slug in {s for s, _ in clouds}:
            findings = findings.filter(cloud__slug=slug)
        else:
            errors.append("cloud: not a cloud you can see.")
    rule = request.GET.get("rule") or ""
    if rule:
        if rule in registry.codes():
            findings = findings.filter(rule=rule)
        else:
            errors.append("rule: unknown rule.")
    if errors:
        findings = findings.none()
    counts = findings.aggregate(**severity_counts())
    findings = (findings.select_related("cloud", "acknowledged_by")
                .annotate(item_count=Count("items"), rank=severity_rank())
                .order_by("rank", "cloud__name", "rule", "-opened_at"))
    editable = set(managed_clouds(request.user).values_list("pk", flat=True))
    rows = list(findings[:MAX_FINDINGS])
    shown = first_items([finding.pk for finding in rows])
    for finding in rows:
        finding.shown_items = shown.get(finding.pk, [])
        finding.title = registry.title_of(finding.rule)
    return render(request, "readiness/risks.html", {
        "findings": rows, "total": sum(counts.values()), "editable": editable, "rule_titles": registry.titles(),
        "states": STATES, "state": state, "severities": FindingSeverity.choices, "chosen_severities": severities,
        "clouds": clouds, "cloud": slug, "rule": rule, "errors": errors, "counts": counts,
        "items_shown": ITEMS_SHOWN,
    }, status=400 if errors else 200)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(visible_findings(request.user).select_related("cloud"), pk=pk)
    if not managed_clouds(request.user).filter(pk=finding.cloud_id).exists():
        raise PermissionDenied("You may see this finding but not acknowledge it.")
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/risks/"
    try:
        acknowledge_finding(finding=finding, actor=request.user, note=request.POST.get("note") or "")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, "Finding acknowledged.")
    return redirect(back)
