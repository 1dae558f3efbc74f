"""A partner's integration, as its engineer would write it: a client generated from the schema the portal
serves, with openapi-python-client, used against a live portal without touching the generated code.
Every answer must parse into its declared type: a success into the object, a 412 into ItemConflict,
a failing bulk row into Error.errors, a second acknowledgement into FindingConflict."""

from __future__ import annotations

import importlib
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from readiness.insights.engine import refresh_findings
from tests.api.conftest import make_key
from tests.builders import active_checklist

pytestmark = pytest.mark.django_db(transaction=True)
PACKAGE = "portal_generated_client"


@pytest.fixture
def generated(live_server, world, tmp_path):
    """The generated package, imported. Its own code only: no line of it is edited."""
    root = tmp_path
    schema = root / "schema.json"
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:
        schema.write_bytes(answer.read())
    config = root / "config.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run([str(generator), "generate", "--path", str(schema), "--output-path", str(root / PACKAGE),
                    "--meta", "none", "--config", str(config)], check=True, capture_output=True, cwd=root)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def api(generated, name: str):
    return importlib.import_module(f"{PACKAGE}.api.v1.v1_{name}")


def test_a_generated_client_lists_reads_patches_and_is_told_of_a_conflict(generated, live_server, world):
    from portal_generated_client.models import (
        Error,
        Item,
        ItemConflict,
        ItemConflictChangedFieldsEnum,
        ItemStatusEnum,
        PaginatedItemList,
        PatchedItemChangesRequest,
    )

    client = generated.AuthenticatedClient(base_url=live_server.url, token=make_key(world.partner_a, "generated"),
                                           prefix="Api-Key", raise_on_unexpected_status=True)
    page = api(generated, "items_list").sync(client=client, cloud="cloud-a", page_size=2)
    assert isinstance(page, PaginatedItemList) and len(page.results) == 2 and page.next_
    assert all(row.cloud == "cloud-a" for row in page.results)
    wanted = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01").pk

    read = api(generated, "items_retrieve").sync_detailed(id=wanted, client=client)
    assert read.status_code == 200 and isinstance(read.parsed, Item) and read.headers["ETag"] == '"1"'
    patch = api(generated, "items_partial_update")
    saved = patch.sync_detailed(id=wanted, client=client, if_match=read.headers["ETag"],
                                body=PatchedItemChangesRequest(status=ItemStatusEnum.IN_PROGRESS, notes="Booked"))
    assert saved.status_code == 200 and isinstance(saved.parsed, Item)
    assert (saved.parsed.status, saved.parsed.version, saved.headers["ETag"]) == (ItemStatusEnum.IN_PROGRESS, 2, '"2"')

    stale = patch.sync_detailed(id=wanted, client=client, if_match=read.headers["ETag"],
                                body=PatchedItemChangesRequest(status=ItemStatusEnum.DONE))
    assert stale.status_code == 412 and isinstance(stale.parsed, ItemConflict)
    conflict = stale.parsed
    assert (conflict.code, conflict.etag, conflict.current.version) == ("stale_version", '"2"', 2)
    assert conflict.changed_fields == [ItemConflictChangedFieldsEnum.NOTES, ItemConflictChangedFieldsEnum.STATUS]
    assert [change.by for change in conflict.changed_since.changes] == ["API key partner-a/generated"]

    hidden = active_checklist(world.cloud_b).items.first().pk
    missing = api(generated, "items_retrieve").sync_detailed(id=hidden, client=client)
    assert missing.status_code == 404 and isinstance(missing.parsed, Error) and missing.parsed.code == "not_found"


def test_a_generated_client_writes_in_bulk_and_reads_every_failing_row(generated, live_server, world):
    from portal_generated_client.models import (
        BulkResponse,
        BulkRowRequest,
        Error,
        ItemBulkRequest,
        ItemStatusEnum,
        RowErrorCodeEnum,
    )

    client = generated.AuthenticatedClient(base_url=live_server.url, token=make_key(world.partner_a, "bulk"),
                                           prefix="Api-Key", raise_on_unexpected_status=True)
    items = active_checklist(world.cloud_a).items.order_by("pk")
    first, second = items[0].pk, items[1].pk
    bulk = api(generated, "items_bulk_create")
    done = bulk.sync_detailed(client=client, body=ItemBulkRequest(items=[
        BulkRowRequest(id=first, version=1, status=ItemStatusEnum.DONE),
        BulkRowRequest(id=second, version=1, notes="Checked")]))
    assert done.status_code == 200 and isinstance(done.parsed, BulkResponse)
    assert [(row.id, row.version) for row in done.parsed.items] == [(first, 2), (second, 2)]

    refused = bulk.sync_detailed(client=client, body=ItemBulkRequest(items=[
        BulkRowRequest(id=first, version=2, notes="Fine"), BulkRowRequest(id=second, version=1, notes="Stale")]))
    assert refused.status_code == 400 and isinstance(refused.parsed, Error)
    (row,) = refused.parsed.errors
    assert (row.index, row.id, row.code) == (1, second, RowErrorCodeEnum.STALE)
    assert refused.parsed.fields.additional_properties == {}


def test_a_generated_client_reads_findings_acknowledges_once_and_follows_events(generated, live_server, world):
    from portal_generated_client.models import EventPage, Finding, FindingConflict, PaginatedFindingList
    from portal_generated_client.models.acknowledge_request_request import AcknowledgeRequestRequest

    refresh_findings([world.cloud_a.pk, world.cloud_b.pk])
    client = generated.AuthenticatedClient(base_url=live_server.url, token=make_key(world.partner_a, "findings"),
                                           prefix="Api-Key", raise_on_unexpected_status=True)
    findings = api(generated, "findings_list").sync(client=client)
    assert isinstance(findings, PaginatedFindingList) and findings.results
    assert {finding.cloud for finding in findings.results} == {"cloud-a"}
    target = findings.results[0].id
    acknowledge = api(generated, "findings_acknowledge_create")
    first = acknowledge.sync_detailed(id=target, client=client, body=AcknowledgeRequestRequest(note="On it"))
    assert first.status_code == 200 and isinstance(first.parsed, Finding)
    again = acknowledge.sync_detailed(id=target, client=client, body=AcknowledgeRequestRequest(note="Me too"))
    assert again.status_code == 409 and isinstance(again.parsed, FindingConflict)
    assert again.parsed.code == "already_acknowledged" and again.parsed.current.acknowledgement_note == "On it"

    feed = api(generated, "events_retrieve").sync(client=client, after=0, limit=1000)
    assert isinstance(feed, EventPage) and not feed.has_more
    assert {event.cloud for event in feed.events} == {"cloud-a"}
    acknowledged = [event for event in feed.events if event.type_.value == "finding.acknowledged"]
    assert [event.object_id for event in acknowledged] == [str(target)]
