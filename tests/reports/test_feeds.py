"""BI feeds (/api/v1/feeds/<name>.csv and .jsonl): the columns are the documented dictionary, rows
are scoped by the key, typed, and an incremental read merged into a full one equals a new full read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from clouds.models import Partner
from readiness.choices import ChangeSource
from readiness.models import ChecklistItem
from readiness.services import update_item
from reports.feed_dictionary import BOOLEAN, DATE, DATETIME, DECIMAL, FEEDS, INTEGER
from tests.api.conftest import make_key, with_key


@pytest.fixture
def demo(db, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def read(client, name, fmt, **params):
    response = client.get(f"/api/v1/feeds/{name}.{fmt}", params)
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content).decode("utf-8")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body)))
        return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    objects = [json.loads(line) for line in body.splitlines()]
    return (list(objects[0]) if objects else None), objects


def partner_a_client(world) -> APIClient:
    return with_key(APIClient(), make_key(world.partner_a, "bi"))


def check_csv_value(text: str, kind: str, nullable: bool) -> None:
    if text == "":
        assert nullable or kind == "text", kind
        return
    parse = {INTEGER: int, DECIMAL: Decimal, DATE: dt.date.fromisoformat,
             DATETIME: lambda v: dt.datetime.fromisoformat(v.replace("Z", "+00:00")),
             BOOLEAN: {"true": True, "false": False}.__getitem__}.get(kind, str)
    parse(text)
    if kind == DATETIME:
        assert text.endswith("Z"), text


def check_json_value(value, kind: str, nullable: bool) -> None:
    if value is None:
        assert nullable, kind
        return
    expected = {INTEGER: int, DECIMAL: (int, float), BOOLEAN: bool}.get(kind, str)
    assert isinstance(value, expected) and (kind != INTEGER or not isinstance(value, bool)), (kind, value)


def executive_client() -> APIClient:
    from django.contrib.auth import get_user_model

    client = APIClient()
    client.force_login(get_user_model().objects.get(username="exec.claire"))
    return client


def check_every_feed_has_exactly_the_documented_columns_and_types():
    client = executive_client()  # sees every cloud, so every feed has rows
    for name, feed in FEEDS.items():
        header, rows = read(client, name, "csv")
        assert header == feed.names, name
        assert rows, f"the demo has no {name} rows"
        for row in rows:
            for column in feed.columns:
                check_csv_value(row[column.name], column.type, column.nullable)
        keys, objects = read(client, name, "jsonl")
        assert keys == feed.names and len(objects) == len(rows), name
        for obj in objects:
            assert list(obj) == feed.names
            for column in feed.columns:
                check_json_value(obj[column.name], column.type, column.nullable)


def check_a_partner_feed_holds_only_its_clouds():
    partner = Partner.objects.get(slug="souveraine-ops")
    client = with_key(APIClient(), make_key(partner, "bi"))
    own = {row["slug"] for row in client.get("/api/v1/clouds/").json()}
    for name in FEEDS:
        for fmt in ("csv", "jsonl"):
            clouds = {row["cloud"] for row in read(client, name, fmt)[1]}
            assert clouds <= own, (name, fmt, clouds - own)
            assert clouds or name == "waivers", (name, fmt)  # the demo has no waiver on France
    others = set(ChecklistItem.objects.values_list("checklist__cloud__slug", flat=True)) - own
    assert others, "the demo has clouds this partner does not see"


def check_items_feed_equals_the_items_the_key_sees():
    partner = Partner.objects.get(slug="souveraine-ops")
    client = with_key(APIClient(), make_key(partner, "bi-items"))
    rows = read(client, "items", "jsonl")[1]
    api_ids, url = set(), "/api/v1/items/?page_size=500"
    while url:
        page = client.get(url).json()
        api_ids |= {row["id"] for row in page["results"]}
        url = page["next"]
    assert {row["item_id"] for row in rows} == api_ids
    one = ChecklistItem.objects.select_related("requirement", "checklist__cloud").get(pk=rows[0]["item_id"])
    assert (rows[0]["requirement_code"], rows[0]["status"], rows[0]["version"], rows[0]["cloud"]) == (
        one.requirement.code, one.status, one.version, one.checklist.cloud.slug)


def test_the_demo_feeds(demo):
    """The demo is seeded once for the checks that need every kind of row."""
    check_every_feed_has_exactly_the_documented_columns_and_types()
    check_a_partner_feed_holds_only_its_clouds()
    check_items_feed_equals_the_items_the_key_sees()
    check_every_feed_comes_as_a_workbook()


def test_an_incremental_read_merged_into_a_full_one_equals_a_new_full_read(world):
    client = partner_a_client(world)
    ChecklistItem.objects.update(updated_at=timezone.now() - dt.timedelta(days=1))
    _, full = read(client, "items", "csv")
    mirror = {row["item_id"]: row for row in full}
    edits_start = timezone.now()
    for code in ("PPL-01", "PRC-01"):
        item = ChecklistItem.objects.active().get(checklist__cloud=world.cloud_a, requirement__code=code)
        update_item(item=item, changes={"notes": "moved"}, actor=None, source=ChangeSource.JOB,
                    expected_version=item.version)
    since = (edits_start - dt.timedelta(seconds=1)).isoformat()
    _, changed = read(client, "items", "csv", updated_since=since)
    assert 2 <= len(changed) < len(full)
    mirror.update({row["item_id"]: row for row in changed})
    assert mirror == {row["item_id"]: row for row in read(client, "items", "csv")[1]}
    assert [row["updated_at"] for row in changed] == sorted(row["updated_at"] for row in changed)


def test_bad_requests_get_the_api_error_shape(world):
    client = partner_a_client(world)
    for path, status, field in (("/api/v1/feeds/items.csv?colour=red", 400, "colour"),
                                ("/api/v1/feeds/items.csv?updated_since=yesterday", 400, "updated_since"),
                                ("/api/v1/feeds/coverage.jsonl?updated_since=2026-01-01T00:00:00Z", 400,
                                 "updated_since")):
        response = client.get(path)
        assert response.status_code == status and field in response.json()["fields"], path
    refused = client.get("/api/v1/feeds/items.csv", HTTP_ACCEPT="application/json")
    assert refused.status_code == 406 and refused.json()["code"] == "not_acceptable"
    assert client.get("/api/v1/feeds/items.csv", HTTP_ACCEPT="text/*").status_code == 200
    for accept, status in (("*/*;q=0.1", 200), ("text/csv;q=0", 406), ("text/csv;q=0, */*", 406),
                           ("text/csv;Q=0", 406), ("application/json, text/csv;q=0.5", 200)):
        assert client.get("/api/v1/feeds/items.csv", HTTP_ACCEPT=accept).status_code == status, accept
    assert APIClient().get("/api/v1/feeds/items.csv").status_code == 401
    assert client.get("/api/v1/feeds/nothing.csv").status_code == 404


def test_times_are_utc_whatever_the_portal_time_zone(world, settings):
    settings.TIME_ZONE = "Europe/Paris"
    client = partner_a_client(world)
    _, rows = read(client, "items", "jsonl")
    stamp = dt.datetime.fromisoformat(rows[0]["updated_at"].replace("Z", "+00:00"))
    assert rows[0]["updated_at"].endswith("Z") and abs(stamp - timezone.now()) < dt.timedelta(hours=1)


def test_the_readme_documents_every_column_of_every_feed():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for feed in FEEDS.values():
        for column in feed.columns:
            row = f"| `{column.name}` | {column.type}{' or empty' if column.nullable else ''} | {column.description} |"
            assert row in readme, row
        assert "Key: " + ", ".join(f"`{name}`" for name in feed.key) + "." in readme.split(f"#### `{feed.name}`")[1]
        section = readme.split(f"#### `{feed.name}`", 1)[1].split("| --- |", 1)[1].splitlines()[1:]
        rows = [line for line in section[:next(i for i, line in enumerate(section) if not line.startswith("|"))]]
        assert [line.split("`")[1] for line in rows] == feed.names


def test_the_bi_recipes_name_every_column_in_order_with_its_type(world):
    import re

    from django.core.management import call_command

    header = read(partner_a_client(world), "items", "csv")[0]
    out = io.StringIO()
    call_command("feed_recipe", "items", "--for", "powerbi", "--url", "https://portal.example", stdout=out)
    typed = re.findall(r'\{"([a-z_0-9]+)", ([A-Za-z0-9. ]+)\}', out.getvalue())
    assert [name for name, _ in typed] == header
    assert dict(typed)["item_id"] == "Int64.Type" and dict(typed)["due_date"] == "type date"
    assert "https://portal.example/api/v1/feeds/items.csv" in out.getvalue()
    out = io.StringIO()
    call_command("feed_recipe", "items", "--for", "kusto", stdout=out)
    mapping = json.loads(re.search(r"mapping \"PortalItemsCsv\" '(.*)'", out.getvalue()).group(1))
    assert [(entry["column"], int(entry["Properties"]["Ordinal"])) for entry in mapping] == [
        (name, position) for position, name in enumerate(header)]
    assert "['gating']:bool" in out.getvalue() and "['updated_at']:datetime" in out.getvalue()


def test_an_excel_workbook_reads_back_typed_equal_to_the_database_with_formulas_kept_as_text(world):
    from openpyxl import load_workbook

    from readiness.models import Requirement

    payloads = ['=HYPERLINK("http://evil.example","Click")', "+cmd|' /C calc'!A0", "-2+3"]
    item = ChecklistItem.objects.active().select_related("requirement").get(checklist__cloud=world.cloud_a,
                                                                            requirement__code="PPL-01")
    Requirement.objects.filter(pk=item.requirement_id).update(title=payloads[0])
    world.partner_user.first_name, world.partner_user.last_name = payloads[1], payloads[2]
    world.partner_user.save()
    update_item(item=item, changes={"owner": world.partner_user.pk, "due_date": dt.date(2027, 3, 31)}, actor=None,
                source=ChangeSource.JOB, expected_version=1)
    response = partner_a_client(world).get("/api/v1/feeds/items.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["items"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:S{sheet.max_row}"
    header = [cell.value for cell in sheet[1]]
    assert header == [f"{c.name} (UTC)" if c.type == DATETIME else c.name for c in FEEDS["items"].columns]
    rows = {row[0].value: dict(zip(FEEDS["items"].names, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    stored = ChecklistItem.objects.active().filter(checklist__cloud=world.cloud_a).select_related("requirement")
    assert set(rows) == {one.pk for one in stored}
    for one in stored:
        row = rows[one.pk]
        assert row["weight"].value == one.requirement.weight and row["gating"].value is one.requirement.gating
        assert row["version"].value == one.version and row["status"].value == one.status
        assert abs(row["updated_at"].value - one.updated_at.astimezone(dt.UTC).replace(tzinfo=None)) < \
            dt.timedelta(milliseconds=1)
    mine = rows[item.pk]
    assert mine["due_date"].value.date() == dt.date(2027, 3, 31) and mine["due_date"].number_format == "yyyy-mm-dd"
    assert mine["title"].value == payloads[0]
    assert mine["owner_name"].value == f"{payloads[1]} {payloads[2]}"
    assert all(mine[name].data_type == "s" for name in ("title", "owner_name"))
    assert mine["owner_id"].value == world.partner_user.pk and mine["completed_at"].value is None


def check_every_feed_comes_as_a_workbook():
    from openpyxl import load_workbook

    client = executive_client()
    for name, feed in FEEDS.items():
        response = client.get(f"/api/v1/feeds/{name}.xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))[name]
        assert [cell.value.removesuffix(" (UTC)") for cell in sheet[1]] == feed.names
        assert sheet.max_row - 1 == len(read(client, name, "jsonl")[1]), name


def test_a_feed_costs_the_same_queries_for_one_cloud_as_for_two(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clouds.choices import PartnerRole
    from clouds.models import CloudPartner
    from people.models import StaffingRequirement

    for cloud in (world.cloud_a, world.cloud_b):
        StaffingRequirement.objects.create(cloud=cloud, role="duty_manager", minimum=2)
    client = partner_a_client(world)

    def cost() -> dict[str, int]:
        counts = {}
        for name in FEEDS:
            with CaptureQueriesContext(connection) as captured:
                read(client, name, "jsonl")
            counts[name] = len(captured)
        return counts

    one = cost()
    CloudPartner.objects.create(cloud=world.cloud_b, partner=world.partner_a, role=PartnerRole.SUPPORT)
    assert cost() == one
    assert {row["cloud"] for row in read(client, "coverage", "jsonl")[1]} == {"cloud-a", "cloud-b"}
