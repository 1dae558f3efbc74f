"""The risk register: findings across the clouds a user may see, and acknowledging one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clouds.access import managed_clouds, visible_clouds
from readiness.insights.register import visible_findings
from readiness.insights.rules import RULE_TITLES
from readiness.models import ChecklistItem, FindingSeverity

STATES = {"open": "Open", "acknowledged": "Acknowledged (open)", "resolved": "Resolved", "all": "All"}


@login_required
def risks(request: HttpRequest) -> HttpResponse:
    findings = visible_findings(request.user)
    errors = []
    state = request.GET.get("state") or "open"
    if state not in STATES:
        errors.append(f"Unknown state {state!r}.")
        state = "open"
    findings = {
        "open": findings.filter(resolved_at__isnull=True),
        "acknowledged": findings.filter(resolved_at__isnull=True, acknowledged_at__isnull=False),
        "resolved": findings.filter(resolved_at__isnull=False),
        "all": findings,
    }[state]
    severities = [value for value in request.GET.getlist("severity") if value]
    if any(value not in FindingSeverity.values for value in severities):
        errors.append("Unknown severity.")
    severities = [value for value in severities if value in FindingSeverity.values]
    if severities:
        findings = findings.filter(severity__in=severities)
    slug = request.GET.get("cloud") or ""
    clouds = list(visible_clouds(request.user).order_by("name").values_list("slug", "name"))
    if slug:
        if slug not in {s for s, _ in clouds}:
            errors.append("Unknown cloud.")
        findings = findings.filter(cloud__slug=slug)
    rule = request.GET.get("rule") or ""
    if rule:
        if rule not in RULE_TITLES:
            errors.append("Unknown rule.")
        findings = findings.filter(rule=rule)
    items = ChecklistItem.objects.select_related("requirement", "owner").order_by("requirement__position")
    findings = (findings.select_related("cloud", "acknowledged_by")
                .prefetch_related(Prefetch("items", queryset=items))
                .annotate(rank=Case(When(severity="high", then=Value(0)), When(severity="medium", then=Value(1)),
                                    default=Value(2), output_field=IntegerField()))
                .order_by("rank", "cloud__name", "rule", "-opened_at"))
    editable = set(managed_clouds(request.user).values_list("pk", flat=True))
    rows = list(findings[:500])
    return render(request, "readiness/risks.html", {
        "findings": rows, "truncated": len(rows) == 500, "editable": editable, "rule_titles": RULE_TITLES,
        "states": STATES, "state": state, "severities": FindingSeverity.choices, "chosen_severities": severities,
        "clouds": clouds, "cloud": slug, "rule": rule, "errors": errors,
        "counts": {s: sum(1 for f in rows if f.severity == s) for s in FindingSeverity.values},
    })


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(visible_findings(request.user).select_related("cloud"), pk=pk)
    if not managed_clouds(request.user).filter(pk=finding.cloud_id).exists():
        raise PermissionDenied("You may see this finding but not acknowledge it.")
    note = (request.POST.get("note") or "").strip()
    back = request.POST.get("next") or ""
    from django.utils.http import url_has_allowed_host_and_scheme

    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/risks/"
    if not note or len(note) > 2000 or "\x00" in note:
        messages.error(request, "Write a note of 1 to 2000 characters saying why (the plan, or the accepted risk).")
        return redirect(back)
    if finding.resolved_at is not None:
        messages.error(request, "This finding is already resolved.")
        return redirect(back)
    finding.acknowledged_at = timezone.now()
    finding.acknowledged_by = request.user
    finding.acknowledgement_note = note
    finding.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    messages.success(request, "Finding acknowledged.")
    return redirect(back)
