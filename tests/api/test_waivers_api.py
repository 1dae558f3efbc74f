"""/api/v1/waivers/: partner keys ask for waivers on their clouds' items and never approve them."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from readiness.choices import ChangeSource, WaiverState
from readiness.models import Waiver
from readiness.waivers import decide_waiver
from tests.api.conftest import with_key
from tests.readiness.test_recompute import item_of


def body(target, **overrides):
    values = {"item": target.pk, "reason": "Supplier late", "compensating_control": "Manual daily check",
              "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()}
    values.update(overrides)
    return values


def test_a_partner_key_asks_for_a_waiver_on_its_clouds_item(world, keys, api):
    item = item_of(world.cloud_a, "PPL-01")
    response = with_key(api, keys.own).post("/api/v1/waivers/", body(item), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["item"], data["cloud"], data["requirement"], data["state"], data["in_force"]) == (
        item.pk, "cloud-a", "PPL-01", "requested", False)
    assert data["requested_by"] == "API key partner-a/partner-a-sync"
    waiver = Waiver.objects.get()
    assert waiver.requested_for_partner == world.partner_a
    assert waiver.history.get().change_source == ChangeSource.API
    assert waiver.history.get().api_key_name == "partner-a/partner-a-sync"


def test_another_partners_item_answers_like_an_unknown_one(world, keys, api):
    client = with_key(api, keys.other)
    hidden = client.post("/api/v1/waivers/", body(item_of(world.cloud_a, "PPL-01")), format="json")
    unknown = client.post("/api/v1/waivers/", body(item_of(world.cloud_a, "PPL-01"), item=999999), format="json")
    assert hidden.status_code == unknown.status_code == 404 and hidden.json() == unknown.json()
    assert not Waiver.objects.exists()


def test_a_visible_item_one_may_not_change_is_a_403(world, api):
    api.force_authenticate(world.executive)
    response = api.post("/api/v1/waivers/", body(item_of(world.cloud_a, "PPL-01")), format="json")
    assert response.status_code == 403 and not Waiver.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"expires_on": "2027-1-5"}, "expires_on"), ({"expires_on": "20270105"}, "expires_on"),
    ({"expires_on": "2099-01-01"}, "expires_on"), ({"reason": ""}, "reason"), ({"reason": " padded "}, "reason"),
    ({"compensating_control": None}, "compensating_control"), ({"item": "1"}, "item"), ({"approved": True}, "approved"),
    ({"state": "approved"}, "state"),
])
def test_bad_requests_are_refused_with_the_field_named(world, keys, api, change, field):
    response = with_key(api, keys.own).post("/api/v1/waivers/", body(item_of(world.cloud_a, "PPL-01"), **change),
                                            format="json")
    assert response.status_code == 400 and field in response.json()["fields"]
    assert not Waiver.objects.exists()


def test_no_api_route_approves_a_waiver(world, keys, api):
    client = with_key(api, keys.own)
    waiver_id = client.post("/api/v1/waivers/", body(item_of(world.cloud_a, "PPL-01")), format="json").json()["id"]
    attempts = [
        client.patch(f"/api/v1/waivers/{waiver_id}/", {"state": "approved"}, format="json"),
        client.put(f"/api/v1/waivers/{waiver_id}/", {"state": "approved"}, format="json"),
        client.post(f"/api/v1/waivers/{waiver_id}/approve/", {}, format="json"),
        client.post(f"/api/v1/waivers/{waiver_id}/decide/", {"decision": "approve"}, format="json"),
    ]
    assert [attempt.status_code for attempt in attempts] == [405, 405, 404, 404]
    api.force_authenticate(world.admin)  # not even an administrator's session
    assert api.patch(f"/api/v1/waivers/{waiver_id}/", {"state": "approved"}, format="json").status_code == 405
    assert Waiver.objects.get().state == WaiverState.REQUESTED


def test_lists_show_visible_waivers_and_filter_by_state(world, keys, api):
    own = with_key(api, keys.own)
    waiver_id = own.post("/api/v1/waivers/", body(item_of(world.cloud_a, "PPL-01")), format="json").json()["id"]
    decide_waiver(waiver=Waiver.objects.get(pk=waiver_id), approve=True, note="", actor=world.pm_assigned,
                  source=ChangeSource.BROWSER)
    assert [w["id"] for w in own.get("/api/v1/waivers/?state=in_force").json()] == [waiver_id]
    assert own.get("/api/v1/waivers/?state=requested").json() == []
    assert own.get("/api/v1/waivers/?cloud=cloud-b").status_code == 404
    assert own.get("/api/v1/waivers/?state=maybe").status_code == 400
    other = with_key(APIClient(), keys.other)
    assert other.get("/api/v1/waivers/").json() == []
    assert other.get(f"/api/v1/waivers/{waiver_id}/").status_code == 404

