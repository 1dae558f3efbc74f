"""The demo rosters: every demo cloud is staffed under its own rules, Switzerland's coverage falls short
exactly three weeks before its Day 1, renewals fall due (two of them critical), the automatic checklist
items follow the rosters, and seeding again creates nothing."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from clouds.models import Cloud
from people.coverage import forecast, renewals, staffing_check
from people.demo import ROSTERS, seed_rosters
from people.models import Screening, StaffingRequirement, StaffMember, Training, split_codes
from people.queries import people_of, requirements_of
from people.services import STAFFING_CHECK
from readiness import demo as readiness_demo
from readiness.choices import ChangeSource, ItemStatus
from readiness.models import ChecklistItem

ROLES = {"support_engineer", "escalation_engineer", "incident_manager", "duty_manager"}
EU = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
      "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def coverage_of(cloud, today):
    people, requirements = people_of([cloud.pk]), requirements_of([cloud.pk])
    forecasts = {req.id: forecast(people, req, today, django_settings.COVERAGE_HORIZON_DAYS) for req in requirements}
    return people, requirements, forecasts


def counts():
    return {model.__name__: model.objects.count() for model in (StaffMember, Screening, Training,
                                                                 StaffingRequirement, StaffMember.clouds.through)}


def test_people_register_their_rosters_with_the_readiness_demo():
    assert seed_rosters in readiness_demo._extensions


def test_every_demo_cloud_has_its_four_requirements_and_staff_of_the_allowed_citizenships(seeded):
    allowed_by_cloud = {"france": EU, "germany": EU, "netherlands": EU, "singapore": {"SG"},
                        "us-government": {"US"}, "switzerland": {"CH"}}
    nationals_only = {"france": "FR", "germany": "DE", "netherlands": "NL"}  # their duty managers
    assert {roster.cloud for roster in ROSTERS} == set(Cloud.objects.values_list("slug", flat=True))
    for cloud in Cloud.objects.all():
        requirements = {req.role: req for req in StaffingRequirement.objects.filter(cloud=cloud)}
        assert set(requirements) == ROLES, cloud.slug
        for req in requirements.values():
            allowed = set(split_codes(req.allowed_citizenships))
            assert allowed <= allowed_by_cloud[cloud.slug] and req.minimum >= 2 and req.screenings, (cloud, req)
            assert "sovereign-boundary" in split_codes(req.trainings)
        if cloud.slug in nationals_only:
            assert requirements["duty_manager"].allowed_citizenships == nationals_only[cloud.slug]
        staff = list(cloud.staff.all())
        assert len(staff) >= sum(req.minimum for req in requirements.values()), cloud.slug
        for person in staff:
            for role in person.role_list:
                allowed = set(split_codes(requirements[role].allowed_citizenships))
                assert set(person.citizenship_list) & allowed, (cloud.slug, person, person.citizenships)
    us = StaffingRequirement.objects.filter(cloud__slug="us-government")
    assert set(us.values_list("screenings", flat=True)) == {"public_trust", "national_clearance"}
    assert set(us.values_list("allowed_citizenships", flat=True)) == {"US"}


def test_switzerland_falls_short_three_weeks_before_day1_because_screenings_lapse(seeded):
    today = timezone.localdate()
    switzerland = Cloud.objects.get(slug="switzerland")
    _, _, forecasts = coverage_of(switzerland, today)
    first = min(f.first_shortfall for f in forecasts.values() if f.first_shortfall is not None)
    assert first == switzerland.day1_date - dt.timedelta(days=21)
    assert Screening.objects.filter(staff__clouds=switzerland, expires_on=first).count() == 2
    assert all(forecast.counts[0] >= forecast.minimum for forecast in forecasts.values())  # met today


def test_launched_clouds_hold_coverage_through_the_horizon(seeded):
    today = timezone.localdate()
    for cloud in Cloud.objects.filter(slug__in=["france", "germany", "singapore", "us-government"]):
        _, _, forecasts = coverage_of(cloud, today)
        assert all(f.met_throughout for f in forecasts.values()), cloud.slug


def test_renewals_fall_due_and_two_are_critical(seeded):
    today = timezone.localdate()
    due = {}
    for cloud in Cloud.objects.all():
        people, requirements, forecasts = coverage_of(cloud, today)
        due[cloud.slug] = renewals(people, requirements, today,
                                   due_within_days=django_settings.SCREENING_RENEWAL_DUE_DAYS,
                                   renewal_takes_days=django_settings.SCREENING_RENEWAL_TAKES_DAYS,
                                   horizon_days=django_settings.COVERAGE_HORIZON_DAYS, forecasts=forecasts)
    assert sum(len(found) for found in due.values()) >= 10
    assert all(due[slug] for slug in ("france", "germany", "singapore", "us-government"))
    critical = [(slug, renewal.screening) for slug, found in due.items() for renewal in found if renewal.critical]
    assert critical == [("switzerland", "cloud_background_check")] * 2


def test_the_automatic_items_follow_the_rosters(seeded):
    today = timezone.localdate()
    items = ChecklistItem.objects.active().filter(requirement__auto_check=STAFFING_CHECK).select_related(
        "checklist__cloud", "requirement")
    assert items.count() == 2 * Cloud.objects.count()
    statuses = {}
    for item in items:
        cloud = item.checklist.cloud
        people, requirements, _ = coverage_of(cloud, today)
        expected = staffing_check(people, requirements, split_codes(item.requirement.check_roles), today,
                                  django_settings.COVERAGE_HORIZON_DAYS)
        assert (item.status, item.notes) == (expected.status, expected.note)
        assert item.history.latest().change_source == ChangeSource.JOB
        statuses[cloud.slug, item.requirement.code] = item.status
    assert statuses["switzerland", "PPL-01"] == ItemStatus.IN_PROGRESS
    assert statuses["netherlands", "PPL-01"] == ItemStatus.BLOCKED  # a support engineer's screening is pending
    assert {status for (slug, _), status in statuses.items()
            if slug not in ("switzerland", "netherlands")} == {ItemStatus.DONE}


def test_seeding_again_creates_nothing(seeded, capsys):
    before = counts()
    versions = sorted(ChecklistItem.objects.values_list("pk", "version"))
    capsys.readouterr()
    call_command("seed_demo")
    assert "nothing changed" in capsys.readouterr().out
    assert counts() == before and sorted(ChecklistItem.objects.values_list("pk", "version")) == versions
    assert before["StaffMember"] > 100 and before["StaffingRequirement"] == 24


def test_an_edited_roster_is_kept_and_a_deleted_cloud_gets_its_roster_back(seeded):
    france = Cloud.objects.get(slug="france")
    leaver = france.staff.filter(roles="support_engineer").first()
    leaver.clouds.remove(france)
    StaffingRequirement.objects.filter(cloud=france, role="support_engineer").update(minimum=9)
    germany_staff = set(Cloud.objects.get(slug="germany").staff.values_list("pk", flat=True))
    Cloud.objects.get(slug="germany").delete()
    call_command("seed_demo", verbosity=0)
    assert not france.staff.filter(pk=leaver.pk).exists()
    assert StaffingRequirement.objects.get(cloud=france, role="support_engineer").minimum == 9
    germany = Cloud.objects.get(slug="germany")
    assert set(germany.staff.values_list("pk", flat=True)) == germany_staff  # the same people, linked again
    assert StaffingRequirement.objects.filter(cloud=germany).count() == 4


def test_the_rosters_are_the_same_on_every_run(db, settings):
    settings.DEBUG = True
    today = dt.date(2026, 3, 2)
    readiness_demo.seed_demo(today=today)
    first = sorted(StaffMember.objects.values_list("external_id", "full_name", "citizenships", "roles"))
    screenings = sorted(Screening.objects.values_list("staff__external_id", "kind", "completed_on", "expires_on"))
    StaffMember.objects.all().delete()
    StaffingRequirement.objects.all().delete()
    readiness_demo.seed_demo(today=today)
    assert sorted(StaffMember.objects.values_list("external_id", "full_name", "citizenships", "roles")) == first
    assert sorted(Screening.objects.values_list("staff__external_id", "kind", "completed_on", "expires_on")) == \
        screenings
    assert len({name for _, name, _, _ in first}) == len(first)  # distinct names
