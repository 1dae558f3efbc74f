"""examples/partner_sync.py works against a running portal: incremental mirror and an If-Match change."""

import importlib.util
from pathlib import Path

import pytest

from tests.api.conftest import make_key
from tests.builders import active_checklist

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partner_sync.py"


def load_example():
    spec = importlib.util.spec_from_file_location("partner_sync", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_partner_sync_mirrors_items_and_pushes_a_change(live_server, world, capsys):
    client = load_example()
    key = make_key(world.partner_a, "example")
    mirror = {"newest": None, "items": {}}
    assert client.sync(live_server.url, key, mirror) == 6
    assert {item["cloud"] for item in mirror["items"].values()} == {"cloud-a"}
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    client.set_status(live_server.url, key, item.pk, "done")
    client.sync(live_server.url, key, mirror)
    assert mirror["items"][str(item.pk)]["status"] == "done" and mirror["items"][str(item.pk)]["version"] == 2
    assert "is now done (version 2)" in capsys.readouterr().out


def test_partner_sync_follows_the_event_feed_through_a_framework_move(live_server, world):
    from readiness.services import start_checklist
    from tests.builders import SMALL_FRAMEWORK, make_framework

    client = load_example()
    key = make_key(world.partner_a, "example-events")
    mirror = {"newest": None, "items": {}, "after": 0}
    client.follow(live_server.url, key, mirror)
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    client.set_status(live_server.url, key, item.pk, "done")
    start_checklist(cloud=world.cloud_a, framework=make_framework(
        [*SMALL_FRAMEWORK[:-1], ("TEC-03", "technology", "access", 4, True)], version=2), actor=None)
    client.follow(live_server.url, key, mirror)
    server = {str(i.pk) for i in active_checklist(world.cloud_a).items.all()}
    assert set(mirror["items"]) == server
    carried = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    assert mirror["items"][str(carried.pk)]["status"] == "done"


def test_the_example_receiver_accepts_only_signed_deliveries(live_server, world, settings):
    import threading

    from readiness.services import update_item
    from readiness.webhooks import send_due

    settings.WEBHOOK_ALLOW_HTTP = True
    client = load_example()
    key = make_key(world.partner_a, "example-hooks")
    received = []
    probe = client.receiver(0, "whsec_" + "A" * 32, received.append)  # port 0: any free port
    port = probe.server_address[1]
    probe.server_close()
    _, _, endpoint = client.call("POST", f"{live_server.url}/api/v1/webhooks/", key,
                                 {"url": f"http://127.0.0.1:{port}/hook"})
    server = client.receiver(port, endpoint["secret"], received.append)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-02")
        update_item(item=item, changes={"notes": "hello"}, actor=None, source="job", expected_version=1)
        send_due()
        assert [event["type"] for event in received] == ["item.changed"]
        forged = urllib_post(f"http://127.0.0.1:{port}/hook", b"{}", {"webhook-id": "evt_1",
                                                                   "webhook-timestamp": "1",
                                                                   "webhook-signature": "v1,AAAA"})
        assert forged == 401 and len(received) == 1
    finally:
        server.shutdown()


def urllib_post(url, body, headers):
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method="POST")) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code
