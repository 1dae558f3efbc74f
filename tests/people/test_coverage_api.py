"""GET /api/v1/clouds/{slug}/coverage/: counts for the clouds a caller may see, never names."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from people.models import Screening, StaffingRequirement, StaffMember, Training
from tests.api.conftest import make_key


def staff_cloud_a(world):
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=2,
                                       allowed_citizenships="FR", screenings="cloud_background_check",
                                       trainings="sovereign-boundary")
    today = timezone.localdate()
    for name, screened_days_ago in (("Ada Lovelace", 100), ("Ben Secretname", 700)):
        person = StaffMember.objects.create(full_name=name, employer=world.partner_a, roles="support_engineer",
                                            citizenships="FR")
        person.clouds.set([world.cloud_a])
        Screening.objects.create(staff=person, kind="cloud_background_check",
                                 completed_on=today - dt.timedelta(days=screened_days_ago))
        Training.objects.create(staff=person, course="sovereign-boundary", completed_on=today - dt.timedelta(days=50))


def test_a_partner_tool_reads_its_clouds_coverage_in_counts(world):
    staff_cloud_a(world)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'coverage')}")
    response = client.get("/api/v1/clouds/cloud-a/coverage/")
    assert response.status_code == 200
    body = response.json()
    (requirement,) = body["requirements"]
    assert (requirement["eligible_today"], requirement["minimum"], requirement["met_today"]) == (2, 2, True)
    today = timezone.localdate()
    assert requirement["first_shortfall"] == (today + dt.timedelta(days=30)).isoformat()  # Ben's lapses in 30 days
    assert len(requirement["eligible_by_day"]) == body["horizon_days"] + 1
    assert body["renewals_due"] == 1 and body["critical_renewals"] == 1
    assert b"Ada" not in response.content and b"Secretname" not in response.content


def test_another_partners_cloud_answers_like_an_unknown_one(world):
    staff_cloud_a(world)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_b, 'coverage')}")
    hidden = client.get("/api/v1/clouds/cloud-a/coverage/")
    unknown = client.get("/api/v1/clouds/no-such-cloud/coverage/")
    assert hidden.status_code == unknown.status_code == 404 and hidden.json() == unknown.json()


def test_executives_see_counts_but_no_names(world):
    staff_cloud_a(world)
    client = Client()
    client.force_login(world.executive)
    response = client.get("/api/v1/clouds/cloud-a/coverage/")
    assert response.status_code == 200 and b"Ada" not in response.content


def test_unknown_parameters_are_refused(world):
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'coverage')}")
    response = client.get("/api/v1/clouds/cloud-a/coverage/?names=yes")
    assert response.status_code == 400 and "names" in response.json()["fields"]
