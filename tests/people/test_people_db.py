"""The database read of people gives coverage the same facts the records say; screenings default to two years;
names are visible only to the employing partner, administrators and the clouds' program managers."""

import datetime as dt

from people.access import named_staff
from people.coverage import coverage, forecast
from people.models import Screening, StaffingRequirement, StaffMember, Training
from people.queries import people_of, requirements_of
from tests.builders import make_cloud

TODAY = dt.date(2026, 6, 15)


def hire(world, name, *, employer=None, clouds=(), roles="support_engineer", citizenships="FR", screened=True,
         trained=True, screened_on=dt.date(2026, 1, 1)):
    person = StaffMember.objects.create(full_name=name, employer=employer, roles=roles, citizenships=citizenships)
    person.clouds.set(clouds)
    if screened:
        Screening.objects.create(staff=person, kind="cloud_background_check", completed_on=screened_on)
    if trained:
        Training.objects.create(staff=person, course="sovereign-boundary", completed_on=dt.date(2026, 2, 1))
    return person


def test_a_screening_lasts_730_days_unless_its_record_says_otherwise(world):
    person = hire(world, "Ada", clouds=[world.cloud_a])
    assert person.screenings.get().expires_on == dt.date(2026, 1, 1) + dt.timedelta(days=730)


def test_coverage_from_the_database(world, django_assert_max_num_queries):
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=2,
                                       allowed_citizenships="FR,DE", screenings="cloud_background_check",
                                       trainings="sovereign-boundary")
    hire(world, "Ada", employer=world.partner_a, clouds=[world.cloud_a])
    hire(world, "Ben", employer=world.partner_a, clouds=[world.cloud_a], screened_on=dt.date(2024, 7, 1))
    hire(world, "Cy", employer=world.partner_a, clouds=[world.cloud_a], citizenships="US")
    hire(world, "Di", employer=world.partner_b, clouds=[world.cloud_b])
    with django_assert_max_num_queries(5):
        people, requirements = people_of([world.cloud_a.pk]), requirements_of([world.cloud_a.pk])
    (requirement,) = requirements
    assert coverage(people, requirement, TODAY).eligible == 2  # Ada and Ben (Cy: US citizen; Di: another cloud)
    # Ben's screening (1 Jul 2024 + 730 days) lapses on 1 Jul 2026: short from then on.
    assert forecast(people, requirement, TODAY, 180).first_shortfall == dt.date(2026, 7, 1)


def test_queries_do_not_grow_with_the_number_of_clouds(world, django_assert_num_queries):
    clouds = [make_cloud(f"many-{n}") for n in range(5)]
    for n, cloud in enumerate(clouds):
        hire(world, f"P{n}", clouds=[cloud])
        StaffingRequirement.objects.create(cloud=cloud, role="duty_manager", minimum=1)
    with django_assert_num_queries(5):
        people_of([c.pk for c in clouds])
        requirements_of([c.pk for c in clouds])
    with django_assert_num_queries(5):
        people_of([clouds[0].pk])
        requirements_of([clouds[0].pk])


def test_names_are_visible_to_the_employer_admins_and_the_clouds_program_managers_only(world):
    ada = hire(world, "Ada", employer=world.partner_a, clouds=[world.cloud_a])
    di = hire(world, "Di", employer=world.partner_b, clouds=[world.cloud_b])
    assert set(named_staff(world.partner_user)) == {ada}
    assert set(named_staff(world.other_partner_user)) == {di}
    assert set(named_staff(world.admin)) == {ada, di}
    assert set(named_staff(world.pm_assigned)) == {ada}  # program manager of cloud A only
    assert set(named_staff(world.pm_unassigned)) == set()
    assert set(named_staff(world.executive)) == set()
