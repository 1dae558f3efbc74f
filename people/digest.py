"""The digest section of people/: screening renewals due on the recipient's clouds, by name for the
people they may see by name (their own employees for partner staff; everyone on the clouds they
manage for program managers), critical first."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from people.access import named_staff
from people.coverage import renewals
from people.queries import people_of, requirements_of

TITLE = "Screening renewals due"


def renewals_section(user, clouds, today: dt.date) -> tuple[str, list[str]]:
    names = dict(named_staff(user).values_list("pk", "full_name"))
    if not names:
        return TITLE, []
    cloud_rows = list(clouds.order_by("name").values_list("pk", "name"))
    ids = [pk for pk, _ in cloud_rows]
    people, requirements = people_of(ids, current_on=today), requirements_of(ids)
    lines = []
    for cloud_id, cloud_name in cloud_rows:
        mine = [person for person in people if cloud_id in person.clouds]
        theirs = [req for req in requirements if req.cloud_id == cloud_id]
        for renewal in renewals(mine, theirs, today, due_within_days=settings.SCREENING_RENEWAL_DUE_DAYS,
                                renewal_takes_days=settings.SCREENING_RENEWAL_TAKES_DAYS,
                                horizon_days=settings.COVERAGE_HORIZON_DAYS):
            if renewal.person_id in names:
                lines.append(f"{'[CRITICAL] ' if renewal.critical else ''}{names[renewal.person_id]} "
                             f"({cloud_name}): {renewal.screening.replace('_', ' ')} expires "
                             f"{renewal.expires_on.isoformat()}")
    return TITLE, lines
