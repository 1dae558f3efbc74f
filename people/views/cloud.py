"""/clouds/<slug>/people/: a cloud's staffing coverage today and over the horizon, its roster and renewals due.

Names only for the people the user may see by name (people.access.named_staff); everyone else in counts.
A fixed number of queries whatever the number of people (people.queries).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from clouds.access import visible_clouds
from clouds.models import Cloud
from people.access import may_write_people, named_staff
from people.charts import coverage_step
from people.coverage import renewals
from people.queries import employers_of, names_of, people_of, requirements_of
from people.roster import RequirementRow, renewal_counts, renewal_rows, requirement_rows, role_counts, roster_rows


@login_required
def cloud_people(request: HttpRequest, slug: str) -> HttpResponse:
    cloud = get_object_or_404(visible_clouds(request.user), slug=slug)
    today, horizon = timezone.localdate(), settings.COVERAGE_HORIZON_DAYS
    soon = settings.SCREENING_RENEWAL_DUE_DAYS
    people, requirements = people_of([cloud.pk]), requirements_of([cloud.pk])
    ids = [person.id for person in people]
    employers, names = employers_of(ids), names_of(named_staff(request.user), ids)
    coverage_rows = requirement_rows(people, requirements, today, horizon)
    due = renewals(people, requirements, today, due_within_days=soon,
                   renewal_takes_days=settings.SCREENING_RENEWAL_TAKES_DAYS, horizon_days=horizon,
                   forecasts={row.requirement.id: row.forecast for row in coverage_rows})
    due_rows = renewal_rows(((cloud.slug, cloud.name, renewal) for renewal in due), {p.id: p for p in people},
                            names=names, employers=employers)
    hidden = [person for person in people if person.id not in names]
    hidden_due, hidden_critical = renewal_counts(row for row in due_rows if row.anonymous)
    day1 = cloud.day1_date
    return render(request, "people/cloud_people.html", {
        "cloud": cloud, "today": today, "horizon_days": horizon, "soon_days": soon,
        "horizon_end": today + dt.timedelta(days=horizon),
        "day1_in_horizon": day1 is not None and today <= day1 <= today + dt.timedelta(days=horizon),
        "requirements": [{"row": row, "chart": _chart(row, cloud, today, horizon)} for row in coverage_rows],
        "headcount": len(people), "active": sum(1 for person in people if person.active),
        "roster": roster_rows(people, requirements, today, names=names, employers=employers, soon_days=soon),
        "hidden_count": len(hidden),
        "hidden_counts": role_counts(hidden, requirements, today, employers=employers),
        "hidden_due": hidden_due, "hidden_critical": hidden_critical,
        "renewals": due_rows, "renewal_totals": renewal_counts(due_rows),
        "can_write": may_write_people(request.user),  # the named people are then the ones they may edit
    })


def _chart(row: RequirementRow, cloud: Cloud, today: dt.date, horizon: int) -> dict:
    """What templates/dashboards/_figure.html needs to embed one requirement's step chart (data only)."""
    figure = coverage_step(row.forecast.counts, today, row.minimum, title=f"{row.label}: eligible per day",
                           day1=cloud.day1_date, expiries=row.expiries, first_shortfall=row.first_shortfall)
    return {
        "name": f"coverage-{row.role}", "script_id": f"figure-coverage-{row.role}",
        "filename": f"{cloud.slug}-{row.role}-coverage", "figure": figure,
        "label": f"{row.label}: eligible people per day for {horizon} days against the minimum of {row.minimum}, "
                 "with Day 1 and screening expiries marked",
    }
