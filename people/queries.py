"""The database side of coverage: staff and requirements of a set of clouds as plain values.

A fixed number of queries whatever the number of clouds or people (four for the people,
one for the requirements, one each for the pages' employers and names); people.coverage does the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce

from people.coverage import Credential, Person, Requirement
from people.models import Screening, StaffingRequirement, StaffMember, Training, split_codes


def people_of(cloud_ids: Iterable[int], *, current_on: dt.date | None = None) -> list[Person]:
    """Everyone serving any of the clouds (inactive people too: coverage leaves them out).

    With `current_on`, screenings and trainings that lapsed before that day are left out: they
    change no coverage, forecast or renewal from that day on (a record expiring on the day itself
    is kept, as its renewal is still due), and a portfolio has many of them.
    """
    ids = list(cloud_ids)
    serving = StaffMember.clouds.through.objects.filter(cloud_id__in=ids)
    memberships: dict[int, set[int]] = {}
    for staff_id, cloud_id in serving.values_list("staffmember_id", "cloud_id"):
        memberships.setdefault(staff_id, set()).add(cloud_id)
    # The same people selected in SQL (a subquery), not as a list of thousands of ids: the database
    # joins them cheaply, where passing the list costs Python and PostgreSQL time per id. Credentials
    # come unsorted (every reader picks them by date), which spares the database a sort of every row.
    staff_ids = serving.values("staffmember_id")
    rows = StaffMember.objects.filter(pk__in=staff_ids).values_list("pk", "active", "roles", "citizenships")
    current = Q() if current_on is None else Q(expires_on__isnull=True) | Q(expires_on__gte=current_on)
    screenings: dict[int, list[Credential]] = {}
    for staff_id, kind, completed, expires in Screening.objects.filter(
            current, staff_id__in=staff_ids).order_by().values_list("staff_id", "kind", "completed_on", "expires_on"):
        screenings.setdefault(staff_id, []).append(Credential(kind, completed, expires))
    trainings: dict[int, list[Credential]] = {}
    for staff_id, course, completed, expires in Training.objects.filter(
            current, staff_id__in=staff_ids).order_by().values_list("staff_id", "course", "completed_on", "expires_on"):
        trainings.setdefault(staff_id, []).append(Credential(course, completed, expires))
    codes: dict[str, frozenset[str]] = {}  # the same few role and citizenship lists recur: parse each once

    def parsed(value: str) -> frozenset[str]:
        if value not in codes:
            codes[value] = frozenset(split_codes(value))
        return codes[value]

    # Someone who joined a cloud after the first read is left for the next one (memberships decide).
    return [Person(pk, active, parsed(roles), frozenset(memberships[pk]), parsed(citizenships),
                   tuple(screenings.get(pk, ())), tuple(trainings.get(pk, ())))
            for pk, active, roles, citizenships in rows if pk in memberships]


def requirements_of(cloud_ids: Iterable[int]) -> list[Requirement]:
    return [Requirement(pk, cloud_id, role, minimum, frozenset(split_codes(citizenships)),
                        frozenset(split_codes(screenings)), frozenset(split_codes(trainings)))
            for pk, cloud_id, role, minimum, citizenships, screenings, trainings in
            StaffingRequirement.objects.filter(cloud_id__in=list(cloud_ids)).order_by("cloud_id", "role")
            .values_list("pk", "cloud_id", "role", "minimum", "allowed_citizenships", "screenings", "trainings")]


def employers_of(staff_ids: Iterable[int]) -> dict[int, str]:
    """Each person's employer name ("" when the cloud provider employs them): one query, no personal data."""
    return dict(StaffMember.objects.filter(pk__in=list(staff_ids)).order_by()
                .values_list("pk", Coalesce("employer__name", Value(""))))


def names_of(named: QuerySet[StaffMember], staff_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Name and external id of those of `staff_ids` in `named` (people.access.named_staff(user)): one query.
    Nobody outside `named` is read, so a page built from this cannot show them by name."""
    return {pk: (name, external_id) for pk, name, external_id in
            named.filter(pk__in=list(staff_ids)).order_by().values_list("pk", "full_name", "external_id")}
