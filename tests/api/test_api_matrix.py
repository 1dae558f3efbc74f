"""Every API operation x every kind of caller x own and other cloud, with the expected status.

`test_every_operation_has_an_expectation` fails when the schema gains an operation not listed here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from launches.choices import Outcome
from launches.services import ConditionInput, record_decision
from readiness.choices import ChangeSource
from readiness.models import Waiver
from readiness.waivers import request_waiver
from reports.api.views import FORMATS
from reports.feed_dictionary import FEEDS
from tests.api.conftest import with_key
from tests.builders import active_checklist
from tests.launches import conftest as launches_conftest

gated = launches_conftest.gated  # the cast on a framework version with gates (tests/launches)

# no_role: a signed-in user without a portal role; sees no cloud, writes nothing.
SESSIONS = ["admin", "pm_assigned", "pm_unassigned", "executive", "partner_user", "other_partner_user", "no_role"]
KEYS = ["own_key", "other_key", "revoked_key", "expired_key", "no_key"]
CALLERS = SESSIONS + KEYS
UNAUTHENTICATED = {"revoked_key": 401, "expired_key": 401, "no_key": 401}

# Who sees cloud_a (partner A's, assigned to pm_assigned) and cloud_b (partner B's).
SEES = {
    "cloud_a": {"admin", "pm_assigned", "pm_unassigned", "executive", "partner_user", "own_key"},
    "cloud_b": {"admin", "pm_assigned", "pm_unassigned", "executive", "other_partner_user", "other_key"},
}
EDITS = {
    "cloud_a": {"admin", "pm_assigned", "partner_user", "own_key"},
    "cloud_b": {"admin", "other_partner_user", "other_key"},
}


def view(caller, cloud):
    return UNAUTHENTICATED.get(caller) or (200 if caller in SEES[cloud] else 404)


def patch(caller, cloud):
    return UNAUTHENTICATED.get(caller) or (404 if caller not in SEES[cloud] else 200 if caller in EDITS[cloud]
                                           else 403)


def bulk(caller, cloud):
    # Visible but not changeable: 403, as for a PATCH. Rows the caller cannot see are reported
    # per row ("not_found") in a 400, so nothing reveals that they exist.
    return UNAUTHENTICATED.get(caller) or (200 if caller in EDITS[cloud] else 403 if caller in SEES[cloud]
                                           else 400)


def named(caller, cloud):
    """A person employed by the cloud's partner: their partner, administrators, the cloud's managers."""
    return UNAUTHENTICATED.get(caller) or (200 if caller in EDITS[cloud] else 404)


def staff_create(caller, cloud):
    # Executives (and users without a role) may not write people at all; anyone else naming a cloud they
    # may not staff gets a 400.
    return UNAUTHENTICATED.get(caller) or (201 if caller in EDITS[cloud] else 403
                                           if caller in ("executive", "no_role") else 400)


def staff_bulk(caller, cloud):
    return UNAUTHENTICATED.get(caller) or (200 if caller in EDITS[cloud] else 403
                                           if caller in ("executive", "no_role") else 400)


def metrics_bulk(caller, cloud):
    # Callers who report for no cloud at all get 403; a cloud they do not report for is a bad row (400).
    return UNAUTHENTICATED.get(caller) or (200 if caller in EDITS[cloud] else 403
                                           if caller in ("executive", "pm_unassigned", "no_role") else 400)


def waiver_create(caller, cloud):
    # Whoever may change the item asks for its waiver (201); visible but not changeable 403; hidden 404.
    return UNAUTHENTICATED.get(caller) or (201 if caller in EDITS[cloud] else 403 if caller in SEES[cloud]
                                           else 404)


PARTNER_OF = {"cloud_a": {"partner_user", "own_key"}, "cloud_b": {"other_partner_user", "other_key"}}


def webhook_create(caller, cloud):
    # Endpoints belong to a partner: its staff and keys register them; anyone else is refused (403).
    return UNAUTHENTICATED.get(caller) or (201 if caller in PARTNER_OF["cloud_a"] | PARTNER_OF["cloud_b"] else 403)


def webhook_own(expected):
    """An endpoint of the cloud's partner: that partner's staff and keys only; anyone else 404."""
    def answer(caller, cloud):
        return UNAUTHENTICATED.get(caller) or (expected if caller in PARTNER_OF[cloud] else 404)
    return answer


def anyone_signed_in(caller, cloud):
    return UNAUTHENTICATED.get(caller, 200)


def public(caller, cloud):
    return 200


# (path template, method) -> expectation(caller, cloud)
EXPECTATIONS = {
    ("/api/v1/items/", "GET"): view,  # with ?cloud=<slug>
    ("/api/v1/items/{id}/", "GET"): view,
    ("/api/v1/items/{id}/", "PATCH"): patch,
    ("/api/v1/items/bulk/", "POST"): bulk,
    ("/api/v1/clouds/", "GET"): anyone_signed_in,
    ("/api/v1/clouds/{slug}/", "GET"): view,
    ("/api/v1/clouds/{slug}/scores/", "GET"): view,
    ("/api/v1/clouds/{slug}/coverage/", "GET"): view,
    ("/api/v1/frameworks/", "GET"): anyone_signed_in,
    ("/api/v1/frameworks/{id}/", "GET"): anyone_signed_in,
    ("/api/v1/frameworks/{id}/requirements/", "GET"): anyone_signed_in,
    ("/api/v1/partners/", "GET"): anyone_signed_in,
    ("/api/v1/findings/", "GET"): view,  # with ?cloud=<slug>
    ("/api/v1/findings/{id}/", "GET"): view,
    ("/api/v1/findings/{id}/acknowledge/", "POST"): patch,  # those who may change the cloud
    ("/api/v1/staff/", "GET"): view,  # with ?cloud=<slug>
    ("/api/v1/staff/", "POST"): staff_create,
    ("/api/v1/staff/{id}/", "GET"): named,
    ("/api/v1/staff/{id}/", "PATCH"): named,
    ("/api/v1/staff/bulk/", "POST"): staff_bulk,
    ("/api/v1/metrics/", "GET"): view,  # with ?cloud=<slug>
    ("/api/v1/metrics/definitions/", "GET"): anyone_signed_in,
    ("/api/v1/metrics/bulk/", "POST"): metrics_bulk,
    ("/api/v1/gates/", "GET"): view,  # with ?cloud=<slug>
    ("/api/v1/decisions/", "GET"): view,  # with ?cloud=<slug>
    ("/api/v1/decisions/{id}/", "GET"): view,
    ("/api/v1/waivers/", "GET"): view,  # with ?cloud=<slug>
    ("/api/v1/waivers/{id}/", "GET"): view,
    ("/api/v1/waivers/", "POST"): waiver_create,
    ("/api/v1/framework-moves/", "GET"): view,  # with ?cloud=<slug>; `gated` moved both clouds to version 2
    ("/api/v1/events/", "GET"): view,  # with ?cloud=<slug>
    ("/api/v1/webhooks/", "GET"): anyone_signed_in,  # one's own partner's endpoints (none for others)
    ("/api/v1/webhooks/", "POST"): webhook_create,
    ("/api/v1/webhooks/{id}/", "GET"): webhook_own(200),
    ("/api/v1/webhooks/{id}/", "DELETE"): webhook_own(204),
    ("/api/v1/webhooks/{id}/deliveries/", "GET"): webhook_own(200),
    ("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver/", "POST"): webhook_own(202),
    # BI feeds: whole lists scoped to what the caller sees (tests/reports/test_feeds.py checks the scope).
    **{(f"/api/v1/feeds/{name}.{fmt}", "GET"): anyone_signed_in for name in FEEDS for fmt in FORMATS},
}
# Operations that need the cast on a framework version with gates (tests/launches/conftest.py `gated`).
GATED = {"/api/v1/gates/", "/api/v1/decisions/", "/api/v1/decisions/{id}/", "/api/v1/framework-moves/"}
EXTRA_ROUTES = {("/api/schema/", "GET"): public, ("/api/docs/", "GET"): public}


def schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(path, method.upper()) for path, methods in schema["paths"].items() for method in methods}


def test_every_operation_has_an_expectation():
    assert schema_operations() == set(EXPECTATIONS)


def authenticate(api, client, world, keys, caller):
    if caller in SESSIONS:
        api.force_authenticate(user=None)
        client.force_login(getattr(world, caller))
        api.cookies = client.cookies
        return with_key(api, None)
    key = {"own_key": keys.own, "other_key": keys.other, "revoked_key": keys.revoked, "expired_key": keys.expired,
           "no_key": None}[caller]
    return with_key(api, key)


def call_staff(api, path, method, cloud, partner):
    from people.models import StaffMember

    person = StaffMember.objects.create(full_name="Matrix Person", employer=partner, roles="support_engineer",
                                        external_id="matrix-1")
    person.clouds.set([cloud])
    row = {"external_id": "matrix-2", "full_name": "New Person", "roles": ["duty_manager"], "clouds": [cloud.slug]}
    if path == "/api/v1/staff/":
        return api.get(f"{path}?cloud={cloud.slug}") if method == "GET" else api.post(path, row, format="json")
    if path == "/api/v1/staff/bulk/":
        return api.post(path, {"staff": [row]}, format="json")
    url = path.format(id=person.pk)
    if method == "GET":
        return api.get(url)
    return api.patch(url, {"active": False}, format="json", HTTP_IF_MATCH='"1"')


def partner_staff_of(world, cloud_name):
    return world.partner_user if cloud_name == "cloud_a" else world.other_partner_user


def call_launches(api, path, world, cloud_name):
    """A go with conditions at go-no-go (its condition owned by the cloud's partner staff), then the read."""
    cloud = getattr(world, cloud_name)
    decision = record_decision(
        cloud=cloud, gate_code="go-no-go", outcome=Outcome.GO_WITH_CONDITIONS, decided_by_name="Steering committee",
        attendees="Anna", rationale="Ready enough.", actor=world.admin,
        conditions=[ConditionInput("Rehearse the Sev-1 bridge", partner_staff_of(world, cloud_name).pk,
                                   timezone.localdate() + dt.timedelta(days=5))])
    if "{id}" in path:
        return api.get(path.format(id=decision.pk))
    return api.get(f"{path}?cloud={cloud.slug}")


def call_waivers(api, path, method, world, cloud_name, item):
    """A waiver on another item of the cloud, requested by its partner staff; POST asks to waive `item`."""
    other = active_checklist(getattr(world, cloud_name)).items.get(requirement__code="PRC-01")
    waiver = request_waiver(item=other, reason="Tooling arrives late", compensating_control="Manual checks",
                            expires_on=timezone.localdate() + dt.timedelta(days=30),
                            actor=partner_staff_of(world, cloud_name), source=ChangeSource.BROWSER)
    if method == "POST":
        return api.post(path, {"item": item.pk, "reason": "Staff arrive late", "compensating_control": "Overtime",
                               "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()},
                        format="json")
    if "{id}" in path:
        return api.get(path.format(id=waiver.pk))
    return api.get(f"{path}?cloud={getattr(world, cloud_name).slug}")


def call_webhooks(api, path, method, world, cloud_name):
    """An endpoint of the cloud's partner with one delivery; POST registers another for the caller's partner."""
    from readiness import events
    from readiness.models import WebhookDelivery
    from readiness.webhooks import register_endpoint

    cloud = getattr(world, cloud_name)
    partner = world.partner_a if cloud_name == "cloud_a" else world.partner_b
    endpoint = register_endpoint(partner=partner, url="https://receiver.example/hook", description="",
                                 actor=partner_staff_of(world, cloud_name))
    (event,) = events.record([events.Change(events.DAY1_CHANGED, "cloud", cloud.slug, cloud.pk, {})])
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event=event)  # queued by the event itself
    if path == "/api/v1/webhooks/":
        return api.get(path) if method == "GET" else api.post(path, {"url": "https://tool.example/hook"},
                                                                format="json")
    url = path.format(id=endpoint.pk, delivery_id=delivery.pk)
    return {"GET": api.get, "DELETE": api.delete, "POST": api.post}[method](url)


def call(api, path, method, world, cloud_name):
    cloud = getattr(world, cloud_name)
    item = active_checklist(cloud).items.get(requirement__code="PRC-02")
    if "/webhooks/" in path:
        return call_webhooks(api, path, method, world, cloud_name), item
    if "/feeds/" in path:
        response = api.get(path)
        if response.status_code == 200:
            b"".join(response.streaming_content)  # the rows are read while streaming: let them run
        return response, item
    if path == "/api/v1/events/":
        return api.get(f"{path}?cloud={cloud.slug}"), item
    if path == "/api/v1/framework-moves/":
        return api.get(f"{path}?cloud={cloud.slug}"), item
    if path in GATED:
        return call_launches(api, path, world, cloud_name), item
    if "/waivers/" in path:
        return call_waivers(api, path, method, world, cloud_name, item), item
    if "/metrics/" in path:
        from django.utils import timezone

        from operations.catalog_file import load_catalog_file

        load_catalog_file()
        if path.endswith("bulk/"):
            return api.post(path, {"values": [{"cloud": cloud.slug, "metric": "backlog",
                                               "day": timezone.localdate().isoformat(), "value": 5}]},
                            format="json"), item
        return api.get(path + (f"?cloud={cloud.slug}" if path == "/api/v1/metrics/" else "")), item
    if "/staff/" in path:
        partner = world.partner_a if cloud_name == "cloud_a" else world.partner_b
        return call_staff(api, path, method, cloud, partner), item
    if "findings" in path:
        from readiness.insights.engine import refresh_findings
        from readiness.models import Finding

        refresh_findings(None)
        finding = Finding.objects.get(cloud=cloud, rule="unowned")
        url = path.format(id=finding.pk) + (f"?cloud={cloud.slug}" if path.endswith("findings/") else "")
        if method == "POST":
            return api.post(url, {"note": "Owners are being named this week."}, format="json"), item
        return api.get(url), item
    url = path.format(id=item.pk if "items" in path else world.framework.pk, slug=cloud.slug)
    if path == "/api/v1/items/":
        url += f"?cloud={cloud.slug}"
    if method == "GET":
        return api.get(url), item
    if method == "PATCH":
        return api.patch(url, {"status": "in_progress"}, format="json", HTTP_IF_MATCH=f'"{item.version}"'), item
    return api.post(url, {"items": [{"id": item.pk, "version": item.version, "status": "in_progress"}]},
                    format="json"), item


# A feed takes no cloud: one cloud is enough to check who may read it (the scope is tests/reports').
CASES = [(path, method, caller, cloud) for (path, method) in {**EXPECTATIONS, **EXTRA_ROUTES}
         for caller in CALLERS for cloud in ("cloud_a", "cloud_b") if cloud == "cloud_a" or "/feeds/" not in path]


@pytest.mark.parametrize(("path", "method", "caller", "cloud"), CASES,
                         ids=[f"{m} {p} {c} {cl}" for p, m, c, cl in CASES])
def test_operation_answers_as_expected(request, api, client, world, keys, settings, path, method, caller, cloud):
    settings.REDIS_URL = None
    if path in GATED:
        request.getfixturevalue("gated")
    expected = {**EXPECTATIONS, **EXTRA_ROUTES}[(path, method)](caller, cloud)
    response, item = call(authenticate(api, client, world, keys, caller), path, method, world, cloud)
    assert response.status_code == expected, (path, method, caller, cloud, getattr(response, "data", None))
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Api-Key")
    if expected == 200 and method == "GET" and path in {*GATED, "/api/v1/waivers/"}:
        assert len(response.data) >= 1, "the cloud's gates, decisions or waivers are listed"
    item.refresh_from_db()
    if path == "/api/v1/waivers/":
        assert Waiver.objects.filter(item=item).exists() == (expected == 201), "only an accepted request is saved"
        assert item.version == 1, "asking for a waiver leaves the item as it is"
    elif method in ("PATCH", "POST") and not any(part in path for part in ("/staff/", "/metrics/", "/webhooks/",
                                                                          "/acknowledge/")):
        assert item.version == (2 if expected == 200 else 1)
