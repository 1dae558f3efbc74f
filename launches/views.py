"""Launch pages: the portfolio of launches, a cloud's go/no-go page (gates, decisions, Day 1 history;
printable and exported as Markdown), recording a decision, a decision with its frozen evidence,
marking a condition met, and moving Day 1. Rules live in launches.services and launches.criteria."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clouds.access import visible_clouds
from launches import criteria
from launches.access import visible_conditions, visible_decisions
from launches.evidence import verify
from launches.forms import ConditionDoneForm, ConditionFormSet, Day1Form, DecisionForm
from launches.markdown import launch_markdown
from launches.models import Day1Change, Decision
from launches.services import (
    ConditionInput,
    complete_condition,
    condition_owners,
    governed_clouds,
    move_day1,
    record_decision,
)
from launches.state import gate_rows
from launches.summary import launch_summaries
from readiness.choices import ChangeSource, WaiverState
from readiness.models import Waiver
from readiness.validation import add_form_errors


@login_required
def launch_portfolio(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    clouds = list(visible_clouds(request.user).order_by("day1_date", "name"))
    summaries = launch_summaries(clouds, today)
    lines = [{"cloud": cloud, "summary": summaries[cloud.pk]} for cloud in clouds]
    return render(request, "launches/portfolio.html", {"lines": lines, "today": today})


@login_required
def launch_cloud(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "launches/cloud.html", _cloud_context(request, slug))


@login_required
def launch_markdown_view(request: HttpRequest, slug: str) -> HttpResponse:
    context = _cloud_context(request, slug)
    response = HttpResponse(launch_markdown(context), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-launch-{context["today"].isoformat()}.md"'
    return response


@login_required
def decide(request: HttpRequest, slug: str, gate_code: str) -> HttpResponse:
    cloud = get_object_or_404(visible_clouds(request.user), slug=slug)
    today = timezone.localdate()
    row = next((row for row in gate_rows([cloud], today)[cloud.pk] if row.gate.code == gate_code), None)
    if row is None:
        raise Http404("No such gate for this cloud.")
    if not governed_clouds(request.user).filter(pk=cloud.pk).exists():
        raise PermissionDenied("Only administrators and this cloud's program managers record launch decisions.")
    owners = condition_owners(cloud)
    user = request.user
    form = DecisionForm(request.POST or None,
                        initial={"decided_by_name": user.get_full_name() or user.get_username()})
    conditions = ConditionFormSet(request.POST or None, prefix="conditions", form_kwargs={"owners": owners})
    if request.method == "POST" and form.is_valid() & conditions.is_valid():
        filled = [entry for entry in conditions if entry.cleaned_data and not entry.is_blank]
        try:
            decision = record_decision(
                cloud=cloud, gate_code=gate_code, actor=user, today=today,
                conditions=[ConditionInput(entry.cleaned_data["text"], entry.cleaned_data["owner"].pk,
                                           entry.cleaned_data["due_on"]) for entry in filled],
                **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc, rows={"conditions": filled})
        else:
            messages.success(request, "Decision recorded; its evidence is frozen as of now.")
            return redirect(decision)
    return render(request, "launches/decide.html", {
        "cloud": cloud, "row": row, "form": form, "conditions": conditions, "today": today,
    }, status=400 if request.method == "POST" else 200)


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(visible_decisions(request.user).select_related("cloud", "framework", "decided_by"),
                                 pk=pk)
    return _decision_page(request, decision)


@login_required
@require_POST
def condition_done(request: HttpRequest, pk: int) -> HttpResponse:
    condition = get_object_or_404(visible_conditions(request.user).select_related("decision"), pk=pk)
    form = ConditionDoneForm(request.POST)
    if form.is_valid():
        try:
            complete_condition(condition=condition, note=form.cleaned_data["note"], actor=request.user)
        except ValidationError as exc:
            form.add_error("note", " ".join(exc.messages))
        else:
            messages.success(request, "Condition marked met.")
            return redirect(condition.decision)
    return _decision_page(request, condition.decision, failed=(condition.pk, form), status=400)


@login_required
def day1(request: HttpRequest, slug: str) -> HttpResponse:
    cloud = get_object_or_404(visible_clouds(request.user), slug=slug)
    if not governed_clouds(request.user).filter(pk=cloud.pk).exists():
        raise PermissionDenied("Only administrators and this cloud's program managers move Day 1.")
    form = Day1Form(request.POST or None, initial={"day1": cloud.day1_date})
    if request.method == "POST" and form.is_valid():
        try:
            move_day1(cloud=cloud, new_day1=form.cleaned_data["day1"], reason=form.cleaned_data["reason"],
                      actor=request.user, source=ChangeSource.BROWSER)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, "Day 1 moved; the change and its reason are in the slip history.")
            return redirect("launches:cloud", slug=cloud.slug)
    history = list(Day1Change.objects.filter(cloud=cloud).select_related("changed_by").order_by("-changed_at"))
    return render(request, "launches/day1.html", {"cloud": cloud, "form": form, "history": history},
                  status=400 if form.errors else 200)


# -- helpers -------------------------------------------------------------------

def _cloud_context(request: HttpRequest, slug: str) -> dict:
    cloud = get_object_or_404(visible_clouds(request.user), slug=slug)
    today = timezone.localdate()
    decisions = list(visible_decisions(request.user).filter(cloud=cloud).select_related("decided_by")
                     .prefetch_related("conditions__owner").order_by("-decided_at", "-pk"))
    in_force = {}
    for decision in sorted(decisions, key=lambda d: (d.decided_at, d.pk)):
        in_force[decision.gate_code] = decision.pk
    for decision in decisions:
        decision.superseded = in_force.get(decision.gate_code) != decision.pk
    changes = list(Day1Change.objects.filter(cloud=cloud).select_related("changed_by").order_by("changed_at", "pk"))
    waivers = list(Waiver.objects.filter(item__checklist__cloud=cloud, item__checklist__is_active=True,
                                         state__in=[WaiverState.REQUESTED, WaiverState.APPROVED])
                   .select_related("item__requirement", "item__checklist").order_by("expires_on"))
    for waiver in waivers:
        waiver.shown_state = waiver.display_state(today)
    return {
        "cloud": cloud, "today": today, "gates": gate_rows([cloud], today)[cloud.pk], "decisions": decisions,
        "changes": changes, "slip": criteria.slip_summary([(c.previous_day1, c.new_day1) for c in changes]),
        "may_govern": governed_clouds(request.user).filter(pk=cloud.pk).exists(), "waivers": waivers,
    }


def _decision_page(request: HttpRequest, decision: Decision, *, failed=None, status: int = 200) -> HttpResponse:
    user = request.user
    governs = governed_clouds(user).filter(pk=decision.cloud_id).exists()
    conditions = list(decision.conditions.select_related("owner", "done_by").order_by("position"))
    for condition in conditions:
        condition.may_complete = condition.is_open and (governs or condition.owner_id == getattr(user, "pk", None))
        condition.form = failed[1] if failed and failed[0] == condition.pk else ConditionDoneForm()
    later = (Decision.objects.filter(cloud_id=decision.cloud_id, gate_code=decision.gate_code,
                                     decided_at__gt=decision.decided_at).order_by("decided_at").first())
    evidence = json.loads(decision.evidence)
    return render(request, "launches/decision.html", {
        "decision": decision, "evidence": evidence, "conditions": conditions,
        "recorded_at": dt.datetime.fromisoformat(evidence["recorded_at"]),
        "verified": verify(decision.evidence, decision.evidence_sha256), "superseded_by": later,
        "today": timezone.localdate(),
    }, status=status)
