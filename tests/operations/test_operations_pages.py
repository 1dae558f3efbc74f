"""The operations pages through the real views: who sees which clouds, health tiles beside readiness levels,
the heatmap's cells, a cloud's key metrics and breaches, launches aligned on Day 1, the strict `metric`
parameter, and a fixed number of queries whatever the number of clouds or days."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clouds.choices import LifecycleStage
from operations.catalog_file import load_catalog_file
from operations.models import MetricDefinition, MetricTarget, MetricValue
from readiness.choices import SnapshotScope
from readiness.models import ScoreSnapshot
from tests.builders import make_cloud

KEY_METRICS = 8  # in operations/metrics/support-metrics-v1.yaml


def today():
    return timezone.localdate()


def ago(days):
    return today() - dt.timedelta(days=days)


@pytest.fixture
def catalog(db):
    load_catalog_file()
    return {metric.code: metric for metric in MetricDefinition.objects.all()}


def report(cloud, metric, values):
    """values: {days ago: value}."""
    MetricValue.objects.bulk_create([MetricValue(cloud=cloud, metric=metric, day=ago(n), value=Decimal(str(v)))
                                     for n, v in values.items()])


def healthy_week(cloud, catalog, days=7):
    good = {"backlog": 120, "initial_response_sla_met": 97, "resolution_time_p90": 40, "csat_average": "4.6",
            "sev1_incidents": 0, "time_to_mitigate_p50": 30, "cases_handled_in_country": 100,
            "data_residency_exceptions": 0}
    for code, value in good.items():
        report(cloud, catalog[code], {n: value for n in range(days)})


@pytest.fixture
def ops(world, catalog):
    """Cloud A: the initial-response SLA breached on the last 3 days (critical); cloud B: healthy."""
    healthy_week(world.cloud_b, catalog)
    report(world.cloud_a, catalog["initial_response_sla_met"], {0: 80, 1: 81, 2: "82.5", 3: 94, 4: 96})
    return world


def figure(response, script_id):
    body = response.content.decode()
    marker = f'<script id="{script_id}" type="application/json">'
    start = body.index(marker) + len(marker)
    return json.loads(body[start:body.index("</script>", start)])


def test_the_portfolio_shows_a_health_tile_per_visible_cloud_beside_its_readiness_level(client, ops, settings):
    settings.REDIS_URL = None  # in-process mode: scores are computed on read (no worker in this test)
    client.force_login(ops.executive)
    response = client.get("/operations/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="tile ') == 2
    assert '<span class="health health-critical">Critical</span>' in body
    assert "Initial-response SLA met breached its target on 3 days of the last 7" in body
    assert '<span class="health health-healthy">Healthy</span>' in body
    assert body.count('<span class="level level-not_ready">Not ready</span>') == 2  # as the dashboards say it
    assert 'href="/operations/clouds/cloud-a/"' in body and 'href="/operations/launches/"' in body


def test_partner_users_see_only_their_own_clouds(client, ops):
    client.force_login(ops.partner_user)
    response = client.get("/operations/")
    body = response.content.decode()
    assert "Cloud A" in body and "Cloud B" not in body
    assert figure(response, "figure-heatmap")["data"][0]["y"] == ["Cloud A"]
    client.force_login(ops.no_role)
    assert "No clouds to show." in client.get("/operations/").content.decode()


def test_the_heatmap_shows_the_worst_key_metric_state_per_cloud_and_day(client, ops, catalog):
    report(ops.cloud_a, catalog["backlog"], {3: 150, 5: 500})  # day 5: backlog breached, SLA not reported
    client.force_login(ops.admin)
    heat = figure(client.get("/operations/"), "figure-heatmap")["data"][0]
    assert heat["y"] == ["Cloud A", "Cloud B"] and len(heat["x"]) == 14 and heat["x"][-1] == today().isoformat()
    # columns are the 14 days ending today: index 13 - n is n days ago; 0 no data, 1 met, 2 watch, 3 breached
    cloud_a = {13 - index: z for index, z in enumerate(heat["z"][0])}
    assert (cloud_a[0], cloud_a[2], cloud_a[3], cloud_a[4], cloud_a[5], cloud_a[6]) == (3, 3, 2, 1, 3, 0)
    assert heat["z"][1] == [0] * 7 + [1] * 7
    assert "Breached: Backlog" in heat["text"][0][13 - 5] and "1 of 8 key metrics" in heat["text"][0][13 - 5]


def test_a_cloud_override_target_is_the_one_judged(client, ops, catalog):
    MetricTarget.objects.create(cloud=ops.cloud_a, metric=catalog["initial_response_sla_met"], target=80)
    client.force_login(ops.admin)
    body = client.get("/operations/").content.decode()
    assert "Every key metric met its target in the last 7 days." in body
    assert '<span class="health health-critical">' not in body


def test_the_cloud_page_draws_each_key_metric_against_its_target_with_day1_and_hypercare(client, ops, catalog):
    ops.cloud_a.day1_date = ago(20)
    ops.cloud_a.stage = LifecycleStage.LAUNCHED
    ops.cloud_a.save()
    client.force_login(ops.partner_user)
    response = client.get("/operations/clouds/cloud-a/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="chart"') == KEY_METRICS
    sla = figure(response, "figure-metric-initial_response_sla_met")
    values = next(t for t in sla["data"] if t["name"] == "Value")
    assert len(values["x"]) == 90 and values["x"][-1] == today().isoformat() and values["y"][-1] == 80
    assert values["y"][-3] == 82.5 and values["y"][-6] is None
    assert next(t for t in sla["data"] if t["name"] == "Target (95)")["y"] == [95, 95]
    assert any(t["name"].startswith("Watch band") for t in sla["data"])
    assert next(t for t in sla["data"] if t["name"] == "Breached")["x"] == [ago(n).isoformat() for n in (2, 1, 0)]
    rect, line = sla["layout"]["shapes"]
    assert (rect["x0"], rect["x1"]) == (ago(20).isoformat(), today().isoformat())
    assert line["x0"] == ago(20).isoformat()
    assert '<span class="health health-critical">Critical</span>' in body


def test_the_breaches_table_lists_the_last_90_days_newest_first(client, ops, catalog):
    report(ops.cloud_a, catalog["resolution_time_p50"], {1: 30, 89: 50, 90: 60})  # not key, has a target
    client.force_login(ops.admin)
    body = client.get("/operations/clouds/cloud-a/").content.decode()
    table = body[body.index('<table class="items breaches">'):body.index("</table>", body.index("breaches"))]
    rows = [row for row in table.split("<tr>")[2:]]
    assert len(rows) == 5  # SLA on days 0-2, p50 on days 1 and 89; day 90 is outside
    days = [row.split('datetime="')[1][:10] for row in rows]
    assert days == sorted(days, reverse=True) and days[-1] == ago(89).isoformat()
    assert "Initial-response SLA met" in rows[0] and "<td data-label=\"Value\">80 %</td>" in rows[0]
    assert "<td data-label=\"Target\">95 %</td>" in rows[0]
    assert "82.5 %" in body and "Resolution time p50" in rows[-1] and "60 hours" not in body


def test_other_clouds_answer_exactly_like_unknown_ones(client, ops):
    client.force_login(ops.partner_user)
    hidden = client.get("/operations/clouds/cloud-b/")
    unknown = client.get("/operations/clouds/no-such-cloud/")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content


def snapshot(cloud, day, score, level="at_risk"):
    ScoreSnapshot.objects.create(cloud=cloud, scope=SnapshotScope.OVERALL, day=day, score=Decimal(score), level=level,
                                 computed_at=timezone.now())


def test_launches_align_readiness_before_and_the_metric_after_on_days_from_day1(client, ops, catalog):
    day1 = ago(40)
    ops.cloud_a.day1_date = day1
    ops.cloud_a.stage = LifecycleStage.LAUNCHED
    ops.cloud_a.save()
    for offset, score in ((-61, "10.0"), (-60, "40.0"), (-10, "85.0"), (-1, "92.5"), (1, "99.0")):
        snapshot(ops.cloud_a, day1 + dt.timedelta(days=offset), score, "ready" if offset == -1 else "at_risk")
    MetricValue.objects.bulk_create([
        MetricValue(cloud=ops.cloud_a, metric=catalog["backlog"], day=day1 + dt.timedelta(days=offset), value=value)
        for offset, value in ((-1, 999), (0, 150), (5, 250), (30, 100))])
    client.force_login(ops.partner_user)
    response = client.get("/operations/launches/?metric=backlog")
    assert response.status_code == 200
    readiness = figure(response, "figure-launch-readiness")["data"][0]
    assert (readiness["name"], readiness["x"], readiness["y"]) == ("Cloud A", [-60, -10, -1], [40, 85, 92.5])
    backlog = figure(response, "figure-launch-metric")
    line = backlog["data"][0]
    assert (line["x"], line["y"]) == ([0, 5, 30], [150, 250, 100])
    assert backlog["data"][-1]["name"] == "Default target (200)"
    assert backlog["layout"]["xaxis"]["range"] == [-60, 90]
    body = response.content.decode()
    assert "Cloud B" not in body  # no Day 1, and not partner A's
    assert '<span class="level level-ready">Ready</span> 92.5 <span class="small muted">(T-1)</span>' in body
    assert "<td data-label=\"Met target\">2 of 3 (67%)</td>" in body


def test_launches_default_to_the_initial_response_sla(client, ops):
    ops.cloud_a.day1_date = ago(10)
    ops.cloud_a.save()
    client.force_login(ops.admin)
    response = client.get("/operations/launches/")
    assert response.status_code == 200
    assert '<option value="initial_response_sla_met" selected>' in response.content.decode()
    assert figure(response, "figure-launch-metric")["data"][0]["x"] == [6, 7, 8, 9, 10]


@pytest.mark.parametrize("query", ["metric=nope", "metric=Backlog", "metric=backlog%20", "metric=",
                                   "metric=cases_opened", "metric=backlog&metric=backlog"])
def test_a_metric_that_is_not_exactly_one_key_metric_code_is_refused_naming_the_parameter(client, ops, query):
    client.force_login(ops.admin)
    response = client.get(f"/operations/launches/?{query}")
    assert response.status_code == 400
    assert "metric: give the code of one key metric (backlog, " in response.content.decode()


def test_the_pages_work_before_any_metric_catalogue_is_loaded(client, world):
    client.force_login(world.admin)
    for url in ("/operations/", "/operations/clouds/cloud-a/", "/operations/launches/"):
        assert client.get(url).status_code == 200
    assert "No metric catalogue is loaded yet." in client.get("/operations/clouds/cloud-a/").content.decode()


def test_the_nav_and_the_cloud_dashboard_link_to_operations(client, world):
    client.force_login(world.executive)
    body = client.get("/dashboards/cloud-a/").content.decode()
    assert '<a href="/operations/">Operations</a>' in body
    assert '<a href="/operations/clouds/cloud-a/">Operations</a>' in body


# -- queries ----------------------------------------------------------------------------------------------

def count_queries(client, url):
    client.get(url)  # warm-up: in-process mode computes missing snapshots on the first read
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def fill(clouds, catalog, days):
    rows = []
    for cloud in clouds:
        cloud.day1_date = ago(days // 2)
        cloud.save()
        MetricTarget.objects.create(cloud=cloud, metric=catalog["backlog"], target=150)
        for metric in catalog.values():
            rows += [MetricValue(cloud=cloud, metric=metric, day=ago(n), value=Decimal(n % 7)) for n in range(days)]
        for n in range(days):
            ScoreSnapshot.objects.get_or_create(cloud=cloud, scope=SnapshotScope.OVERALL, day=ago(days // 2 + 1 + n),
                                                defaults={"score": Decimal(50), "level": "not_ready",
                                                          "computed_at": timezone.now()})
    MetricValue.objects.bulk_create(rows)


def test_page_queries_do_not_grow_with_clouds_or_days(client, world, catalog):
    client.force_login(world.admin)
    fill([world.cloud_a, world.cloud_b], catalog, 10)
    small = {url: count_queries(client, url) for url in
             ("/operations/", "/operations/clouds/cloud-a/", "/operations/launches/?metric=backlog")}
    more = [make_cloud(partner=world.partner_a, framework=world.framework) for _ in range(4)]
    MetricValue.objects.all().delete()
    MetricTarget.objects.all().delete()
    fill([world.cloud_a, world.cloud_b, *more], catalog, 40)
    large = {url: count_queries(client, url) for url in small}
    assert small == large
    assert all(count > 3 for count in small.values())
    assert MetricValue.objects.filter(cloud=world.cloud_a).count() == 40 * len(catalog)
