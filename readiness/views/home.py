"""The portfolio home: every cloud the user may see with its scores, progress and risks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from clouds.access import role_of, visible_clouds
from clouds.choices import UserRole
from readiness.choices import Pillar
from readiness.insights.register import open_counts
from readiness.snapshots.reads import latest_scores
from readiness.snapshots.sums import pillar_progress


class PortalLoginView(LoginView):
    """Executives land on the portfolio dashboard; everyone else on the clouds list."""

    def get_default_redirect_url(self):
        if role_of(self.request.user) == UserRole.EXECUTIVE:
            return reverse("dashboards:portfolio")
        return super().get_default_redirect_url()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    clouds = list(visible_clouds(request.user).prefetch_related("compliance_regimes").order_by("name"))
    progress = pillar_progress(cloud.pk for cloud in clouds)
    scores = latest_scores((cloud.pk for cloud in clouds), today)
    risks = open_counts(cloud.pk for cloud in clouds)
    rows = [
        {
            "cloud": cloud,
            "risks": risks[cloud.pk],
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
