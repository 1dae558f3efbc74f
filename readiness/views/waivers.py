"""Waiver pages: the register, asking to waive an item, and a waiver's page where someone with the
right to decide approves or rejects it. The rules live in readiness.waivers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clouds.access import visible_clouds
from readiness.access import editable_items, visible_items
from readiness.choices import ChangeSource, WaiverState
from readiness.forms import WaiverDecisionForm, WaiverFilterForm, WaiverRequestForm
from readiness.validation import add_form_errors
from readiness.waivers import (
    decide_waiver,
    latest_bound,
    request_waiver,
    visible_waivers,
    why_cannot_decide,
    withdraw_waiver,
)

WAIVER_RELATIONS = ("item__requirement", "item__checklist__cloud", "item__checklist__framework", "requested_by",
                    "requested_for_partner", "decided_by")


@login_required
def waiver_register(request: HttpRequest) -> HttpResponse:
    """Every visible waiver, by state (waiting first, then in force, expired, closed) and expiry."""
    today = timezone.localdate()
    clouds = [(slug, name) for slug, name in visible_clouds(request.user).order_by("name").values_list("slug", "name")]
    form = WaiverFilterForm(request.GET or None, clouds=clouds)
    waivers = visible_waivers(request.user)
    if request.GET and form.is_valid():
        state, cloud = form.cleaned_data["state"], form.cleaned_data["cloud"]
        if state == "in_force":
            waivers = waivers.in_force(today).filter(item__checklist__is_active=True)
        elif state == "expired":
            waivers = waivers.filter(state=WaiverState.APPROVED, expires_on__lt=today)
        elif state:
            waivers = waivers.filter(state=state)
        if cloud:
            waivers = waivers.filter(item__checklist__cloud__slug=cloud)
    elif request.GET:
        waivers = waivers.none()
    rows = list(waivers.select_related(*WAIVER_RELATIONS).annotate(rank=Case(
        When(state=WaiverState.REQUESTED, then=Value(0)),
        When(state=WaiverState.APPROVED, expires_on__gte=today, then=Value(1)),
        When(state=WaiverState.APPROVED, then=Value(2)),
        default=Value(3), output_field=IntegerField(),
    )).order_by("rank", "expires_on", "pk"))
    for waiver in rows:
        waiver.shown_state = waiver.display_state(today)
        waiver.days_left = (waiver.expires_on - today).days
    return render(request, "readiness/waivers.html", {"waivers": rows, "form": form, "today": today},
                  status=400 if form.errors else 200)


@login_required
def waiver_request(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(visible_items(request.user).select_related("requirement", "checklist__cloud"), pk=pk)
    if not editable_items(request.user).filter(pk=pk).exists():
        raise PermissionDenied("You cannot change this item, so you cannot ask to waive it.")
    today = timezone.localdate()
    form = WaiverRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            waiver = request_waiver(item=item, actor=request.user, source=ChangeSource.BROWSER, today=today,
                                    **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, "Waiver requested; someone with the right to approve it will decide.")
            return redirect(waiver)
    return render(request, "readiness/waiver_request.html",
                  {"item": item, "form": form, "latest": latest_bound(today), "today": today},
                  status=400 if form.errors else 200)


@login_required
def waiver_detail(request: HttpRequest, pk: int) -> HttpResponse:
    waiver = get_object_or_404(visible_waivers(request.user).select_related(*WAIVER_RELATIONS), pk=pk)
    return _detail(request, waiver, WaiverDecisionForm())


@login_required
@require_POST
def waiver_decide(request: HttpRequest, pk: int) -> HttpResponse:
    waiver = get_object_or_404(visible_waivers(request.user).select_related(*WAIVER_RELATIONS), pk=pk)
    refusal = why_cannot_decide(request.user, waiver)
    if refusal is not None:
        raise PermissionDenied(refusal)
    form = WaiverDecisionForm(request.POST)
    if form.is_valid():
        try:
            decide_waiver(waiver=waiver, approve=form.cleaned_data["decision"] == "approve",
                          note=form.cleaned_data["note"], actor=request.user, source=ChangeSource.BROWSER)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, "Decision saved.")
            return redirect(waiver)
    return _detail(request, waiver, form, status=400)


@login_required
@require_POST
def waiver_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    waiver = get_object_or_404(visible_waivers(request.user).select_related(*WAIVER_RELATIONS), pk=pk)
    if not editable_items(request.user).filter(pk=waiver.item_id).exists():
        raise PermissionDenied("You cannot change this item, so you cannot withdraw its waiver.")
    try:
        withdraw_waiver(waiver=waiver, actor=request.user, source=ChangeSource.BROWSER)
    except ValidationError as exc:
        return _detail(request, waiver, WaiverDecisionForm(), status=400, problem=" ".join(exc.messages))
    messages.success(request, "Waiver withdrawn; the item counts again from the next recompute.")
    return redirect(waiver)


def _detail(request: HttpRequest, waiver, form, *, status: int = 200, problem: str = "") -> HttpResponse:
    today = timezone.localdate()
    refusal = why_cannot_decide(request.user, waiver)
    return render(request, "readiness/waiver_detail.html", {
        "waiver": waiver, "form": form, "today": today, "shown_state": waiver.display_state(today),
        "may_decide": refusal is None and waiver.state == WaiverState.REQUESTED, "refusal": refusal,
        "may_withdraw": waiver.state in (WaiverState.REQUESTED, WaiverState.APPROVED)
        and editable_items(request.user).filter(pk=waiver.item_id).exists(),
        "problem": problem,
    }, status=status)
