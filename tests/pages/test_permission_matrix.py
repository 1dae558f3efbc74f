"""Every route of the project, for every role and for an own and another cloud, through the real views.

Adding a route without an expectation here fails `test_every_route_has_an_expectation`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from launches.choices import Outcome
from launches.models import Day1Change, Decision, DecisionCondition
from launches.services import ConditionInput, record_decision
from readiness.choices import ChangeSource, WaiverState
from readiness.models import Framework, Waiver
from readiness.waivers import request_waiver
from reports.api.views import FORMATS
from reports.feed_dictionary import FEEDS
from tests.builders import active_checklist, framework_yaml, make_framework
from tests.launches import conftest as launches_conftest

gated = launches_conftest.gated  # the cast on a framework version with gates (tests/launches)

# no_role: signed in, but without a portal role: sees no cloud and writes nothing.
ROLES = ["admin", "pm_assigned", "pm_unassigned", "executive", "partner_user", "other_partner_user", "no_role",
         "anonymous"]
CLOUDS = ["cloud_a", "cloud_b"]  # cloud_a: partner A's, assigned to pm_assigned; cloud_b: partner B's

SEES_ALL = {"admin": 200, "pm_assigned": 200, "pm_unassigned": 200, "executive": 200, "no_role": 404}
VIEW = {
    "cloud_a": {**SEES_ALL, "partner_user": 200, "other_partner_user": 404, "anonymous": 302},
    "cloud_b": {**SEES_ALL, "partner_user": 404, "other_partner_user": 200, "anonymous": 302},
}
# A successful edit redirects back (302); visible but not editable is 403; hidden is 404.
EDIT = {
    "cloud_a": {"admin": 302, "pm_assigned": 302, "pm_unassigned": 403, "executive": 403, "partner_user": 302,
                "other_partner_user": 404, "no_role": 404, "anonymous": 302},
    "cloud_b": {"admin": 302, "pm_assigned": 403, "pm_unassigned": 403, "executive": 403, "partner_user": 404,
                "other_partner_user": 302, "no_role": 404, "anonymous": 302},
}
EVERYONE_SIGNED_IN = {role: 200 for role in ROLES if role != "anonymous"} | {"anonymous": 302}
# People records: written by partner staff, program managers and administrators, never executives.
PEOPLE_WRITERS = EVERYONE_SIGNED_IN | {"executive": 403, "no_role": 403}
# A person employed by the cloud's partner and serving it: seen by name by that partner, administrators
# and the cloud's program manager; everyone else gets the same answer as for no such person.
NAMED_PERSON = {
    "cloud_a": {"admin": 200, "pm_assigned": 200, "pm_unassigned": 404, "executive": 404, "partner_user": 200,
                "other_partner_user": 404, "no_role": 404, "anonymous": 302},
    "cloud_b": {"admin": 200, "pm_assigned": 404, "pm_unassigned": 404, "executive": 404, "partner_user": 404,
                "other_partner_user": 200, "no_role": 404, "anonymous": 302},
}


def shown(table):
    """The page of a write: 200 where the write succeeds (302), the same refusals otherwise."""
    return {cloud: {role: 200 if status == 302 and role != "anonymous" else status for role, status in row.items()}
            for cloud, row in table.items()}


# Launch governance (Day 1, gate decisions): administrators and the cloud's program managers only;
# partner staff, executives and unassigned managers who see the cloud get 403; hidden is 404.
GOVERN = {
    "cloud_a": {"admin": 302, "pm_assigned": 302, "pm_unassigned": 403, "executive": 403, "partner_user": 403,
                "other_partner_user": 404, "no_role": 404, "anonymous": 302},
    "cloud_b": {"admin": 302, "pm_assigned": 403, "pm_unassigned": 403, "executive": 403, "partner_user": 404,
                "other_partner_user": 403, "no_role": 404, "anonymous": 302},
}
# A condition owned by the cloud's partner staff: the owner, the cloud's managers and administrators.
CONDITION_DONE = EDIT
# A waiver requested by the cloud's partner staff: administrators and the cloud's program managers decide
# (readiness.waivers.why_cannot_decide); the requester never, other partners do not see it.
DECIDE_PARTNER_WAIVER = GOVERN
# Framework versions: administrators and program managers without a partner; everyone else 403.
FRAMEWORK_LOADERS = {"admin": 200, "pm_assigned": 200, "pm_unassigned": 200, "executive": 403, "partner_user": 403,
                     "other_partner_user": 403, "no_role": 403, "anonymous": 302}
FRAMEWORK_LOAD = {role: 302 if status == 200 else status for role, status in FRAMEWORK_LOADERS.items()}
# Moving a cloud to the new version: among the loaders, only those who manage that cloud (else 400).
FRAMEWORK_MOVE = {
    "cloud_a": FRAMEWORK_LOAD | {"pm_unassigned": 400},
    "cloud_b": FRAMEWORK_LOAD | {"pm_assigned": 400, "pm_unassigned": 400},
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
    "operations:upload": ("get", EVERYONE_SIGNED_IN | {"executive": 403, "pm_unassigned": 403, "no_role": 403}),
    "operations:portfolio": ("get", EVERYONE_SIGNED_IN),
    "operations:cloud": ("get", VIEW),
    "operations:launches": ("get", EVERYONE_SIGNED_IN),
    "launches:portfolio": ("get", EVERYONE_SIGNED_IN),
    "launches:cloud": ("get", VIEW),
    "launches:cloud_markdown": ("get", VIEW),
    "launches:day1": ("get", shown(GOVERN)),
    "launches:decide": ("get", shown(GOVERN)),  # the go-no-go gate
    "launches:decision": ("get", VIEW),  # a decision of the cloud, with one condition
    "launches:condition_done": ("post", CONDITION_DONE),
    "readiness:waivers": ("get", EVERYONE_SIGNED_IN),
    "readiness:waiver": ("get", VIEW),  # a waiver the cloud's partner staff requested
    "readiness:waiver_decide": ("post", DECIDE_PARTNER_WAIVER),
    "readiness:waiver_withdraw": ("post", EDIT),
    "readiness:waiver_request": ("get", shown(EDIT)),
    "readiness:frameworks": ("get", FRAMEWORK_LOADERS),
    "readiness:framework_load": ("post", FRAMEWORK_LOAD),
    "readiness:framework_upgrade": ("get", FRAMEWORK_LOADERS),
}
# Routes answering a second method: route name -> (method, expectations), checked like EXPECTATIONS.
ALSO = {
    "launches:day1": ("post", GOVERN),
    "launches:decide": ("post", GOVERN),
    "readiness:waiver_request": ("post", EDIT),
    "readiness:framework_upgrade": ("post", FRAMEWORK_MOVE),  # with cloud=<slug>
}
# Launch pages need the cast on a framework version with gates (tests/launches/conftest.py `gated`).
GATED = {name for name in EXPECTATIONS if name.startswith("launches:")}
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
              "staff-list", "staff-detail", "staff-bulk", "metric-list", "metric-definitions", "metric-bulk",
              "gate-list", "decision-list", "decision-detail", "waiver-list", "waiver-detail", "framework-move-list",
              "event-feed", "finding-acknowledge", "webhook-list", "webhook-detail", "webhook-deliveries",
              "webhook-redeliver",
              *(f"feed-{name}-{fmt}" for name in FEEDS for fmt in FORMATS)}  # tests/api/test_api_matrix


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
    if name in ("readiness:item", "readiness:item_history", "readiness:item_edit", "readiness:waiver_request"):
        return reverse(name, kwargs={"pk": item.pk}), item
    if name in ("launches:cloud", "launches:cloud_markdown", "launches:day1"):
        return reverse(name, kwargs={"slug": cloud.slug}), item
    if name == "launches:decide":
        return reverse(name, kwargs={"slug": cloud.slug, "gate_code": "go-no-go"}), item
    if name in ("launches:decision", "launches:condition_done"):
        decision = decision_of(world, cloud_name)
        pk = decision.pk if name == "launches:decision" else decision.conditions.get().pk
        return reverse(name, kwargs={"pk": pk}), item
    if name in ("readiness:waiver", "readiness:waiver_decide", "readiness:waiver_withdraw"):
        return reverse(name, kwargs={"pk": waiver_of(world, cloud_name, item).pk}), item
    if name == "readiness:framework_upgrade":
        return reverse(name, kwargs={"pk": make_framework(version=2).pk}), item
    return reverse(name), item


def partner_staff_of(world, cloud_name):
    return world.partner_user if cloud_name == "cloud_a" else world.other_partner_user


def decision_of(world, cloud_name):
    """A go with conditions at go-no-go, recorded by an administrator; its condition is owned by the
    cloud's partner staff."""
    return record_decision(
        cloud=getattr(world, cloud_name), gate_code="go-no-go", outcome=Outcome.GO_WITH_CONDITIONS,
        decided_by_name="Steering committee", attendees="Anna\nDaan", rationale="Ready enough.",
        conditions=[ConditionInput("Rehearse the Sev-1 bridge", partner_staff_of(world, cloud_name).pk,
                                   timezone.localdate() + dt.timedelta(days=5))],
        actor=world.admin)


def waiver_of(world, cloud_name, item):
    """A waiver on `item` requested by the cloud's partner staff (so the cloud's managers may decide it)."""
    return request_waiver(item=item, reason="Tooling arrives late", compensating_control="Manual checks",
                          expires_on=timezone.localdate() + dt.timedelta(days=30),
                          actor=partner_staff_of(world, cloud_name), source=ChangeSource.BROWSER)


def form_for(name, world, cloud_name, item):
    """What a POST to `name` sends: a valid request, so that only permissions decide the answer."""
    today = timezone.localdate()
    if name == "launches:day1":
        return {"day1": (today + dt.timedelta(days=45)).isoformat(), "reason": "The vendor slipped"}
    if name == "launches:decide":
        return {"outcome": Outcome.NO_GO, "decided_by_name": "Steering committee", "attendees": "Anna",
                "rationale": "Not yet.", "conditions-TOTAL_FORMS": "0", "conditions-INITIAL_FORMS": "0"}
    if name == "launches:condition_done":
        return {"note": "Rehearsed on Monday"}
    if name == "readiness:waiver_decide":
        return {"decision": "approve", "note": "Accepted until the tooling arrives"}
    if name == "readiness:waiver_request":
        return {"reason": "Tooling arrives late", "compensating_control": "Manual checks",
                "expires_on": (today + dt.timedelta(days=30)).isoformat()}
    if name == "readiness:framework_load":
        return {"file": SimpleUploadedFile("test-readiness-3.yaml", framework_yaml(version=3).encode())}
    if name == "readiness:framework_upgrade":
        return {"cloud": [getattr(world, cloud_name).slug]}
    return {"status": "in_progress", "version": item.version, "items": [f"{item.pk}:{item.version}"],
            "owner": "", "due_date": "", "evidence_url": "", "notes": "", "na_justification": "",
            "note": "Owners are being hired"}


def request_as(client, world, role, method, url, item, data=None):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    if method == "get":
        return client.get(url)
    return client.post(url, data if data is not None else form_for(None, world, None, item))


def written(name, cloud):
    """Whether the write of route `name` on `cloud` took place (None for routes checked elsewhere)."""
    if name == "launches:day1":
        return Day1Change.objects.filter(cloud=cloud).exists()
    if name == "launches:decide":
        return Decision.objects.filter(cloud=cloud, outcome=Outcome.NO_GO).exists()
    if name == "launches:condition_done":
        return DecisionCondition.objects.filter(decision__cloud=cloud, done_at__isnull=False).exists()
    if name in ("readiness:waiver_decide", "readiness:waiver_withdraw", "readiness:waiver_request"):
        state = {"readiness:waiver_decide": WaiverState.APPROVED, "readiness:waiver_withdraw": WaiverState.WITHDRAWN,
                 "readiness:waiver_request": WaiverState.REQUESTED}[name]
        return Waiver.objects.filter(item__checklist__cloud=cloud, state=state).exists()
    if name == "readiness:framework_load":
        return Framework.objects.filter(version=3).exists()
    if name == "readiness:framework_upgrade":
        return active_checklist(cloud).framework.version == 2
    return None


CASES = [
    (name, method, role, cloud)
    for name, (method, table) in [*EXPECTATIONS.items(), *ALSO.items()]
    for role in ROLES
    for cloud in (CLOUDS if "cloud_a" in table else [None])
]


def case_id(name, method, role, cloud):
    also = f"-{method}" if name in ALSO and ALSO[name][0] == method else ""
    return f"{name}{also}-{role}-{cloud or 'any'}"


@pytest.mark.parametrize(("name", "method", "role", "cloud"), CASES, ids=[case_id(*case) for case in CASES])
def test_route_answers_as_expected(request, client, world, settings, name, method, role, cloud):
    settings.REDIS_URL = None  # in-process mode: /healthz needs no sweep (tests/readiness/test_healthz.py)
    if name in GATED:
        request.getfixturevalue("gated")
    table = EXPECTATIONS[name][1] if EXPECTATIONS[name][0] == method else ALSO[name][1]
    expected = table[cloud][role] if cloud else table[role]
    cloud_name = cloud or "cloud_a"
    url, item = url_for(name, world, cloud_name)
    data = form_for(name, world, cloud_name, item) if method == "post" else None
    response = request_as(client, world, role, method, url, item, data)
    assert response.status_code == expected, (name, method, role, cloud, response.status_code)
    if method == "post" and (done := written(name, getattr(world, cloud_name))) is not None:
        assert done == (expected == 302 and role != "anonymous"), (name, role, cloud, "write", done)
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


# Who may decide a waiver on cloud A, by who requested it (readiness.waivers.why_cannot_decide): the cloud's
# program manager only when partner staff or a partner key asked; nobody their own; 404 where it is hidden.
WAIVER_DECIDERS = {
    "partner_user": {"admin": 302, "pm_assigned": 302, "pm_unassigned": 403, "executive": 403, "partner_user": 403,
                     "other_partner_user": 404, "no_role": 404},
    "partner_key": {"admin": 302, "pm_assigned": 302, "pm_unassigned": 403, "executive": 403, "partner_user": 403,
                    "other_partner_user": 404, "no_role": 404},
    "pm_assigned": {"admin": 302, "pm_assigned": 403, "pm_unassigned": 403, "executive": 403, "partner_user": 403,
                    "other_partner_user": 404, "no_role": 404},
    "admin": {"admin": 403, "pm_assigned": 403, "pm_unassigned": 403, "executive": 403, "partner_user": 403,
              "other_partner_user": 404, "no_role": 404},
}
DECIDER_CASES = [(requester, role) for requester, row in WAIVER_DECIDERS.items() for role in row]


@pytest.mark.parametrize(("requester", "role"), DECIDER_CASES, ids=[f"{q}-by-{r}" for q, r in DECIDER_CASES])
def test_who_decides_a_waiver_depends_on_who_asked(client, world, requester, role):
    from clouds.api.authentication import PartnerKeyActor
    from clouds.models import PartnerAPIKey

    if requester == "partner_key":
        key, _ = PartnerAPIKey.objects.create_key(name="partner-a-sync", partner=world.partner_a)
        actor = PartnerKeyActor(key)
    else:
        actor = getattr(world, requester)
    item = active_checklist(world.cloud_a).items.get(requirement__code="PRC-02")
    waiver = request_waiver(item=item, reason="Tooling arrives late", compensating_control="Manual checks",
                            expires_on=timezone.localdate() + dt.timedelta(days=30), actor=actor,
                            source=ChangeSource.API if requester == "partner_key" else ChangeSource.BROWSER)
    expected = WAIVER_DECIDERS[requester][role]
    client.force_login(getattr(world, role))
    response = client.post(reverse("readiness:waiver_decide", kwargs={"pk": waiver.pk}),
                           {"decision": "reject", "note": "Hire first"})
    assert response.status_code == expected, (requester, role, response.status_code)
    waiver.refresh_from_db()
    assert (waiver.state == WaiverState.REJECTED) == (expected == 302)


@pytest.mark.parametrize("role", ROLES)
def test_an_unknown_gate_is_not_found_for_everyone(client, gated, role):
    url = reverse("launches:decide", kwargs={"slug": gated.cloud_a.slug, "gate_code": "launch-party"})
    if role != "anonymous":
        client.force_login(getattr(gated, role))
    expected = 302 if role == "anonymous" else 404
    assert client.get(url).status_code == expected
    assert client.post(url, form_for("launches:decide", gated, "cloud_a", None)).status_code == expected
    assert not Decision.objects.exists()


def test_hidden_and_unknown_launch_records_and_waivers_answer_alike(client, gated):
    decision = decision_of(gated, "cloud_b")
    waiver = waiver_of(gated, "cloud_b", active_checklist(gated.cloud_b).items.get(requirement__code="PRC-02"))
    client.force_login(gated.partner_user)
    for name, pk, method in (("launches:decision", decision.pk, "get"), ("readiness:waiver", waiver.pk, "get"),
                             ("launches:condition_done", decision.conditions.get().pk, "post"),
                             ("readiness:waiver_decide", waiver.pk, "post"),
                             ("readiness:waiver_withdraw", waiver.pk, "post")):
        send = getattr(client, method)
        hidden, unknown = send(reverse(name, kwargs={"pk": pk})), send(reverse(name, kwargs={"pk": 999999}))
        assert hidden.status_code == unknown.status_code == 404, name
        assert hidden.content == unknown.content, name
    for name in ("launches:cloud", "launches:day1"):
        hidden = client.get(reverse(name, kwargs={"slug": gated.cloud_b.slug}))
        unknown = client.get(reverse(name, kwargs={"slug": "no-such-cloud"}))
        assert hidden.status_code == unknown.status_code == 404, name
        assert hidden.content == unknown.content, name


@pytest.mark.parametrize(("role", "listed"), [("partner_user", {"cloud_a"}), ("other_partner_user", {"cloud_b"}),
                                              ("executive", {"cloud_a", "cloud_b"}), ("no_role", set())])
def test_waiver_register_and_launch_portfolio_list_only_visible_clouds(client, gated, role, listed):
    links = {}
    for cloud in CLOUDS:
        item = active_checklist(getattr(gated, cloud)).items.get(requirement__code="PRC-02")
        links[cloud] = (reverse("readiness:waiver", kwargs={"pk": waiver_of(gated, cloud, item).pk}),
                        reverse("launches:cloud", kwargs={"slug": getattr(gated, cloud).slug}))
    client.force_login(getattr(gated, role))
    register = client.get(reverse("readiness:waivers")).content.decode()
    portfolio = client.get(reverse("launches:portfolio")).content.decode()
    assert {cloud for cloud, (waiver, _) in links.items() if f'"{waiver}"' in register} == listed
    assert {cloud for cloud, (_, launch) in links.items() if f'"{launch}"' in portfolio} == listed
