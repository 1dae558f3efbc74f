"""Items through the API: ETags, If-Match, bulk, sync, errors and limits."""

from __future__ import annotations

import datetime as dt
import json
import logging
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.utils import timezone

from clouds.models import PartnerAPIKey
from readiness.audit import item_history
from readiness.choices import ChangeSource
from readiness.models import CloudScoreState
from readiness.services import update_item
from tests.api.conftest import with_key
from tests.builders import active_checklist

ITEMS = "/api/v1/items/"


NOT_FOUND = {"code": "not_found", "detail": "Not found.", "fields": {}, "errors": []}


def item_of(world, code, cloud="cloud_a"):
    return active_checklist(getattr(world, cloud)).items.get(requirement__code=code)


@pytest.fixture
def partner_api(api, keys):
    return with_key(api, keys.own)


def patch(api, item, body, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return api.patch(f"{ITEMS}{item.pk}/", body, format="json", **headers)


def test_retrieve_carries_a_strong_etag_of_the_version(partner_api, world):
    item = item_of(world, "PPL-01")
    response = partner_api.get(f"{ITEMS}{item.pk}/")
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1 and response.json()["cloud"] == "cloud-a"


def test_patch_needs_if_match(partner_api, world):
    item = item_of(world, "PPL-01")
    assert patch(partner_api, item, {"status": "done"}).status_code == 428
    assert patch(partner_api, item, {"status": "done"}, etag="*").status_code == 428
    assert item_of(world, "PPL-01").version == 1


def test_a_weak_etag_never_matches_if_match_so_the_patch_answers_412(partner_api, world):
    item = item_of(world, "PPL-01")
    response = patch(partner_api, item, {"status": "done", "notes": "Roster signed"}, etag='W/"1"')
    assert response.status_code == 412 and response["ETag"] == '"1"'
    assert item_of(world, "PPL-01").version == 1
    assert patch(partner_api, item, {"status": "done"}, etag='W/"1", "1"').status_code == 200


def test_stale_if_match_gets_412_with_the_current_body_and_changes_nothing(partner_api, world):
    item = item_of(world, "PPL-01")
    update_item(item=item, changes={"notes": "someone else"}, actor=None, source=ChangeSource.JOB,
                expected_version=1)
    response = patch(partner_api, item, {"status": "done"}, etag='"1"')
    assert response.status_code == 412
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["code"], body["etag"], body["fields"], body["errors"]) == ("stale_version", '"2"', {}, [])
    assert body["current"]["notes"] == "someone else" and body["current"]["status"] == "not_started"
    assert body["changed_fields"] == ["notes"] and "If-Match: \"2\"" in body["detail"]
    assert item_of(world, "PPL-01").version == 2


def test_412_says_which_fields_changed_since_your_version_by_whom_and_when(partner_api, world):
    item = item_of(world, "PPL-01")
    update_item(item=item, changes={"notes": "Roster drafted"}, actor=world.pm_assigned,
                source=ChangeSource.BROWSER, expected_version=1)
    update_item(item=item_of(world, "PPL-01"), changes={"status": "blocked", "owner": world.partner_user.pk},
                actor=None, source=ChangeSource.JOB, expected_version=2)
    body = patch(partner_api, item, {"status": "done"}, etag='"1"').json()
    assert body["current"]["version"] == 3 and body["changed_since"]["version"] == 1
    assert body["changed_fields"] == ["notes", "owner", "status"]
    changes = body["changed_since"]["changes"]
    assert [(c["version"], c["by"], c["source"], sorted(c["fields"])) for c in changes] == [
        (2, "pm-assigned", "browser", ["notes"]), (3, "system", "job", ["owner", "status"])]
    assert all(c["at"].endswith("Z") or "+" in c["at"] for c in changes)


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "finished"}, "status"),
    ({"colour": "red"}, "colour"),
    ({"owner": "bob"}, "owner"),
    ({"owner": 1.5}, "owner"),
    ({"due_date": "tomorrow"}, "due_date"),
    ({"evidence_url": "ftp//x"}, "evidence_url"),
    ({"accountable_partner": "partner-b"}, "accountable_partner"),
    ({"status": "not_applicable"}, "na_justification"),
    ({"notes": "nul \u0000 byte"}, "notes"),
    ({}, "non_field_errors"),
])
def test_bad_bodies_are_400_with_the_field_and_nothing_stored(partner_api, world, body, field):
    item = item_of(world, "PPL-01")
    response = patch(partner_api, item, body, etag='"1"')
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"] and response.json()["errors"] == [], response.json()
    assert item_of(world, "PPL-01").version == 1


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"null"])
def test_malformed_json_is_a_400(partner_api, world, raw):
    item = item_of(world, "PPL-01")
    response = partner_api.generic("PATCH", f"{ITEMS}{item.pk}/", raw, content_type="application/json",
                                   HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert "detail" in response.json()


def test_an_oversized_body_is_a_json_413(partner_api, world):
    item = item_of(world, "PPL-01")
    body = json.dumps({"notes": "x" * (1024 * 1024 + 10)}).encode()
    response = partner_api.generic("PATCH", f"{ITEMS}{item.pk}/", body, content_type="application/json",
                                   HTTP_IF_MATCH='"1"')
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "larger than" in response.json()["detail"]


def test_a_nul_byte_in_the_query_is_a_400(partner_api):
    for query in ("q=a%00b", "cloud=cloud-a%00", "owner=%00", "area=x%00", "updated_since=2026-01-01T00:00:00%00",
                  "status=done%00", "pillar=people%00", "cursor=%00"):
        response = partner_api.get(f"{ITEMS}?{query}")
        assert response.status_code == 400, (query, response.status_code)
        assert response.json()["detail"]


def test_patch_through_the_api_refreshes_scores_and_records_the_key(partner_api, world):
    item = item_of(world, "PPL-01")
    CloudScoreState.objects.filter(cloud=world.cloud_a).update(stale=False)
    patch(partner_api, item, {"status": "done"}, etag='"1"')
    assert CloudScoreState.objects.get(cloud=world.cloud_a).stale is True  # recompute enqueued on commit
    entry = item_history(item_of(world, "PPL-01"))[0]
    assert (entry.source, entry.api_key_name, entry.who) == (
        "api", "partner-a/partner-a-sync", "API key partner-a/partner-a-sync")


def test_bulk_is_all_or_nothing_and_lists_every_failing_row(partner_api, world):
    good, stale, invalid = item_of(world, "PPL-01"), item_of(world, "PPL-02"), item_of(world, "PRC-01")
    hidden = item_of(world, "PPL-01", cloud="cloud_b")
    update_item(item=stale, changes={"notes": "meanwhile"}, actor=None, source=ChangeSource.JOB,
                expected_version=1)
    response = partner_api.post(f"{ITEMS}bulk/", {"items": [
        {"id": good.pk, "version": 1, "status": "done"},
        {"id": stale.pk, "version": 1, "status": "done"},
        {"id": invalid.pk, "version": 1, "status": "finished"},
        {"id": hidden.pk, "version": 1, "status": "done"},
    ]}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["index"], e["id"], e["code"]) for e in errors] == [
        (1, stale.pk, "stale"), (2, invalid.pk, "invalid"), (3, hidden.pk, "not_found")]
    assert "status" in errors[1]["fields"]
    assert item_of(world, "PPL-01").version == 1 and item_of(world, "PPL-01", "cloud_b").version == 1


def test_bulk_success_returns_every_item_and_audits_each(partner_api, world):
    rows = [item_of(world, code) for code in ("PPL-01", "PPL-02")]
    response = partner_api.post(f"{ITEMS}bulk/", {"items": [
        {"id": item.pk, "version": 1, "status": "in_progress", "owner": world.partner_user.pk} for item in rows
    ]}, format="json")
    assert response.status_code == 200
    assert [(i["status"], i["version"], i["owner"]) for i in response.json()["items"]] == [
        ("in_progress", 2, world.partner_user.pk)] * 2
    assert all(item_history(item)[0].api_key_name == "partner-a/partner-a-sync" for item in rows)


def test_bulk_refuses_more_than_500_rows_and_bad_shapes(partner_api, world):
    item = item_of(world, "PPL-01")
    too_many = {"items": [{"id": item.pk, "version": 1, "notes": "x"}] * 501}
    assert partner_api.post(f"{ITEMS}bulk/", too_many, format="json").status_code == 400
    for body in ({}, {"items": []}, {"items": "x"}, {"rows": []}):
        response = partner_api.post(f"{ITEMS}bulk/", body, format="json")
        assert response.status_code == 400 and response.json()["errors"] == [] and response.json()["fields"]
    # A row that is not an object is a failing row, as in the staff and metrics bulk writes.
    not_an_object = partner_api.post(f"{ITEMS}bulk/", {"items": [1, {"id": item.pk, "version": 1, "notes": "x"}]},
                                     format="json").json()
    assert not_an_object["fields"] == {} and [(e["index"], e["code"], e["id"]) for e in not_an_object["errors"]] == [
        (0, "invalid", None)]
    assert item_of(world, "PPL-01").version == 1
    duplicate = {"items": [{"id": item.pk, "version": 1, "notes": "a"}, {"id": item.pk, "version": 1, "notes": "b"}]}
    assert partner_api.post(f"{ITEMS}bulk/", duplicate, format="json").json()["errors"][0]["index"] == 1


def test_list_is_scoped_paginated_and_filtered_like_the_page(partner_api, world):
    response = partner_api.get(f"{ITEMS}?page_size=4")
    body = response.json()
    assert {row["cloud"] for row in body["results"]} == {"cloud-a"} and len(body["results"]) == 4
    second = partner_api.get(body["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert partner_api.get(f"{ITEMS}?cloud=cloud-a&gating=true").json()["results"].__len__() == 3
    hidden = partner_api.get(f"{ITEMS}?cloud=cloud-b")
    unknown = partner_api.get(f"{ITEMS}?cloud=nope")
    assert hidden.status_code == unknown.status_code == 404 and hidden.json() == unknown.json()


@pytest.mark.parametrize(("query", "field"), [
    ("cursor=garbage", "cursor"), ("cursor=WyJ4IiwgMV0", "cursor"),
    ("updated_since=2026-01-01T00:00:00", "updated_since"),
    ("updated_since=yesterday", "updated_since"), ("page_size=0", "page_size"), ("page_size=501", "page_size"),
    ("page_size=1.5", "page_size"), ("status=finished", "status"), ("owner=1.5", "owner"), ("overdue=maybe", "overdue"),
])
def test_bad_query_parameters_are_400(partner_api, query, field):
    response = partner_api.get(f"{ITEMS}?{query}")
    assert response.status_code == 400, (query, response.content)
    assert field in response.json()["fields"]


def test_sync_loop_with_updated_since_misses_no_change_made_during_paging(partner_api, world):
    since = timezone.now() - dt.timedelta(seconds=1)
    mirror: dict[int, int] = {}
    url = f"{ITEMS}?" + urlencode({"page_size": 2, "updated_since": since.isoformat()})
    edited = []
    pages = 0
    while url:
        page = partner_api.get(url).json()
        for row in page["results"]:
            mirror[row["id"]] = max(mirror.get(row["id"], 0), row["version"])
        pages += 1
        if pages == 1:  # while paging, change an item already seen and one not yet seen
            for code in ("PPL-01", "TEC-02"):
                current = item_of(world, code)
                edited.append(update_item(item=current, changes={"notes": f"edited on page {pages}"},
                                          actor=None, source=ChangeSource.JOB, expected_version=current.version))
        url = page["next"]
    for item in edited:
        assert mirror[item.pk] == item.version, f"{item.requirement.code} change was missed"
    assert len(mirror) == 6


def test_updated_since_is_inclusive(partner_api, world):
    item = item_of(world, "PPL-01")
    query = urlencode({"updated_since": item.updated_at.isoformat(), "page_size": 500})
    ids = [row["id"] for row in partner_api.get(f"{ITEMS}?{query}").json()["results"]]
    assert item.pk in ids


def test_authentication_failures_and_denials_are_logged(api, world, keys, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.api"):
        with_key(api, "not.a-key").get(ITEMS)
        with_key(api, keys.expired).get(ITEMS)
        item = item_of(world, "PPL-01")
        with_key(api, None)
        from rest_framework.test import APIClient

        session = APIClient()
        session.force_authenticate(world.executive)
        session.patch(f"{ITEMS}{item.pk}/", {"status": "done"}, format="json", HTTP_IF_MATCH='"1"')
    text = caplog.text
    assert "unknown or revoked key" in text and "expired key" in text and "API denied (403)" in text


def test_throttling_answers_429_with_retry_after(partner_api, monkeypatch):
    from config.api.throttling import PerClientThrottle

    monkeypatch.setattr(PerClientThrottle, "THROTTLE_RATES", {"api": "3/min"})
    codes = [partner_api.get("/api/v1/clouds/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = partner_api.get("/api/v1/clouds/")
    assert int(response["Retry-After"]) > 0 and "detail" in response.json()


def test_reads_pass_and_writes_are_refused_when_the_throttle_cache_is_down(partner_api, world, monkeypatch):
    from config.api.throttling import PerClientThrottle

    class BrokenCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(PerClientThrottle, "THROTTLE_RATES", {"api": "1/min"})
    monkeypatch.setattr(PerClientThrottle, "cache", BrokenCache())
    assert [partner_api.get("/api/v1/clouds/").status_code for _ in range(3)] == [200, 200, 200]
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    refused = patch(partner_api, item, {"status": "done"}, etag='"1"')
    assert refused.status_code == 503 and "writes are refused" in refused.json()["detail"]
    item.refresh_from_db()
    assert item.version == 1


def test_clouds_carry_scores_and_partners_only_the_own(partner_api, world):
    from readiness.snapshots.recompute import recompute_scores

    recompute_scores(None)
    clouds = partner_api.get("/api/v1/clouds/").json()
    assert [cloud["slug"] for cloud in clouds] == ["cloud-a"]
    scores = clouds[0]["scores"]
    assert scores["level"] == "not_ready" and scores["reason"] == "low_score" and scores["overall"] == 0.0
    assert set(scores["pillars"]) == {"people", "process", "technology"}
    assert [p["slug"] for p in partner_api.get("/api/v1/partners/").json()] == ["partner-a"]
    history = partner_api.get("/api/v1/clouds/cloud-a/scores/?since=2026-01-01").json()
    assert {row["scope"] for row in history} == {"overall", "people", "process", "technology"}
    assert partner_api.get("/api/v1/clouds/cloud-a/scores/?since=1999-01-01").status_code == 400
    assert partner_api.get("/api/v1/clouds/cloud-a/scores/?since=soon").status_code == 400


def test_unknown_api_paths_answer_json_404(partner_api):
    response = partner_api.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_create_api_key_prints_the_key_alone_on_its_last_line(world, capsys, api):
    call_command("create_api_key", "--partner", "partner-a", "--name", "ticketing", "--expires-in-days", "30")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert PartnerAPIKey.objects.get(name="ticketing").expiry_date is not None
    assert with_key(api, key).get("/api/v1/clouds/").status_code == 200
    assert key not in str(PartnerAPIKey.objects.values_list("hashed_key", flat=True)[0])


def test_revoking_a_key_stops_it(world, api, keys):
    PartnerAPIKey.objects.filter(name="partner-a-sync").update(revoked=True)
    assert with_key(api, keys.own).get("/api/v1/clouds/").status_code == 401


def test_browser_sessions_work_too(client, world):
    client.force_login(world.partner_user)
    assert client.get("/api/v1/clouds/").json()[0]["slug"] == "cloud-a"


def test_unmatched_api_paths_answer_json_for_any_method_even_with_a_cookie(world, keys):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Api-Key {keys.own}")
    client.cookies["sessionid"] = "bogus"
    for method in ("get", "patch", "post", "delete"):
        response = getattr(client, method)("/api/v1/items/%C2%84/")
        assert response.status_code == 404 and response.json() == NOT_FOUND, method


def test_bulk_with_an_unparseable_body_keeps_the_one_error_shape(partner_api):
    response = partner_api.generic("POST", f"{ITEMS}bulk/", b"\x00", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_body"
    assert response.json()["errors"] == [] and response.json()["fields"] == {}


@pytest.mark.parametrize("since", ["1084-04-14T17:59:51+16:36", "2026-01-01T00:00:00+15:00", "1900-01-01T00:00:00Z"])
def test_implausible_updated_since_is_a_400_not_a_database_error(partner_api, since):
    response = partner_api.get(f"{ITEMS}?" + urlencode({"updated_since": since}))
    assert response.status_code == 400 and "updated_since" in response.json()["fields"]


@pytest.mark.parametrize(("path", "headers", "query"), [
    ("items/{id}/", {"HTTP_IF_MATCH": '"\u00b2"'}, ""),
    ("items/", {}, "page_size=%C2%B2"),
    ("items/", {}, "page_size=%D9%A3"),
    ("items/", {}, "updated_since=9999-12-31T23:59:59-13:59"),
    ("items/", {}, "updated_since=1970-01-01T00:00:00%2B14:00"),
    ("items/", {}, "q=" + "x" * 100000),
    ("items/", {}, "updatedsince=2026-01-01T00:00:00Z"),
])
def test_odd_inputs_are_400_never_500(partner_api, world, path, headers, query):
    item = item_of(world, "PPL-01")
    url = "/api/v1/" + path.format(id=item.pk) + (f"?{query}" if query else "")
    if "If-Match" in str(headers) or headers:
        response = partner_api.patch(url, {"notes": "x"}, format="json", **headers)
    else:
        response = partner_api.get(url)
    assert response.status_code == 400, (url[:80], response.status_code)


def test_deeply_nested_json_is_a_400(partner_api, world):
    item = item_of(world, "PPL-01")
    body = b"[" * 100000 + b"]" * 100000
    response = partner_api.generic("PATCH", f"{ITEMS}{item.pk}/", body, content_type="application/json",
                                   HTTP_IF_MATCH='"1"')
    assert response.status_code == 400


def test_errors_never_name_users_or_partners_outside_the_cloud(partner_api, world):
    item = item_of(world, "PPL-01")
    for body in ({"owner": world.other_partner_user.pk}, {"owner": 999999}, {"accountable_partner": "partner-b"},
                 {"accountable_partner": "no-such-partner"}, {"accountable_partner": "nul\u0000"}):
        response = patch(partner_api, item, body, etag='"1"')
        text = response.content.decode()
        assert response.status_code == 400
        assert "partner-b-staff" not in text and "Partner B" not in text
    unknown = patch(partner_api, item, {"owner": 999999}, etag='"1"').json()
    other = patch(partner_api, item, {"owner": world.other_partner_user.pk}, etag='"1"').json()
    assert unknown == other


def test_a_missing_trailing_slash_is_a_json_404_with_a_hint(partner_api, world):
    item = item_of(world, "PPL-01")
    response = partner_api.patch(f"{ITEMS}{item.pk}", {"notes": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 404 and "end with a slash" in response.json()["detail"]
