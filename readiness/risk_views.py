"""The risk register: findings across the clouds a user may see, and acknowledging one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clouds.access import managed_clouds, visible_clouds
from readiness.insights.register import visible_findings
from readiness.insights.rules import RULE_TITLES
from readiness.models import ChecklistItem, Finding, FindingSeverity

MAX_FINDINGS = 500
ITEMS_SHOWN = 20
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
    counts = findings.aggregate(**{s: Count("id", filter=Q(severity=s)) for s in FindingSeverity.values})
    findings = (findings.select_related("cloud", "acknowledged_by")
                .annotate(item_count=Count("items"),
                          rank=Case(When(severity="high", then=Value(0)), When(severity="medium", then=Value(1)),
                                    default=Value(2), output_field=IntegerField()))
                .order_by("rank", "cloud__name", "rule", "-opened_at"))
    editable = set(managed_clouds(request.user).values_list("pk", flat=True))
    rows = list(findings[:MAX_FINDINGS])
    shown = first_items([finding.pk for finding in rows])
    for finding in rows:
        finding.shown_items = shown.get(finding.pk, [])
    return render(request, "readiness/risks.html", {
        "findings": rows, "total": sum(counts.values()), "editable": editable, "rule_titles": RULE_TITLES,
        "states": STATES, "state": state, "severities": FindingSeverity.choices, "chosen_severities": severities,
        "clouds": clouds, "cloud": slug, "rule": rule, "errors": errors, "counts": counts,
        "items_shown": ITEMS_SHOWN,
    })


def first_items(finding_ids: list[int]) -> dict[int, list[ChecklistItem]]:
    """The first ITEMS_SHOWN items of each finding, in one query (a window function)."""
    through = Finding.items.through
    rows = (through.objects.filter(finding_id__in=finding_ids)
            .annotate(rank=Window(RowNumber(), partition_by=[F("finding_id")],
                                  order_by=[F("checklistitem__requirement__position").asc()]))
            .filter(rank__lte=ITEMS_SHOWN)
            .select_related("checklistitem__requirement", "checklistitem__owner")
            .order_by("finding_id", "rank"))
    shown: dict[int, list[ChecklistItem]] = {}
    for row in rows:
        shown.setdefault(row.finding_id, []).append(row.checklistitem)
    return shown


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
    if finding.acknowledged_at is not None:
        messages.error(request, "This finding is already acknowledged; the first acknowledgement is kept.")
        return redirect(back)
    finding.acknowledged_at = timezone.now()
    finding.acknowledged_by = request.user
    finding.acknowledgement_note = note
    finding.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    messages.success(request, "Finding acknowledged.")
    return redirect(back)
