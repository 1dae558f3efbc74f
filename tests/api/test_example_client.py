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
