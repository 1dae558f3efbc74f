"""Removing a person keeps anonymous counts; their name and external id are erased after the retention
period, from the history too, by the daily job."""

import datetime as dt

from django.utils import timezone

from people.coverage import coverage
from people.models import Screening, StaffingRequirement, StaffMember
from people.privacy import ERASED_NAME, erase_removed_people
from people.queries import people_of, requirements_of


def test_a_removed_person_is_erased_after_the_retention_period_and_still_counted(world, settings):
    settings.PEOPLE_RETENTION_DAYS = 90
    today = timezone.localdate()
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=1)
    person = StaffMember.objects.create(full_name="Erin Forgetme", employer=world.partner_a, roles="support_engineer",
                                        external_id="emp-77")
    person.clouds.set([world.cloud_a])
    Screening.objects.create(staff=person, kind="cloud_background_check", completed_on=today - dt.timedelta(days=10))
    person.active = False
    person.save()
    assert person.inactive_since == today
    assert erase_removed_people(today=today + dt.timedelta(days=89)) == 0
    assert erase_removed_people(today=today + dt.timedelta(days=90)) == 1
    person.refresh_from_db()
    assert (person.full_name, person.external_id, person.citizenships, person.erased_on) == (
        ERASED_NAME, "", "", today + dt.timedelta(days=90))
    assert not StaffMember.history.filter(full_name__contains="Forgetme").exists()
    assert not StaffMember.history.filter(external_id="emp-77").exists()
    assert Screening.objects.filter(staff=person).exists()  # the anonymous record stays
    # Counted as it was: inactive people count for no coverage, the record is still there for history.
    (requirement,) = requirements_of([world.cloud_a.pk])
    assert coverage(people_of([world.cloud_a.pk]), requirement, today).eligible == 0
    assert erase_removed_people(today=today + dt.timedelta(days=200)) == 0  # once


def test_coming_back_before_the_period_stops_the_clock(world):
    today = timezone.localdate()
    person = StaffMember.objects.create(full_name="Kai Back", roles="support_engineer", active=False)
    person.active = True
    person.save()
    assert person.inactive_since is None
    assert erase_removed_people(today=today + dt.timedelta(days=1000)) == 0
