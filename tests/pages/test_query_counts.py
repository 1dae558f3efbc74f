"""Each page costs the same number of queries whatever the number of clouds or items."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clouds.models import ComplianceRegime
from tests.builders import SMALL_FRAMEWORK, make_cloud, make_framework, make_partner


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


def test_checklist_page_queries_do_not_grow_with_items(client, world):
    small_fw = make_framework(SMALL_FRAMEWORK[:2], slug="tiny")
    codes = [(f"TEC-{n:02d}", "technology", f"area-{n % 7}", 1 + n % 5, n % 4 == 0) for n in range(1, 301)]
    large_fw = make_framework(codes, slug="large")
    partner = make_partner("bulk-partner")
    make_cloud("small", partner=partner, framework=small_fw)
    make_cloud("large", partner=partner, framework=large_fw)
    client.force_login(world.executive)
    small = count_queries(client, "/clouds/small/")
    large = count_queries(client, "/clouds/large/")
    assert small == large
    assert small > 3
