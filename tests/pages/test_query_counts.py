"""Each page costs the same number of queries whatever the number of clouds or items."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clouds.models import ComplianceRegime
from launches.choices import Outcome
from launches.services import ConditionInput, move_day1, record_decision
from readiness.choices import ChangeSource
from tests.builders import make_cloud, make_framework
from tests.launches import conftest as launches_conftest

gated = launches_conftest.gated  # the cast on a framework version with gates (tests/launches)


def count_queries(client, url):
    client.get(url)  # warm-up: in-process mode computes missing snapshots on the first read
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_clouds(count, partner, framework):
    regime = ComplianceRegime.objects.get_or_create(code="iso-27001", defaults={"name": "ISO 27001"})[0]
    for _ in range(count):
        cloud = make_cloud(partner=partner, framework=framework)
        cloud.compliance_regimes.add(regime)


def test_home_page_queries_do_not_grow_with_clouds(client, world):
    client.force_login(world.partner_user)
    add_clouds(5, world.partner_a, world.framework)
    small = count_queries(client, "/")
    add_clouds(45, world.partner_a, world.framework)
    large = count_queries(client, "/")
    assert small == large
    assert small > 3  # the count really measured the page's queries


def framework_of(count, slug):
    codes = [(f"{('PPL', 'PRC', 'TEC')[n % 3]}-{n:03d}", ("people", "process", "technology")[n % 3],
              f"area-{n % 7}", 1 + n % 5, n % 4 == 0) for n in range(1, count + 1)]
    return make_framework(codes, slug=slug)


def test_checklist_page_queries_are_the_same_at_30_and_300_items(client, world):
    from readiness.models import ChecklistItem

    partner = world.partner_a
    small = make_cloud("small", partner=partner, framework=framework_of(30, "thirty"),
                       program_managers=[world.pm_assigned])
    large = make_cloud("large", partner=partner, framework=framework_of(300, "three-hundred"),
                       program_managers=[world.pm_assigned])
    # Owners and partners on every item, so that a missing select_related would show.
    ChecklistItem.objects.filter(checklist__cloud__in=[small, large]).update(
        owner=world.partner_user, accountable_partner=partner)
    client.force_login(world.pm_assigned)
    small_count = count_queries(client, "/clouds/small/")
    large_count = count_queries(client, "/clouds/large/")
    assert small_count == large_count
    assert small_count > 3
    body = client.get("/clouds/large/").content.decode()
    assert body.count("data-edit-url=") == 300  # the editable page was measured


# -- launch governance and waivers ----------------------------------------------

DAY = dt.timedelta(days=1)
_decision_numbers = itertools.count(1)


def add_waivers(world, count):
    """`count` more waivers, every relation filled: requested by the cloud's partner staff (so a partner is
    recorded), every other one approved by an administrator."""
    from readiness.models import ChecklistItem, Waiver
    from readiness.waivers import decide_waiver, request_waiver

    free = (ChecklistItem.objects.active().filter(checklist__cloud__partner_links__partner=world.partner_a)
            .exclude(waivers__isnull=False).order_by("pk"))
    made = 0
    while made < count:
        item = free.first()
        if item is None:  # every item has one: another cloud of partner A
            make_cloud(partner=world.partner_a, framework=world.framework, program_managers=[world.pm_assigned])
            continue
        waiver = request_waiver(item=item, reason="Tooling arrives late", compensating_control="Manual checks",
                                expires_on=timezone.localdate() + 30 * DAY, actor=world.partner_user,
                                source=ChangeSource.BROWSER)
        if Waiver.objects.count() % 2:
            decide_waiver(waiver=waiver, approve=True, note="Accepted", actor=world.admin, source=ChangeSource.BROWSER)
        made += 1


@pytest.mark.parametrize("url", ["/waivers/", "/api/v1/waivers/"])
def test_waiver_register_queries_are_the_same_at_2_and_8_waivers(client, world, url):
    client.force_login(world.pm_assigned)
    add_waivers(world, 2)
    small = count_queries(client, url)
    add_waivers(world, 6)
    large = count_queries(client, url)
    from readiness.models import Waiver

    assert Waiver.objects.count() == 8 and Waiver.objects.filter(decided_by__isnull=False).count() == 4
    assert small == large, (url, small, large)
    assert small > 3
    assert listed(client, url, [f"/waivers/{pk}/" for pk in Waiver.objects.values_list("pk", flat=True)]) == 8


def listed(client, url, links):
    """How many of `links` the page shows, or how many rows the API answers."""
    response = client.get(url)
    if url.startswith("/api/"):
        return len(response.json())
    body = response.content.decode()
    return sum(1 for link in links if link in body)


def decide_and_slip(world, cloud, owner, decisions=1):
    """`decisions` go-with-conditions at go-no-go (two conditions each) and one Day-1 slip for `cloud`."""
    for _ in range(decisions):
        record_decision(cloud=cloud, gate_code="go-no-go", outcome=Outcome.GO_WITH_CONDITIONS,
                        decided_by_name="Steering committee", attendees="Anna\nDaan",
                        rationale=f"Ready enough (decision {next(_decision_numbers)}).",
                        conditions=[ConditionInput("Rehearse the Sev-1 bridge", owner.pk, world.today + 5 * DAY),
                                    ConditionInput("Sign the runbook", world.admin.pk, world.today + 9 * DAY)],
                        actor=world.admin)
    move_day1(cloud=cloud, new_day1=cloud.day1_date + 7 * DAY, reason="Vendor slip", actor=world.admin)


def add_gated_clouds(world, count):
    for n in range(count):
        cloud = make_cloud(partner=world.partner_a, framework=world.gated_framework,
                           program_managers=[world.pm_assigned], day1_date=world.today + (10 + 10 * n) * DAY)
        decide_and_slip(world, cloud, world.partner_user)


@pytest.mark.parametrize("url", ["/launches/", "/api/v1/decisions/", "/api/v1/gates/"])
def test_launch_portfolio_queries_are_the_same_at_2_and_8_clouds(client, gated, url):
    decide_and_slip(gated, gated.cloud_a, gated.partner_user)
    decide_and_slip(gated, gated.cloud_b, gated.other_partner_user)
    client.force_login(gated.executive)
    small = count_queries(client, url)
    add_gated_clouds(gated, 6)
    large = count_queries(client, url)
    assert small == large, (url, small, large)
    assert small > 3
    from clouds.models import Cloud

    launch_pages = [f'"/clouds/{slug}/launch/"' for slug in Cloud.objects.values_list("slug", flat=True)]
    assert listed(client, url, launch_pages) == {"/api/v1/gates/": 8 * 3}.get(url, 8)


@pytest.mark.parametrize("url", ["/clouds/cloud-a/launch/", "/clouds/cloud-a/launch.md"])
def test_launch_page_queries_are_the_same_at_1_and_5_decisions(client, gated, url):
    decide_and_slip(gated, gated.cloud_a, gated.partner_user)
    add_waivers(gated, 1)
    client.force_login(gated.pm_assigned)
    small = count_queries(client, url)
    decide_and_slip(gated, gated.cloud_a, gated.partner_user, decisions=4)
    add_waivers(gated, 3)  # cloud A's items first
    large = count_queries(client, url)
    assert small == large, (url, small, large)
    assert small > 3
    from launches.models import Decision

    decisions = Decision.objects.filter(cloud=gated.cloud_a)
    assert decisions.count() == 5
    # The page links each decision; the Markdown export prints each one's rationale.
    marks = [f"/launches/decisions/{decision.pk}/" if url.endswith("/") else f"- Rationale: {decision.rationale}\n"
             for decision in decisions]
    assert len(set(marks)) == 5 and listed(client, url, marks) == 5
