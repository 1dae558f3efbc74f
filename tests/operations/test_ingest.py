"""Metric ingest: the catalogue file, the bulk API (strict, all or nothing, idempotent, scoped)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from operations.catalog_file import CatalogFileError, load_catalog_file, parse_catalog
from operations.models import MetricDefinition, MetricValue
from tests.api.conftest import make_key

TODAY = timezone.localdate


@pytest.fixture
def catalog(db):
    load_catalog_file()


def tool(partner, name="ops") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(partner, name)}")


def bulk(client, values):
    return client.post("/api/v1/metrics/bulk/", json.dumps({"values": values}), content_type="application/json")


def row(day=None, value=97, metric="initial_response_sla_met", cloud="cloud-a"):
    return {"cloud": cloud, "metric": metric, "day": (day or TODAY()).isoformat(), "value": value}


def test_the_default_catalogue_loads_once(catalog):
    assert MetricDefinition.objects.count() == 13
    assert load_catalog_file()[1] is False
    sla = MetricDefinition.objects.get(code="initial_response_sla_met")
    assert (sla.direction, sla.key, sla.maximum, sla.default_target) == ("higher", True, Decimal(100), Decimal(95))


def test_a_bad_catalogue_names_every_problem_with_its_line():
    text = """catalog: {slug: s, name: S, version: 1}
metrics:
  - {code: Backlog, name: B, unit: count, direction: lower}
  - {code: sla, name: SLA, unit: percent, direction: up, maximum: 100, target: 130}
  - {code: sla, name: SLA again, unit: parsecs, direction: higher, colour: red}
"""
    with pytest.raises(CatalogFileError) as refused:
        parse_catalog(text)
    lines = {line for line, _ in refused.value.problems}
    assert lines == {3, 4, 5} and len(refused.value.problems) >= 5


def test_a_partner_reports_its_cloud_and_the_same_rows_twice_change_nothing(world, catalog):
    client = tool(world.partner_a)
    rows = [row(TODAY() - dt.timedelta(days=n), 90 + n) for n in range(5)] + [row(metric="backlog", value=120)]
    first = bulk(client, rows)
    assert first.status_code == 200 and first.json() == {"created": 6, "updated": 0, "unchanged": 0}
    stamps = list(MetricValue.objects.order_by("pk").values_list("updated_at", flat=True))
    again = bulk(client, rows)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 6}
    assert list(MetricValue.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    changed = bulk(client, [row(value=91.5)])
    assert changed.json() == {"created": 0, "updated": 1, "unchanged": 0}
    assert MetricValue.objects.get(day=TODAY(), metric__code="initial_response_sla_met").value == Decimal("91.5")
    assert MetricValue.objects.filter(reported_by="partner-a/ops").count() == 6


@pytest.mark.parametrize(("field", "bad"), [
    ("value", 130), ("value", -1), ("value", "97%"), ("value", 97.12345), ("value", True), ("value", "1e2"),
    ("value", None), ("day", "20261201"), ("day", "2026-02-30"), ("day", "2999-01-01"), ("metric", "SLA"),
    ("metric", "uptime"), ("cloud", "cloud-b"), ("cloud", "nowhere"), ("extra", 1),
])
def test_a_bad_row_rejects_the_whole_request_naming_the_row_and_field(world, catalog, field, bad):
    response = bulk(tool(world.partner_a), [row(), {**row(TODAY() - dt.timedelta(days=1)), field: bad}])
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert error["index"] == 1 and field in error["fields"]
    assert not MetricValue.objects.exists()


def test_counts_are_whole_and_repeated_rows_are_refused(world, catalog):
    fraction = bulk(tool(world.partner_a), [row(metric="backlog", value=12.5)])
    assert "whole numbers" in fraction.json()["errors"][0]["fields"]["value"][0]
    twice = bulk(tool(world.partner_a, "ops2"), [row(), row(value=50)])
    assert twice.json()["errors"][0]["index"] == 1


def test_foreign_clouds_answer_like_unknown_ones(world, catalog):
    client = tool(world.partner_b)
    foreign = bulk(client, [row(cloud="cloud-a")]).json()["errors"][0]["fields"]
    unknown = bulk(client, [row(cloud="no-such")]).json()["errors"][0]["fields"]
    assert foreign == unknown
    bulk(tool(world.partner_a, "a2"), [row()])
    assert client.get("/api/v1/metrics/?cloud=cloud-a").status_code == 404
    assert client.get("/api/v1/metrics/").json()["results"] == []


def test_executives_read_but_do_not_report(world, catalog):
    bulk(tool(world.partner_a), [row()])
    client = Client()
    client.force_login(world.executive)
    assert client.get("/api/v1/metrics/?cloud=cloud-a").json()["results"][0]["value"] == 97
    assert bulk(client, [row()]).status_code == 403


def test_reading_filters_and_pages(world, catalog):
    client = tool(world.partner_a)
    bulk(client, [row(TODAY() - dt.timedelta(days=n)) for n in range(30)])
    since = (TODAY() - dt.timedelta(days=9)).isoformat()
    page = client.get(f"/api/v1/metrics/?cloud=cloud-a&metric=initial_response_sla_met&since={since}&page_size=4")
    body = page.json()
    assert len(body["results"]) == 4 and body["next"]
    seen = len(body["results"])
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += len(body["results"])
    assert seen == 10
    for query in ("since=2026-1-1", "metric=Backlog", "cloud=Cloud-A", "colour=red"):
        assert client.get(f"/api/v1/metrics/?{query}").status_code == 400, query
    assert len(client.get("/api/v1/metrics/definitions/").json()) == 13


def test_size_limit(world, catalog):
    rows = [row(TODAY() - dt.timedelta(days=n % 300), metric=("backlog", "sev1_incidents")[n // 300 % 2])
            for n in range(5001)]
    response = bulk(tool(world.partner_a), rows)
    assert response.status_code in (400, 413)


def test_json_numbers_are_taken_exactly_as_written(world, catalog):
    client = tool(world.partner_a)
    for raw in ("99.99999999999999999", "96.4000000000000001", "4.1000", "1e2"):
        row_text = f'{{"cloud": "cloud-a", "metric": "initial_response_sla_met", "day": "{TODAY()}", "value": {raw}}}'
        body = f'{{"values": [{row_text}]}}'
        response = client.post("/api/v1/metrics/bulk/", body, content_type="application/json")
        assert response.status_code == 400 and "value" in response.json()["errors"][0]["fields"], raw
    huge = client.post("/api/v1/metrics/bulk/", '{"values": [' + "9" * 5000 + "]}", content_type="application/json")
    assert huge.status_code == 400 and "digits" in huge.json()["detail"]
    assert not MetricValue.objects.exists()


def test_negative_values_say_so_and_repeated_parameters_are_refused(world, catalog):
    client = tool(world.partner_a)
    negative = bulk(client, [row(value=-5)]).json()["errors"][0]["fields"]["value"][0]
    assert "below" in negative
    assert client.get("/api/v1/metrics/?cloud=cloud-a&cloud=cloud-b").status_code == 400
    assert client.get("/api/v1/metrics/definitions/?x=1").status_code == 400


def test_targets_are_checked_and_a_changed_target_refreshes_the_findings(world, catalog):
    from django.core.exceptions import ValidationError

    from operations.models import MetricTarget
    from readiness.models import CloudScoreState

    sla = MetricDefinition.objects.get(code="initial_response_sla_met")
    backlog = MetricDefinition.objects.get(code="backlog")
    for metric, target in ((sla, Decimal(150)), (backlog, Decimal("50.5"))):
        with pytest.raises(ValidationError):
            MetricTarget(cloud=world.cloud_a, metric=metric, target=target).full_clean()
    CloudScoreState.objects.filter(cloud=world.cloud_a).update(stale=False)
    MetricTarget.objects.create(cloud=world.cloud_a, metric=backlog, target=Decimal(50))
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale
