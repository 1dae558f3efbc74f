"""Each page costs the same number of queries whatever the number of clouds or items."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clouds.models import ComplianceRegime
from tests.builders import make_cloud, make_framework


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
