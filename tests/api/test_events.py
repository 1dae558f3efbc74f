"""The event feed (GET /api/v1/events/) and webhooks: a mirror stays true, deliveries are signed,
retried and scoped to the partner's clouds."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from clouds.choices import PartnerRole
from clouds.models import CloudPartner
from readiness import events
from readiness.choices import ChangeSource, ItemStatus
from readiness.insights.engine import refresh_findings
from readiness.models import DeliveryStatus, Event, EventPurge, WebhookDelivery
from readiness.services import StaleVersionError, start_checklist, update_item
from readiness.webhooks import register_endpoint, send_due, verify_signature
from tests.api.conftest import with_key
from tests.builders import SMALL_FRAMEWORK, make_framework
from tests.readiness.test_recompute import item_of


def feed(client, after=0, **params):
    query = "&".join(f"{key}={value}" for key, value in {"after": after, **params}.items())
    response = client.get(f"/api/v1/events/?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def everything(client, after=0):
    rows = []
    while True:
        page = feed(client, after, limit=50)
        rows += page["events"]
        after = page["next_after"]
        if not page["has_more"]:
            return rows, after


def edit(item, actor, **changes):
    return update_item(item=item, changes=changes, actor=actor, source=ChangeSource.API,
                       expected_version=item.version)


def test_an_item_edit_is_an_event_naming_the_fields_and_who(world, keys, api):
    client = with_key(api, keys.own)
    _, start = everything(client)
    edit(item_of(world.cloud_a, "PPL-02"), world.partner_user, status=ItemStatus.IN_PROGRESS, notes="Booked")
    (event,) = feed(client, start)["events"]
    assert (event["type"], event["object_kind"], event["cloud"], event["actor"]) == (
        "item.changed", "item", "cloud-a", "partner-a-staff")
    assert event["data"] == {"fields": ["notes", "status"], "version": 2}
    assert event["object_id"] == str(item_of(world.cloud_a, "PPL-02").pk)


def test_a_refused_edit_leaves_no_event(world):
    item = item_of(world.cloud_a, "PPL-02")
    before = Event.objects.count()
    with pytest.raises(StaleVersionError):
        update_item(item=item, changes={"notes": "x"}, actor=None, source=ChangeSource.JOB, expected_version=99)
    assert Event.objects.count() == before


def test_partners_see_only_their_clouds_events(world, keys, api):
    edit(item_of(world.cloud_b, "PPL-02"), world.other_partner_user, notes="B's")
    rows, _ = everything(with_key(api, keys.own))
    assert rows and {row["cloud"] for row in rows} == {"cloud-a"}
    assert with_key(api, keys.own).get("/api/v1/events/?cloud=cloud-b").status_code == 404


def test_pages_follow_next_after_and_bad_parameters_are_refused(world, keys, api):
    client = with_key(api, keys.own)
    first = feed(client, 0, limit=2)
    assert len(first["events"]) == 2 and first["has_more"]
    second = feed(client, first["next_after"], limit=2)
    assert second["events"][0]["id"] > first["events"][-1]["id"]
    for query in ("after=-1", "after=x", "limit=0", "limit=1001", "type=item.deleted", "since=1", "cloud=A_B"):
        assert client.get(f"/api/v1/events/?{query}").status_code == 400, query


def test_a_client_behind_the_purged_events_is_told_to_resync(world, keys, api, settings):
    client = with_key(api, keys.own)
    _, last = everything(client)
    Event.objects.update(occurred_at=timezone.now() - dt.timedelta(days=settings.EVENT_RETENTION_DAYS + 1))
    assert events.purge_events() > 0
    response = client.get("/api/v1/events/?after=0")
    resume = response.json()["resume_after"]
    assert response.status_code == 410 and response.json()["code"] == "resync_required" and resume >= last
    assert feed(client, resume)["events"] == []
    assert EventPurge.objects.get().through_id == resume


def read_all(client, path):
    rows, url = [], path
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


COLLECTIONS = {"item": "items", "finding": "findings", "staff": "staff"}


def test_a_mirror_built_from_the_feed_equals_the_server(world, keys, api):
    """Items, findings, people and metrics of partner A's clouds, kept by following the feed and reading
    what each event names."""
    from operations.catalog_file import load_catalog_file

    load_catalog_file()
    client = with_key(api, keys.own)
    mirror = {"item": {}, "finding": {}, "staff": {}, "metric": {}}

    def apply(rows):
        for row in rows:
            kind, pk = row["object_kind"], row["object_id"]
            if row["type"] in ("item.retired", "staff.removed"):
                mirror[kind].pop(pk, None)
            elif kind == "metric":
                data = row["data"]
                for value in read_all(client, f"/api/v1/metrics/?cloud={row['cloud']}&metric={data['metric']}"
                                              f"&since={data['first']}&until={data['last']}"):
                    mirror["metric"][(value["cloud"], value["metric"], value["day"])] = value
            else:
                mirror[kind][pk] = client.get(f"/api/v1/{COLLECTIONS[kind]}/{pk}/").json()

    rows, after = everything(client)
    apply(rows)
    edit(item_of(world.cloud_a, "PPL-01"), world.pm_assigned, owner=world.partner_user.pk)
    refresh_findings([world.cloud_a.pk])  # opens findings (unowned items, ...)
    edit(item_of(world.cloud_a, "PPL-02"), world.partner_user, status=ItemStatus.DONE)
    v2 = [*SMALL_FRAMEWORK[:-1], ("TEC-03", "technology", "access", 4, True)]
    start_checklist(cloud=world.cloud_a, framework=make_framework(v2, version=2), actor=None)
    world.partner_user.first_name = "Renamed"
    world.partner_user.save()
    refresh_findings([world.cloud_a.pk])
    person = {"external_id": "e-1", "full_name": "Camille", "employer": "partner-a", "roles": ["support_engineer"],
              "citizenships": ["FR"], "clouds": ["cloud-a"], "active": True, "screenings": [], "trainings": []}
    created = client.post("/api/v1/staff/", person, format="json")
    client.patch(f"/api/v1/staff/{created.json()['id']}/", {"full_name": "Camille Martin"}, format="json",
                 HTTP_IF_MATCH=created["ETag"])
    client.post("/api/v1/staff/", {**person, "external_id": "e-2", "full_name": "Luc"}, format="json")
    today = timezone.localdate()
    days = [(today - dt.timedelta(days=n)).isoformat() for n in range(3)]
    client.post("/api/v1/metrics/bulk/", {"values": [{"cloud": "cloud-a", "metric": "backlog", "day": day,
                                                      "value": 10 + n} for n, day in enumerate(days)]}, format="json")
    client.post("/api/v1/metrics/bulk/", {"values": [{"cloud": "cloud-a", "metric": "backlog", "day": days[1],
                                                      "value": 99}]}, format="json")
    rows, after = everything(client, after)
    apply(rows)

    server_items = {str(row["id"]): row for row in read_all(client, "/api/v1/items/?page_size=500")}
    assert mirror["item"] == server_items
    assert server_items[str(item_of(world.cloud_a, "PPL-01").pk)]["owner_name"] == "Renamed"
    server_findings = {str(row["id"]): row for row in read_all(client, "/api/v1/findings/?status=all")}
    assert mirror["finding"] == server_findings
    assert {pk for row in server_findings.values() for pk in row["items"]} <= {int(pk) for pk in server_items}
    server_staff = {str(row["id"]): row for row in read_all(client, "/api/v1/staff/")}
    assert mirror["staff"] == server_staff and {row["full_name"] for row in server_staff.values()} == {
        "Camille Martin", "Luc"}
    server_metrics = {(row["cloud"], row["metric"], row["day"]): row for row in read_all(client, "/api/v1/metrics/")}
    assert mirror["metric"] == server_metrics and server_metrics[("cloud-a", "backlog", days[1])]["value"] == 99
    retired = [row for row in rows if row["type"] == "item.retired"]
    assert {row["data"]["code"]: row["data"]["replaced_by"] is None for row in retired}["TEC-02"] is True


def test_a_resolved_finding_names_the_items_that_replaced_the_retired_ones(world, keys, api):
    from readiness.models import Finding

    kept, dropped = item_of(world.cloud_a, "PPL-01"), item_of(world.cloud_a, "TEC-02")
    now = timezone.now()
    finding = Finding.objects.create(cloud=world.cloud_a, rule="unowned", severity="medium", explanation="x",
                                     recommendation="y", opened_at=now, updated_at=now, resolved_at=now)
    finding.items.set([kept, dropped])
    client = with_key(api, keys.own)
    _, after = everything(client)
    v2 = [*SMALL_FRAMEWORK[:-1], ("TEC-03", "technology", "access", 4, True)]
    start_checklist(cloud=world.cloud_a, framework=make_framework(v2, version=2), actor=None)
    body = client.get(f"/api/v1/findings/{finding.pk}/").json()
    assert body["items"] == [item_of(world.cloud_a, "PPL-01").pk] and body["status"] == "resolved"
    assert body["updated_at"] > finding.updated_at.isoformat().replace("+00:00", "Z")
    rows, _ = everything(client, after)
    assert [row["data"] for row in rows if (row["object_kind"], row["object_id"]) == ("finding", str(finding.pk))] == [
        {"rule": "unowned", "items_changed": True}]


def test_staff_and_metric_writes_are_events_for_the_right_audience(world, keys, api):
    from operations.catalog_file import load_catalog_file
    from tests.api.conftest import make_key

    load_catalog_file()
    own = with_key(api, keys.own)
    start = Event.objects.order_by("-id").values_list("id", flat=True).first()
    person = {"external_id": "e-1", "full_name": "Camille", "employer": "partner-a", "roles": ["support_engineer"],
              "citizenships": ["FR"], "clouds": ["cloud-a"], "active": True, "screenings": [], "trainings": []}
    assert own.post("/api/v1/staff/", person, format="json").status_code == 201
    day = timezone.localdate().isoformat()
    assert own.post("/api/v1/metrics/bulk/", {"values": [{"cloud": "cloud-a", "metric": "backlog", "day": day,
                                                          "value": 12}]}, format="json").status_code == 200
    types = [row["type"] for row in feed(own, start)["events"]]
    assert types == ["staff.changed", "metrics.changed"]
    # Partner B also works on cloud A: it sees the metrics change, not partner A's person.
    CloudPartner.objects.create(cloud=world.cloud_a, partner=world.partner_b, role=PartnerRole.SUPPORT)
    other = with_key(api.__class__(), make_key(world.partner_b, "b-feed"))
    assert [row["type"] for row in feed(other, start)["events"]] == ["metrics.changed"]


# -- webhooks ----------------------------------------------------------------------------------

class Receiver:
    """A local HTTP endpoint that answers the statuses it is given, in turn, and keeps what it got."""

    def __init__(self, statuses=(200,)):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0])
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receivers(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    made = []

    def make(statuses=(200,)):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def test_a_receiver_gets_signed_deliveries_that_verify(world, receivers):
    receiver = receivers()
    endpoint = register_endpoint(partner=world.partner_a, url=receiver.url, description="", actor=world.partner_user)
    edit(item_of(world.cloud_a, "PPL-02"), world.partner_user, notes="Hello")
    send_due()
    ((headers, body),) = receiver.received
    assert verify_signature(endpoint.secret, headers, body)
    assert not verify_signature(endpoint.secret, headers, body + b" ")
    assert not verify_signature("whsec_" + "A" * 32, headers, body)
    assert json.loads(body)["type"] == "item.changed" and headers["webhook-id"].startswith("evt_")
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_receiver_failing_twice_gets_the_event_once_delivered_after_retries(world, receivers):
    receiver = receivers([500, 503, 200])
    register_endpoint(partner=world.partner_a, url=receiver.url, description="", actor=world.partner_user)
    edit(item_of(world.cloud_a, "PPL-02"), world.partner_user, notes="Hello")
    now = timezone.now()
    send_due(now=now)
    assert send_due(now=now + dt.timedelta(seconds=5)) == 0  # backoff: not yet
    send_due(now=now + dt.timedelta(seconds=11))
    send_due(now=now + dt.timedelta(seconds=80))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 3, 200)
    assert len(receiver.received) == 3 and len({h["webhook-id"] for h, _ in receiver.received}) == 1
    assert send_due(now=now + dt.timedelta(days=1)) == 0


def test_partner_b_never_receives_partner_a_events(world, receivers):
    a, b = receivers(), receivers()
    register_endpoint(partner=world.partner_a, url=a.url, description="", actor=world.partner_user)
    register_endpoint(partner=world.partner_b, url=b.url, description="", actor=world.other_partner_user)
    edit(item_of(world.cloud_a, "PPL-02"), world.partner_user, notes="A only")
    edit(item_of(world.cloud_b, "PPL-02"), world.other_partner_user, notes="B only")
    send_due()
    assert [json.loads(body)["cloud"] for _, body in a.received] == ["cloud-a"]
    assert [json.loads(body)["cloud"] for _, body in b.received] == ["cloud-b"]


def test_an_endpoint_failing_for_three_days_is_disabled_and_its_owner_told(world, receivers):
    from django.core import mail

    world.partner_user.email = "ops@partner-a.example"
    world.partner_user.save()
    receiver = receivers([500])
    endpoint = register_endpoint(partner=world.partner_a, url=receiver.url, description="", actor=world.partner_user)
    edit(item_of(world.cloud_a, "PPL-02"), world.partner_user, notes="x")
    now = timezone.now()
    for hours in range(0, 24 * 4, 6):
        send_due(now=now + dt.timedelta(hours=hours))
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert mail.outbox and "disabled" in mail.outbox[0].subject and mail.outbox[0].to == ["ops@partner-a.example"]


def test_partner_tools_register_endpoints_and_read_the_delivery_log(world, keys, api, receivers):
    receiver = receivers([500, 200])
    client = with_key(api, keys.own)
    created = client.post("/api/v1/webhooks/", {"url": receiver.url, "description": "ticketing"}, format="json")
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    endpoint_id = created.json()["id"]
    assert "secret" not in client.get(f"/api/v1/webhooks/{endpoint_id}/").json()
    edit(item_of(world.cloud_a, "PPL-02"), world.partner_user, notes="x")
    send_due()
    (delivery,) = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/").json()
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("pending", 1, 500)
    again = client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/{delivery['id']}/redeliver/")
    assert again.status_code == 202
    send_due()
    assert client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/").json()[0]["status"] == "delivered"
    other = with_key(api.__class__(), keys.other)
    assert other.get(f"/api/v1/webhooks/{endpoint_id}/").status_code == 404
    assert client.post("/api/v1/webhooks/", {"url": "ftp://x"}, format="json").status_code == 400
    staff_session = api.__class__()
    staff_session.force_authenticate(world.pm_assigned)
    assert staff_session.post("/api/v1/webhooks/", {"url": receiver.url}, format="json").status_code == 403


def test_the_migration_relinks_findings_left_on_retired_items_by_earlier_moves(world):
    import importlib

    from django.apps import apps

    from readiness.models import Finding

    relink = importlib.import_module("readiness.migrations.0010_relink_findings_to_replacement_items").relink
    old_kept, old_dropped = item_of(world.cloud_a, "PPL-01"), item_of(world.cloud_a, "TEC-02")
    now = timezone.now()
    finding = Finding.objects.create(cloud=world.cloud_a, rule="unowned", severity="medium", explanation="x",
                                     recommendation="y", opened_at=now, updated_at=now, resolved_at=now)
    v2 = [*SMALL_FRAMEWORK[:-1], ("TEC-03", "technology", "access", 4, True)]
    start_checklist(cloud=world.cloud_a, framework=make_framework(v2, version=2), actor=None)
    finding.items.set([old_kept, old_dropped])  # as a move before this release left it
    before = Event.objects.count()
    relink(apps, None)
    assert list(finding.items.values_list("pk", flat=True)) == [item_of(world.cloud_a, "PPL-01").pk]
    assert Event.objects.count() == before + 1 and Event.objects.latest("id").object_id == str(finding.pk)
