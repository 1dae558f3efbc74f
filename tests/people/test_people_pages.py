"""The people pages through the real views: coverage, roster and renewals of the clouds a user may see,
names only for those who may see them (people.access.named_staff), a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.models import Screening, StaffingRequirement, StaffMember, Training

# Distinctive strings: a name or external id that must never reach a page whose reader may not see it.
PARTNER_A_NAMES = (b"Ada Lovelace", b"PA-0001", b"Ben Secretname", b"PA-0002")
PROVIDER_NAMES = (b"Cy Quietname", b"PROV-77")
PARTNER_B_NAMES = (b"Dee Hiddenname", b"PB-0009")
EVERY_NAME = PARTNER_A_NAMES + PROVIDER_NAMES + PARTNER_B_NAMES


def hire(name, *, employer, clouds, external_id="", roles="support_engineer", citizenships="FR",
         screenings=(("cloud_background_check", 100),), trained=True):
    """`screenings`: (type, completed so many days ago); each lasts the default 730 days."""
    today = timezone.localdate()
    person = StaffMember.objects.create(full_name=name, employer=employer, roles=roles, citizenships=citizenships,
                                        external_id=external_id)
    person.clouds.set(clouds)
    for kind, days_ago in screenings:
        Screening.objects.create(staff=person, kind=kind, completed_on=today - dt.timedelta(days=days_ago))
    if trained:
        Training.objects.create(staff=person, course="sovereign-boundary", completed_on=today - dt.timedelta(days=50))
    return person


@pytest.fixture
def staffed(world):
    return staff_cloud_a(world)


def staff_cloud_a(world):
    """Cloud A: support engineers (3 needed, French, screened and trained) and a duty manager (1, screened).

    Ada and Ben (partner A) count; Ben's screening lapses in 30 days, which leaves support short before a
    renewal could complete (critical). Cy (the provider) counts in both roles; his lapses in 80 days (due,
    not critical). Dee (partner B, German) serves clouds A and B and counts nowhere; her national clearance
    lapses in 10 days (due, not critical). Day 1 is in 40 days.
    """
    today = timezone.localdate()
    world.cloud_a.day1_date = today + dt.timedelta(days=40)
    world.cloud_a.save()
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=3,
                                       allowed_citizenships="FR", screenings="cloud_background_check",
                                       trainings="sovereign-boundary")
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="duty_manager", minimum=1,
                                       screenings="cloud_background_check")
    hire("Ada Lovelace", employer=world.partner_a, clouds=[world.cloud_a], external_id="PA-0001")
    hire("Ben Secretname", employer=world.partner_a, clouds=[world.cloud_a], external_id="PA-0002",
         screenings=(("cloud_background_check", 700),))
    hire("Cy Quietname", employer=None, clouds=[world.cloud_a], external_id="PROV-77",
         roles="support_engineer,duty_manager", screenings=(("cloud_background_check", 650),))
    hire("Dee Hiddenname", employer=world.partner_b, clouds=[world.cloud_a, world.cloud_b], external_id="PB-0009",
         citizenships="DE", screenings=(("cloud_background_check", 100), ("national_clearance", 720)))
    return world


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


CLOUD_A = "/clouds/cloud-a/people/"
RENEWALS = "/people/renewals/"

# role -> (names on cloud A's page, names on the renewals page); None: the cloud page answers 404.
SEES = {
    "admin": (EVERY_NAME, EVERY_NAME),
    "pm_assigned": (EVERY_NAME, EVERY_NAME),  # program manager of cloud A, where all four serve
    "pm_unassigned": ((), ()),
    "executive": ((), ()),
    "partner_user": (PARTNER_A_NAMES, PARTNER_A_NAMES),
    "other_partner_user": (None, PARTNER_B_NAMES),  # cloud A is not theirs; Dee's renewal shows under cloud B
}


@pytest.mark.parametrize("role", sorted(SEES))
def test_each_role_sees_the_pages_with_exactly_the_names_it_may_see(client, staffed, role):
    on_cloud, on_renewals = SEES[role]
    cloud_page = page(client, getattr(staffed, role), CLOUD_A)
    if on_cloud is None:
        assert cloud_page.status_code == 404
    else:
        assert cloud_page.status_code == 200
        assert b"Support engineer" in cloud_page.content and b"Duty manager" in cloud_page.content
        for text in EVERY_NAME:
            assert (text in cloud_page.content) == (text in on_cloud), (role, text)
    renewals_page = client.get(RENEWALS)
    assert renewals_page.status_code == 200
    for text in (b"Ben Secretname", b"Cy Quietname", b"Dee Hiddenname"):  # those with a renewal due
        assert (text in renewals_page.content) == (text in on_renewals), (role, text)
    assert b"Ada Lovelace" not in renewals_page.content  # nothing of hers is due
    for text in (b"PA-0001", b"PA-0002", b"PROV-77", b"PB-0009"):
        assert text not in renewals_page.content  # the renewals list never shows external ids


def test_a_signed_in_user_without_a_role_sees_no_cloud(client, staffed):
    assert page(client, staffed.no_role, CLOUD_A).status_code == 404
    response = client.get(RENEWALS)
    assert response.status_code == 200 and not response.context["rows"]
    assert not any(text in response.content for text in EVERY_NAME)


def test_anonymous_users_are_sent_to_sign_in(client, staffed):
    for url in (CLOUD_A, RENEWALS):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_cloud_outside_scope_answers_like_an_unknown_one(client, staffed):
    client.force_login(staffed.partner_user)
    hidden = client.get("/clouds/cloud-b/people/")
    unknown = client.get("/clouds/no-such-cloud/people/")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content


def test_coverage_today_the_first_shortfall_and_a_chart_per_requirement(client, staffed):
    response = page(client, staffed.executive, CLOUD_A)
    today = timezone.localdate()
    assert [entry["row"].role for entry in response.context["requirements"]] == ["support_engineer", "duty_manager"]
    rows = {entry["row"].role: entry["row"] for entry in response.context["requirements"]}
    support, duty = rows["support_engineer"], rows["duty_manager"]
    assert (support.eligible_today, support.minimum, support.met_today) == (3, 3, True)  # Ada, Ben, Cy
    assert support.first_shortfall == today + dt.timedelta(days=30)  # Ben's screening lapses
    assert (duty.eligible_today, duty.first_shortfall) == (1, today + dt.timedelta(days=80))
    charts = {entry["row"].role: entry["chart"] for entry in response.context["requirements"]}
    figure = charts["support_engineer"]["figure"]
    assert figure["data"][0]["line"]["shape"] == "hv" and len(figure["data"][0]["y"]) == 181
    assert figure["layout"]["shapes"][0]["x0"] == (today + dt.timedelta(days=40)).isoformat()  # Day 1
    body = response.content.decode()
    assert 'id="figure-coverage-support_engineer" type="application/json"' in body
    assert "<script>" not in body  # data only: the drawing script is a static file (strict CSP)
    assert "js/dashboards.js" in body and "vendor/plotly.min.js" in body


def test_executives_get_the_roster_in_counts(client, staffed):
    response = page(client, staffed.executive, CLOUD_A)
    assert response.context["roster"] == [] and response.context["hidden_count"] == 4
    counts = {count.role: count for count in response.context["hidden_counts"]}
    support = counts["support_engineer"]
    assert (support.headcount, support.active, support.counted_today) == (4, 4, 3)
    assert dict(support.by_employer) == {"Partner A": 2, "Partner B": 1, "Cloud provider": 1}
    assert (counts["duty_manager"].headcount, counts["duty_manager"].counted_today) == (1, 1)
    assert (response.context["hidden_due"], response.context["hidden_critical"]) == (3, 1)
    assert b"1 person (Partner A)" in response.content


def test_a_partner_sees_its_own_staff_by_name_and_the_others_in_counts(client, staffed):
    response = page(client, staffed.partner_user, CLOUD_A)
    roster = response.context["roster"]
    assert [row.name for row in roster] == ["Ada Lovelace", "Ben Secretname"]
    ben = roster[1]
    assert ben.counts_for == ("Support engineer",) and ben.employer == "Partner A"
    assert [(row.label, row.state) for row in ben.screenings] == [("Cloud background check", "expires_soon")]
    assert [(row.label, row.state) for row in ben.trainings] == [("sovereign-boundary", "valid")]
    lapses = timezone.localdate() + dt.timedelta(days=30)  # Ben's screening: written out as the filter date would
    assert (f'Cloud background check <span class="tag cred-expires_soon">Expires soon</span> <span class="small muted">'
            f'expires <time datetime="{lapses:%Y-%m-%d}">{date_filter(lapses, "j M Y")}</time></span>').encode() \
        in response.content
    assert b'sovereign-boundary <span class="tag cred-valid">Valid</span> <span class="small muted">no expiry</span>' \
        in response.content
    assert response.context["hidden_count"] == 2  # Cy (provider) and Dee (partner B)
    assert b"Cloud provider" in response.content


def test_renewals_are_critical_first_then_by_expiry(client, staffed):
    response = page(client, staffed.admin, RENEWALS)
    today = timezone.localdate()
    rows = [(row.cloud_slug, row.name, row.screening, (row.expires_on - today).days, row.critical)
            for row in response.context["rows"]]
    assert rows == [
        ("cloud-a", "Ben Secretname", "Cloud background check", 30, True),
        ("cloud-a", "Dee Hiddenname", "National security clearance", 10, False),
        ("cloud-b", "Dee Hiddenname", "National security clearance", 10, False),  # she serves both
        ("cloud-a", "Cy Quietname", "Cloud background check", 80, False),
    ]
    assert (response.context["total"], response.context["critical"]) == (4, 1)
    on_cloud = page(client, staffed.admin, CLOUD_A).context["renewals"]
    assert [row.name for row in on_cloud] == ["Ben Secretname", "Dee Hiddenname", "Cy Quietname"]


def test_renewals_without_names_are_counts_per_employer(client, staffed):
    response = page(client, staffed.executive, RENEWALS)
    rows = [(row.cloud_slug, row.name, row.people, row.employer, row.critical) for row in response.context["rows"]]
    assert rows == [("cloud-a", "", 1, "Partner A", True), ("cloud-a", "", 1, "Partner B", False),
                    ("cloud-b", "", 1, "Partner B", False), ("cloud-a", "", 1, "Cloud provider", False)]
    assert b"1 person (Cloud provider)" in response.content


def test_the_pages_are_linked_from_the_nav_the_checklist_and_the_dashboard(client, staffed):
    client.force_login(staffed.pm_assigned)
    assert b'href="/people/renewals/"' in client.get("/").content
    assert f'href="{CLOUD_A}"'.encode() in client.get("/clouds/cloud-a/").content
    assert f'href="{CLOUD_A}"'.encode() in client.get("/dashboards/cloud-a/").content


def test_a_cloud_with_nobody_and_no_requirement_renders(client, world):
    response = page(client, world.admin, "/clouds/cloud-b/people/")
    assert response.status_code == 200
    assert b"No staffing requirement is defined" in response.content and b"Nobody serves this cloud" in response.content
    assert b"plotly.min.js" not in response.content


def add_people(world, count, start):
    for n in range(start, start + count):
        person = hire(f"Person {n:03d}", employer=world.partner_a if n % 2 else None, clouds=[world.cloud_a],
                      external_id=f"EXT-{n:03d}", roles="support_engineer,duty_manager",
                      screenings=(("cloud_background_check", 100 + n), ("national_clearance", 650 + n)))
        Training.objects.create(staff=person, course="incident-basics", completed_on=timezone.localdate(),
                                expires_on=timezone.localdate() + dt.timedelta(days=365))


def count_queries(client, url):
    client.get(url)  # warm-up: the first request of a session reads and writes the session more
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("viewer", ["pm_assigned", "partner_user", "executive"])
def test_queries_are_the_same_for_5_and_40_people(client, world, viewer):
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=3,
                                       screenings="cloud_background_check", trainings="sovereign-boundary")
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="duty_manager", minimum=1)
    client.force_login(getattr(world, viewer))
    add_people(world, 5, 0)
    small = [count_queries(client, url) for url in (CLOUD_A, RENEWALS)]
    add_people(world, 35, 5)
    large = [count_queries(client, url) for url in (CLOUD_A, RENEWALS)]
    assert [n for n, _ in small] == [n for n, _ in large]
    assert small[0][0] > 5  # the page's reads were measured
    cloud_page = large[0][1]
    assert cloud_page.context["headcount"] == 40
    assert len(cloud_page.context["roster"]) == {"pm_assigned": 40, "partner_user": 20, "executive": 0}[viewer]


def test_writers_reach_the_forms_from_the_people_page_and_readers_do_not(client, world):
    from people.models import StaffMember

    person = StaffMember.objects.create(full_name="Linked Person", employer=world.partner_a, roles="support_engineer")
    person.clouds.set([world.cloud_a])
    client.force_login(world.partner_user)
    body = client.get("/clouds/cloud-a/people/").content.decode()
    assert f'href="/people/staff/{person.pk}/edit/"' in body
    assert 'href="/people/staff/new/"' in body and 'href="/people/import/"' in body
    client.force_login(world.executive)
    body = client.get("/clouds/cloud-a/people/").content.decode()
    assert "/people/staff/new/" not in body and "/edit/" not in body
