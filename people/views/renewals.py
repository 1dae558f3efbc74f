"""/people/renewals/: screening renewals due across the clouds the user may see, critical first.

Names only for the people the user may see by name; the others as counts ("1 person (Partner X)").
A fixed number of queries whatever the number of clouds or people.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clouds.access import visible_clouds
from people.access import named_staff
from people.coverage import renewals
from people.queries import employers_of, names_of, people_of, requirements_of
from people.roster import renewal_counts, renewal_rows


@login_required
def renewals_due(request: HttpRequest) -> HttpResponse:
    today, soon = timezone.localdate(), settings.SCREENING_RENEWAL_DUE_DAYS
    clouds = list(visible_clouds(request.user).order_by("name", "pk").values_list("pk", "slug", "name"))
    ids = [pk for pk, _, _ in clouds]
    people, requirements = people_of(ids, current_on=today), requirements_of(ids)
    people_by_cloud: dict[int, list] = {pk: [] for pk in ids}
    for person in people:
        for cloud_id in person.clouds:
            people_by_cloud[cloud_id].append(person)
    requirements_by_cloud: dict[int, list] = {pk: [] for pk in ids}
    for requirement in requirements:
        requirements_by_cloud[requirement.cloud_id].append(requirement)
    due = [(slug, name, renewal) for pk, slug, name in clouds
           for renewal in renewals(people_by_cloud[pk], requirements_by_cloud[pk], today, due_within_days=soon,
                                   renewal_takes_days=settings.SCREENING_RENEWAL_TAKES_DAYS,
                                   horizon_days=settings.COVERAGE_HORIZON_DAYS)]
    staff_ids = [person.id for person in people]
    rows = renewal_rows(due, {person.id: person for person in people},
                        names=names_of(named_staff(request.user), staff_ids), employers=employers_of(staff_ids))
    total, critical = renewal_counts(rows)
    return render(request, "people/renewals.html", {
        "rows": rows, "total": total, "critical": critical, "today": today, "soon_days": soon,
        "until": today + dt.timedelta(days=soon), "cloud_count": len(clouds),
        "takes_days": settings.SCREENING_RENEWAL_TAKES_DAYS,
    })
