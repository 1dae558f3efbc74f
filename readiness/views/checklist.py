"""Checklist pages: a cloud's checklist, an item and its history, and my items."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from clouds.access import managed_clouds, users_editing_cloud, visible_clouds
from readiness.access import editable_items, visible_items
from readiness.audit import item_history
from readiness.choices import OPEN_STATUSES, ItemStatus, Pillar, WaiverState
from readiness.filtersets import ChecklistItemFilterSet
from readiness.forms import BulkEditForm, ItemEditForm
from readiness.item_lineage import predecessors
from readiness.models import WAIVED, Checklist, overdue_condition, waived_until
from readiness.my_items_sections import my_items_sections
from readiness.scoring import is_overdue
from readiness.snapshots.reads import live_score
from readiness.snapshots.sums import area_progress

ITEM_RELATIONS = ("requirement", "owner", "accountable_partner", "checklist__cloud")


@login_required
def checklist(request: HttpRequest, slug: str) -> HttpResponse:
    cloud = get_object_or_404(visible_clouds(request.user), slug=slug)
    context = checklist_context(request, cloud)
    # A filter that is not well-formed is refused (the page says which), never read as something else.
    return render(request, "readiness/checklist.html", context, status=400 if context["filterset"].errors else 200)


def checklist_context(request: HttpRequest, cloud) -> dict:
    """Everything the checklist page (and its fragments after an edit) shows; a fixed number of queries."""
    today = timezone.localdate()
    active = Checklist.objects.active().select_related("framework").filter(cloud=cloud).first()
    can_edit = managed_clouds(request.user).filter(pk=cloud.pk).exists()
    base = visible_items(request.user).filter(checklist__cloud=cloud)
    chosen = _chosen_filters(request.GET)
    filterset = ChecklistItemFilterSet(chosen, queryset=base, request=request)
    items = list(filterset.qs.select_related(*ITEM_RELATIONS).annotate(waived_until=waived_until(today))
                 .order_by("requirement__position"))
    owners = list(users_editing_cloud(cloud))
    areas_done = area_progress(cloud.pk)
    score = live_score(cloud, today)
    pillars = []
    for pillar in Pillar.values:
        pillar_items = [item for item in items if item.requirement.pillar == pillar]
        areas: dict[str, list] = {}
        for item in pillar_items:
            areas.setdefault(item.requirement.area, []).append(item)
        pillars.append({
            "value": pillar, "label": Pillar(pillar).label, "score": score.pillars[pillar],
            "totals": score.pillar_totals[pillar],
            "areas": [{"name": area, "label": rows[0].requirement.area_label, "items": rows,
                       "progress": areas_done.get((pillar, area))} for area, rows in areas.items()],
        })
    for item in items:
        item.waived = item.waived_until is not None and item.is_open
        item.overdue = is_overdue(item.status, item.due_date, today) and not item.waived
    query = request.GET.urlencode()
    return {
        "cloud": cloud, "checklist": active, "pillars": pillars, "today": today, "score": score,
        "can_edit": can_edit, "owners": owners, "filterset": filterset, "item_count": len(items),
        "area_names": sorted({area for _, area in areas_done}),
        "partners": cloud.partner_links.select_related("partner"), "regimes": cloud.compliance_regimes.all(),
        "status_choices": ItemStatus.choices, "here": request.path + (f"?{query}" if query else ""),
        "bulk_form": BulkEditForm(owners=owners) if can_edit else None,
        "filtered": chosen is not None,
    }


def _chosen_filters(query: QueryDict) -> QueryDict | None:
    """The filters the person chose: an empty choice ("Any status", "All pillars") means no filter."""
    chosen = QueryDict(mutable=True)
    for name in query:
        values = [value for value in query.getlist(name) if value != ""]
        if values:
            chosen.setlist(name, values)
    return chosen or None


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(visible_items(request.user).select_related(*ITEM_RELATIONS), pk=pk)
    editable = editable_items(request.user).filter(pk=pk).exists()
    can_edit = editable and not item.requirement.auto_check
    form = None
    if can_edit:
        form = ItemEditForm(owners=users_editing_cloud(item.checklist.cloud), item=item)
    today = timezone.localdate()
    waivers = list(item.waivers.select_related("requested_by", "decided_by").order_by("-requested_at"))
    for waiver in waivers:
        waiver.shown_state = waiver.display_state(today)
    pending = any(w.state == WaiverState.REQUESTED for w in waivers)
    return render(request, "readiness/item_detail.html", {
        "item": item, "form": form, "history": item_history(item), "today": today, "waivers": waivers,
        "may_request_waiver": editable and item.is_open and not pending,
    })


@login_required
def item_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(visible_items(request.user).select_related(*ITEM_RELATIONS), pk=pk)
    earlier = [{"item": old, "history": item_history(old), "anchor": f"history-item-{old.pk}"}
               for old in predecessors(item)]
    return render(request, "readiness/item_history.html", {"item": item, "history": item_history(item),
                                                            "earlier": earlier})


@login_required
def my_items(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    open_q = Q(status__in=OPEN_STATUSES)
    items = (
        visible_items(request.user).filter(owner=request.user).select_related(*ITEM_RELATIONS)
        .with_waiver_flag(today)
        .annotate(rank=Case(
            When(overdue_condition(today) & ~WAIVED, then=Value(0)),
            When(open_q & ~WAIVED, then=Value(1)),
            default=Value(2), output_field=IntegerField(),
        ))
        .order_by("rank", "due_date", "checklist__cloud__name", "requirement__position")
    )
    rows = list(items)
    for item in rows:
        item.overdue = item.rank == 0
    return render(request, "readiness/my_items.html", {
        "items": rows, "today": today, "overdue_count": sum(1 for item in rows if item.overdue),
        "sections": my_items_sections(request.user, today),
        "open_count": sum(1 for item in rows if item.rank < 2),
    })

