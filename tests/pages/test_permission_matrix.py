"""Every route of the project, for every role and for an own and another cloud, through the real views.

Adding a route without an expectation here fails `test_every_route_has_an_expectation`.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.builders import active_checklist

ROLES = ["admin", "pm_assigned", "pm_unassigned", "executive", "partner_user", "other_partner_user", "anonymous"]
CLOUDS = ["cloud_a", "cloud_b"]  # cloud_a: partner A's, assigned to pm_assigned; cloud_b: partner B's

SEES_ALL = {"admin": 200, "pm_assigned": 200, "pm_unassigned": 200, "executive": 200}
VIEW = {
    "cloud_a": {**SEES_ALL, "partner_user": 200, "other_partner_user": 404, "anonymous": 302},
    "cloud_b": {**SEES_ALL, "partner_user": 404, "other_partner_user": 200, "anonymous": 302},
}
# A successful edit redirects back (302); visible but not editable is 403; hidden is 404.
EDIT = {
    "cloud_a": {"admin": 302, "pm_assigned": 302, "pm_unassigned": 403, "executive": 403, "partner_user": 302,
                "other_partner_user": 404, "anonymous": 302},
    "cloud_b": {"admin": 302, "pm_assigned": 403, "pm_unassigned": 403, "executive": 403, "partner_user": 404,
                "other_partner_user": 302, "anonymous": 302},
}
EVERYONE_SIGNED_IN = {role: 200 for role in ROLES if role != "anonymous"} | {"anonymous": 302}
# People records: written by partner staff, program managers and administrators, never executives.
PEOPLE_WRITERS = EVERYONE_SIGNED_IN | {"executive": 403}
# A person employed by the cloud's partner and serving it: seen by name by that partner, administrators
# and the cloud's program manager; everyone else gets the same answer as for no such person.
NAMED_PERSON = {
    "cloud_a": {"admin": 200, "pm_assigned": 200, "pm_unassigned": 404, "executive": 404, "partner_user": 200,
                "other_partner_user": 404, "anonymous": 302},
    "cloud_b": {"admin": 200, "pm_assigned": 404, "pm_unassigned": 404, "executive": 404, "partner_user": 404,
                "other_partner_user": 200, "anonymous": 302},
}

# route name -> (method, per-cloud expectations or one table for routes without a cloud)
EXPECTATIONS = {
    "home": ("get", EVERYONE_SIGNED_IN),
    "readiness:my_items": ("get", EVERYONE_SIGNED_IN),
    "login": ("get", {role: 302 for role in ROLES if role != "anonymous"} | {"anonymous": 200}),
    "logout": ("post", {role: 302 for role in ROLES}),
    "healthz": ("get", {role: 200 for role in ROLES}),
    "readiness:checklist": ("get", VIEW),
    "readiness:item": ("get", VIEW),
    "readiness:item_history": ("get", VIEW),
    "readiness:item_edit": ("post", EDIT),
    "readiness:bulk_edit": ("post", EDIT),
    "readiness:risks": ("get", EVERYONE_SIGNED_IN),
    "readiness:risk_acknowledge": ("post", EDIT),
    "dashboards:portfolio": ("get", EVERYONE_SIGNED_IN),
    "dashboards:portfolio_markdown": ("get", EVERYONE_SIGNED_IN),
    "dashboards:cloud": ("get", VIEW),
    "dashboards:cloud_markdown": ("get", VIEW),
    "dashboards:items_csv": ("get", VIEW),  # with ?cloud=<slug>
    "dashboards:scores_csv": ("get", VIEW),  # with ?cloud=<slug>
    "people:cloud_people": ("get", VIEW),
    "people:renewals": ("get", EVERYONE_SIGNED_IN),
    "people:new_staff": ("get", PEOPLE_WRITERS),
    "people:import_roster": ("get", PEOPLE_WRITERS),
    "people:edit_staff": ("get", NAMED_PERSON),
    # Metrics are uploaded by whoever reports for a cloud: a manager with no cloud and executives cannot.
    "operations:upload": ("get", EVERYONE_SIGNED_IN | {"executive": 403, "pm_unassigned": 403}),
    "operations:portfolio": ("get", EVERYONE_SIGNED_IN),
    "operations:cloud": ("get", VIEW),
    "operations:launches": ("get", EVERYONE_SIGNED_IN),
}
# The Django admin is one route family: staff only, everything else is sent to its login.
ADMIN_NAMESPACE = "admin"
ADMIN_INDEX = {"admin": 200} | {role: 302 for role in ROLES if role != "admin"}


def route_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from route_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


# Routes under /api/, each checked for every caller in tests/api/test_api_matrix.py.
API_ROUTES = {"item-list", "item-detail", "item-bulk", "cloud-list", "cloud-detail", "cloud-scores",
              "framework-list", "framework-detail", "framework-requirements", "partner-list", "api-schema",
              "api-docs", "api-not-found", "finding-list", "finding-detail", "cloud-coverage",
              "staff-list", "staff-detail", "staff-bulk", "metric-list", "metric-definitions", "metric-bulk"}


def test_every_route_has_an_expectation():
    missing = sorted(name for name in set(route_names())
                     if name not in EXPECTATIONS and name not in API_ROUTES
                     and not name.startswith(f"{ADMIN_NAMESPACE}:"))
    assert missing == [], f"routes without an expectation in the permission matrix: {missing}"
    assert set(route_names()) >= API_ROUTES


def url_for(name, world, cloud_name):
    cloud = getattr(world, cloud_name)
    item = active_checklist(cloud).items.get(requirement__code="PRC-02")
    if name in ("readiness:checklist", "readiness:bulk_edit", "dashboards:cloud", "dashboards:cloud_markdown",
                "people:cloud_people", "operations:cloud"):
        return reverse(name, kwargs={"slug": cloud.slug}), item
    if name in ("dashboards:items_csv", "dashboards:scores_csv"):
        return reverse(name) + f"?cloud={cloud.slug}", item
    if name == "readiness:risk_acknowledge":
        from readiness.insights.engine import refresh_findings
        from readiness.models import Finding

        refresh_findings([cloud.pk])
        return reverse(name, kwargs={"pk": Finding.objects.get(cloud=cloud, rule="unowned").pk}), item
    if name == "people:edit_staff":
        from people.models import StaffMember

        partner = world.partner_a if cloud_name == "cloud_a" else world.partner_b
        person = StaffMember.objects.create(full_name="Matrix Person", employer=partner, roles="support_engineer")
        person.clouds.set([cloud])
        return reverse(name, kwargs={"pk": person.pk}), item
    if name in ("readiness:item", "readiness:item_history", "readiness:item_edit"):
        return reverse(name, kwargs={"pk": item.pk}), item
    return reverse(name), item


def request_as(client, world, role, method, url, item):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    if method == "get":
        return client.get(url)
    data = {"status": "in_progress", "version": item.version, "items": [f"{item.pk}:{item.version}"],
            "owner": "", "due_date": "", "evidence_url": "", "notes": "", "na_justification": "",
            "note": "Owners are being hired"}
    return client.post(url, data)


CASES = [
    (name, role, cloud)
    for name, (method, table) in EXPECTATIONS.items()
    for role in ROLES
    for cloud in (CLOUDS if "cloud_a" in table else [None])
]


@pytest.mark.parametrize(("name", "role", "cloud"), CASES, ids=[f"{n}-{r}-{c or 'any'}" for n, r, c in CASES])
def test_route_answers_as_expected(client, world, settings, name, role, cloud):
    settings.REDIS_URL = None  # in-process mode: /healthz needs no sweep (tests/readiness/test_healthz.py)
    method, table = EXPECTATIONS[name]
    expected = table[cloud][role] if cloud else table[role]
    url, item = url_for(name, world, cloud or "cloud_a")
    response = request_as(client, world, role, method, url, item)
    assert response.status_code == expected, (name, role, cloud, response.status_code)
    if name == "readiness:risk_acknowledge":
        from readiness.models import Finding

        acknowledged = Finding.objects.get(cloud=getattr(world, cloud), rule="unowned").acknowledged_at is not None
        assert acknowledged == (expected == 302 and role != "anonymous")
        return
    is_edit = name in ("readiness:item_edit", "readiness:bulk_edit")
    if role == "anonymous" and expected == 302 and name != "logout":
        assert response.url.startswith(reverse("login")), response.url
    item.refresh_from_db()
    if is_edit and expected == 302 and role != "anonymous":
        assert (item.status, item.version) == ("in_progress", 2), "a permitted edit must be saved"
    elif is_edit:
        assert item.version == 1, "a refused edit must change nothing"


def test_hidden_and_unknown_items_answer_alike(client, world):
    client.force_login(world.partner_user)
    hidden = active_checklist(world.cloud_b).items.first()
    for name in ("readiness:item", "readiness:item_history"):
        assert client.get(reverse(name, kwargs={"pk": hidden.pk})).content == \
            client.get(reverse(name, kwargs={"pk": 999999})).content
    post_hidden = client.post(reverse("readiness:item_edit", kwargs={"pk": hidden.pk}), {"status": "done"})
    post_unknown = client.post(reverse("readiness:item_edit", kwargs={"pk": 999999}), {"status": "done"})
    assert post_hidden.status_code == post_unknown.status_code == 404
    assert post_hidden.content == post_unknown.content


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_staff_only(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    assert client.get(reverse("admin:index")).status_code == ADMIN_INDEX[role]
