"""The database side of coverage: staff and requirements of a set of clouds as plain values.

A fixed number of queries whatever the number of clouds or people (four for the people,
one for the requirements); people.coverage does the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

from people.coverage import Credential, Person, Requirement
from people.models import Screening, StaffingRequirement, StaffMember, Training, split_codes


def people_of(cloud_ids: Iterable[int]) -> list[Person]:
    """Everyone serving any of the clouds (inactive people too: coverage leaves them out)."""
    ids = list(cloud_ids)
    memberships: dict[int, set[int]] = {}
    for staff_id, cloud_id in StaffMember.clouds.through.objects.filter(cloud_id__in=ids).values_list(
            "staffmember_id", "cloud_id"):
        memberships.setdefault(staff_id, set()).add(cloud_id)
    rows = StaffMember.objects.filter(pk__in=list(memberships)).values_list("pk", "active", "roles", "citizenships")
    screenings: dict[int, list[Credential]] = {}
    for staff_id, kind, completed, expires in Screening.objects.filter(staff_id__in=list(memberships)).values_list(
            "staff_id", "kind", "completed_on", "expires_on"):
        screenings.setdefault(staff_id, []).append(Credential(kind, completed, expires))
    trainings: dict[int, list[Credential]] = {}
    for staff_id, course, completed, expires in Training.objects.filter(staff_id__in=list(memberships)).values_list(
            "staff_id", "course", "completed_on", "expires_on"):
        trainings.setdefault(staff_id, []).append(Credential(course, completed, expires))
    return [Person(pk, active, frozenset(split_codes(roles)), frozenset(memberships[pk]),
                   frozenset(split_codes(citizenships)), tuple(screenings.get(pk, ())), tuple(trainings.get(pk, ())))
            for pk, active, roles, citizenships in rows]


def requirements_of(cloud_ids: Iterable[int]) -> list[Requirement]:
    return [Requirement(pk, cloud_id, role, minimum, frozenset(split_codes(citizenships)),
                        frozenset(split_codes(screenings)), frozenset(split_codes(trainings)))
            for pk, cloud_id, role, minimum, citizenships, screenings, trainings in
            StaffingRequirement.objects.filter(cloud_id__in=list(cloud_ids)).order_by("cloud_id", "role")
            .values_list("pk", "cloud_id", "role", "minimum", "allowed_citizenships", "screenings", "trainings")]
