"""Readiness pages: the portfolio home and each cloud's checklist (read-only for now)."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from clouds.access import visible_clouds
from readiness.access import visible_items
from readiness.choices import ItemStatus, Pillar
from readiness.models import Checklist
from readiness.progress import Progress, pillar_progress
from readiness.score_reads import latest_scores


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    clouds = list(visible_clouds(request.user).prefetch_related("compliance_regimes").order_by("name"))
    progress = pillar_progress(cloud.pk for cloud in clouds)
    scores = latest_scores((cloud.pk for cloud in clouds), today)
    rows = [
        {
            "cloud": cloud,
            "scores": scores[cloud.pk],
            "pillars": [
                {"label": Pillar(p).label, "progress": progress[cloud.pk][p],
                 "snapshot": scores[cloud.pk].pillars.get(p)}
                for p in Pillar.values
            ],
        }
        for cloud in clouds
    ]
    return render(request, "readiness/home.html", {"rows": rows, "today": today})


@login_required
def checklist(request: HttpRequest, slug: str) -> HttpResponse:
    cloud = get_object_or_404(visible_clouds(request.user), slug=slug)
    active = (Checklist.objects.select_related("framework")
              .filter(cloud=cloud, is_active=True).first())
    items = list(
        visible_items(request.user)
        .filter(checklist__cloud=cloud)
        .select_related("requirement", "owner", "accountable_partner")
        .order_by("requirement__position")
    )
    pillar_order = {value: index for index, value in enumerate(Pillar.values)}
    items.sort(key=lambda item: (pillar_order[item.requirement.pillar], item.requirement.position))
    today = timezone.localdate()
    pillars = []
    for pillar, pillar_items in groupby(items, key=lambda item: item.requirement.pillar):
        pillar_items = list(pillar_items)
        areas = []
        area_order: dict[str, list] = {}
        for item in pillar_items:
            area_order.setdefault(item.requirement.area, []).append(item)
        for area, area_items in area_order.items():
            areas.append({"name": area, "label": area_items[0].requirement.area_label,
                          "items": area_items, "progress": _progress(area_items)})
        pillars.append({"value": pillar, "label": Pillar(pillar).label,
                        "progress": _progress(pillar_items), "areas": areas})
    return render(request, "readiness/checklist.html", {
        "cloud": cloud, "checklist": active, "pillars": pillars, "today": today,
        "partners": cloud.partner_links.select_related("partner"),
        "regimes": cloud.compliance_regimes.all(),
    })


def _progress(items: list) -> Progress:
    counted = [item for item in items if item.status != ItemStatus.NOT_APPLICABLE]
    return Progress(done=sum(1 for item in counted if item.status == ItemStatus.DONE), counted=len(counted))
