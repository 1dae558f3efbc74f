"""/api/v1/staff/: partner tools read and write their own employees; everything validated strictly,
bulk upserts all or nothing and idempotent, PATCH with ETag / If-Match, every change audited."""

import json

import pytest
from django.test import Client

from people.models import Screening, StaffingRequirement, StaffMember
from tests.api.conftest import make_key

PERSON = {
    "external_id": "emp-1", "full_name": "Camille Martin", "roles": ["support_engineer"],
    "citizenships": ["FR"], "clouds": ["cloud-a"], "active": True,
    "screenings": [{"type": "cloud_background_check", "completed_on": "2026-01-10"}],
    "trainings": [{"course": "sovereign-boundary", "completed_on": "2026-02-01"}],
}


def key_client(partner, name="hr-sync") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(partner, name)}")


def post(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def patch(client, path, body, **headers):
    return client.patch(path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def tool(world):
    return key_client(world.partner_a)


def test_a_partner_tool_creates_reads_and_lists_its_employee(world, tool):
    created = post(tool, "/api/v1/staff/", PERSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert created["ETag"] == '"1"'
    assert body["employer"] == "partner-a" and body["clouds"] == ["cloud-a"]
    assert body["screenings"] == [{"type": "cloud_background_check", "completed_on": "2026-01-10",
                                   "expires_on": "2028-01-10"}]  # 730 days by default
    assert body["trainings"][0]["expires_on"] is None
    assert tool.get(f"/api/v1/staff/{body['id']}/").json()["full_name"] == "Camille Martin"
    listed = tool.get("/api/v1/staff/?cloud=cloud-a").json()
    assert [row["external_id"] for row in listed["results"]] == ["emp-1"] and listed["next"] is None
    records = StaffMember.history.filter(id=body["id"])
    assert {(r.change_source, r.api_key_name) for r in records} == {("api", "partner-a/hr-sync")}
    screening = Screening.history.get(staff_id=body["id"])
    assert (screening.change_source, screening.api_key_name) == ("api", "partner-a/hr-sync")


def test_a_partner_never_sees_or_writes_another_partners_people(world, tool):
    other = key_client(world.partner_b, "b-sync")
    person_id = post(tool, "/api/v1/staff/", PERSON).json()["id"]
    assert other.get(f"/api/v1/staff/{person_id}/").status_code == 404
    assert other.get("/api/v1/staff/").json()["results"] == []
    assert patch(other, f"/api/v1/staff/{person_id}/", {"active": False}, HTTP_IF_MATCH='"1"').status_code == 404
    refused = post(other, "/api/v1/staff/", {**PERSON, "employer": "partner-a", "clouds": ["cloud-b"]})
    assert refused.status_code == 400 and "employer" in refused.json()["fields"]
    refused = post(other, "/api/v1/staff/", PERSON)  # cloud-a is not partner B's
    assert refused.status_code == 400 and "clouds" in refused.json()["fields"]
    assert b"Camille" not in other.get("/api/v1/staff/?external_id=emp-1").content


def test_executives_see_no_names_and_may_not_write(world, tool):
    post(tool, "/api/v1/staff/", PERSON)
    client = Client()
    client.force_login(world.executive)
    listed = client.get("/api/v1/staff/")
    assert listed.status_code == 200 and b"Camille" not in listed.content
    assert post(client, "/api/v1/staff/", PERSON).status_code == 403
    assert post(client, "/api/v1/staff/bulk/", {"staff": [PERSON]}).status_code == 403


def test_program_managers_see_and_staff_only_the_clouds_they_manage(world, tool):
    person_id = post(tool, "/api/v1/staff/", PERSON).json()["id"]
    manager, other_manager = Client(), Client()
    manager.force_login(world.pm_assigned)
    other_manager.force_login(world.pm_unassigned)
    assert manager.get(f"/api/v1/staff/{person_id}/").status_code == 200
    assert other_manager.get(f"/api/v1/staff/{person_id}/").status_code == 404
    refused = post(manager, "/api/v1/staff/", {**PERSON, "external_id": "x-2", "clouds": ["cloud-b"]})
    assert refused.status_code == 400 and "clouds" in refused.json()["fields"]


@pytest.mark.parametrize(("field", "value"), [
    ("roles", ["support engineer"]), ("roles", []), ("roles", ["support_engineer", "support_engineer"]),
    ("citizenships", ["fr"]), ("citizenships", ["FRA"]), ("citizenships", "FR"),
    ("active", "yes"), ("active", 1), ("full_name", " Camille"), ("full_name", "Cam\x00ille"),
    ("screenings", [{"type": "cloud_background_check", "completed_on": "20260110"}]),
    ("screenings", [{"type": "cloud_background_check", "completed_on": "2026-W02-1"}]),
    ("screenings", [{"type": "cloud_background_check", "completed_on": "2026-01-10", "expires_on": "2026-01-10"}]),
    ("screenings", [{"type": "vetting", "completed_on": "2026-01-10"}]),
    ("trainings", [{"course": "Sovereign Boundary", "completed_on": "2026-02-01"}]),
    ("clouds", ["Cloud-A"]), ("external_id", "emp 1"), ("nickname", "Cam"),
])
def test_a_value_that_is_not_exactly_well_formed_is_refused_naming_its_field(world, tool, field, value):
    response = post(tool, "/api/v1/staff/", {**PERSON, field: value})
    assert response.status_code == 400 and field in top_level(response.json()["fields"]), response.content
    assert not StaffMember.objects.exists()


def test_patch_needs_the_current_etag_and_changes_only_what_is_sent(world, tool):
    person_id = post(tool, "/api/v1/staff/", PERSON).json()["id"]
    path = f"/api/v1/staff/{person_id}/"
    assert patch(tool, path, {"active": False}).status_code == 428
    saved = patch(tool, path, {"active": False}, HTTP_IF_MATCH='"1"')
    assert saved.status_code == 200 and saved["ETag"] == '"2"'
    assert saved.json()["active"] is False and saved.json()["screenings"][0]["type"] == "cloud_background_check"
    stale = patch(tool, path, {"full_name": "C. Martin"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale["ETag"] == '"2"' and stale.json()["code"] == "stale_version"
    assert stale.json()["current"]["full_name"] == "Camille Martin" and stale.json()["etag"] == '"2"'
    assert stale.json()["changed_fields"] == ["active"]
    same = patch(tool, path, {"active": False}, HTTP_IF_MATCH='"2"')
    assert same.status_code == 200 and same["ETag"] == '"2"'  # nothing changed, nothing recorded
    assert StaffMember.history.filter(id=person_id, version=2).count() == 1
    assert not StaffMember.history.filter(id=person_id, version=3).exists()


def top_level(fields: dict) -> list[str]:
    """Field names without their nested part (roles.0 -> roles)."""
    return sorted({name.split(".")[0] for name in fields})


def test_bulk_upsert_is_all_or_nothing_names_every_bad_row_and_is_idempotent(world, tool):
    rows = [{**PERSON, "external_id": f"emp-{n}", "full_name": f"Person {n}"} for n in range(3)]
    bad = [rows[0], {**rows[1], "roles": ["chef"]}, {**rows[2], "clouds": ["cloud-b"]}, dict(rows[0])]
    refused = post(tool, "/api/v1/staff/bulk/", {"staff": bad})
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert [(e["index"], e["code"], top_level(e["fields"])) for e in errors] == [
        (1, "invalid", ["roles"]), (2, "invalid", ["clouds"]), (3, "invalid", ["external_id"])]
    assert not StaffMember.objects.exists()
    refused = post(tool, "/api/v1/staff/bulk/", {"staff": [rows[0], {**rows[2], "clouds": ["cloud-b"]}, rows[0]]})
    assert [(e["index"], top_level(e["fields"])) for e in refused.json()["errors"]] == [
        (1, ["clouds"]), (2, ["external_id"])]
    assert not StaffMember.objects.exists()

    first = post(tool, "/api/v1/staff/bulk/", {"staff": rows})
    assert first.status_code == 200 and (first.json()["created"], first.json()["updated"]) == (3, 0)
    history = StaffMember.history.count(), Screening.history.count()
    again = post(tool, "/api/v1/staff/bulk/", {"staff": rows})
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 3)
    assert (StaffMember.history.count(), Screening.history.count()) == history
    renewed = [{**rows[0], "screenings": [{"type": "cloud_background_check", "completed_on": "2026-06-01"}]}]
    changed = post(tool, "/api/v1/staff/bulk/", {"staff": renewed}).json()
    assert (changed["updated"], changed["staff"][0]["screenings"][0]["completed_on"]) == (1, "2026-06-01")
    assert Screening.objects.filter(staff__external_id="emp-0").count() == 1


def test_bulk_body_shape_and_size(world, tool):
    assert post(tool, "/api/v1/staff/bulk/", {"staff": []}).status_code == 400
    assert post(tool, "/api/v1/staff/bulk/", [PERSON]).status_code == 400
    too_many = [{**PERSON, "external_id": f"e{n}"} for n in range(501)]
    assert post(tool, "/api/v1/staff/bulk/", {"staff": too_many}).status_code == 400
    assert post(tool, "/api/v1/staff/bulk/", {"staff": [PERSON], "extra": 1}).status_code == 400


def test_clouds_a_writer_cannot_see_are_kept(world, tool):
    """A program manager of cloud A edits a person who also serves cloud B: B stays."""
    admin = Client()
    admin.force_login(world.admin)
    person = post(admin, "/api/v1/staff/", {**PERSON, "employer": None, "clouds": ["cloud-a", "cloud-b"]}).json()
    manager = Client()
    manager.force_login(world.pm_assigned)
    saved = patch(manager, f"/api/v1/staff/{person['id']}/", {"clouds": []}, HTTP_IF_MATCH='"1"')
    assert saved.status_code == 200
    assert sorted(StaffMember.objects.get(pk=person["id"]).clouds.values_list("slug", flat=True)) == ["cloud-b"]


def test_review_findings_stay_fixed(world, tool):
    """Each of these answered 500, lost sight of a saved row, or let an erased name come back."""
    late = post(tool, "/api/v1/staff/", {**PERSON, "screenings": [{"type": "cloud_background_check",
                                                                   "completed_on": "9999-12-30"}]})
    assert late.status_code == 400 and "screenings" in top_level(late.json()["fields"])
    manager = Client()
    manager.force_login(world.pm_assigned)
    nowhere = post(manager, "/api/v1/staff/", {**PERSON, "external_id": "pm-1", "clouds": []})
    assert nowhere.status_code == 400 and "clouds" in nowhere.json()["fields"]
    nowhere = post(manager, "/api/v1/staff/bulk/", {"staff": [{**PERSON, "external_id": "pm-2", "clouds": []}]})
    assert nowhere.status_code == 400 and not StaffMember.objects.filter(external_id__startswith="pm-").exists()
    duplicate = tool.post("/api/v1/staff/", '{"full_name": "A", "full_name": "B", "roles": ["support_engineer"]}',
                          content_type="application/json")
    assert duplicate.status_code == 400 and "more than once" in duplicate.json()["detail"]
    impossible = post(tool, "/api/v1/staff/", {**PERSON, "screenings": [{"type": "cloud_background_check",
                                                                         "completed_on": "2026-02-30"}]})
    assert "no such day" in json.dumps(impossible.json())


def test_erased_people_cannot_be_written_again(world, tool):
    import datetime as dt

    from people.privacy import erase_removed_people

    person_id = post(tool, "/api/v1/staff/", {**PERSON, "active": False}).json()["id"]
    erase_removed_people(today=StaffMember.objects.get(pk=person_id).inactive_since + dt.timedelta(days=365))
    version = StaffMember.objects.get(pk=person_id).version
    assert version == 2  # erasure is a change partner tools see
    for change in ({"active": True}, {"full_name": "Camille Martin"}):
        refused = patch(tool, f"/api/v1/staff/{person_id}/", change, HTTP_IF_MATCH=f'"{version}"')
        assert refused.status_code in (400, 404)
    assert not StaffMember.history.filter(full_name="Camille Martin").exists()


def test_every_failing_bulk_row_is_reported_at_once(world, tool):
    rows = [{**PERSON, "external_id": "ok-1"}, {**PERSON, "external_id": "bad-1", "roles": ["chef"]},
            {**PERSON, "external_id": "bad-2", "clouds": ["cloud-b"]}, {**PERSON, "external_id": ""},
            {**PERSON, "external_id": "ok-1"}]
    errors = post(tool, "/api/v1/staff/bulk/", {"staff": rows}).json()["errors"]
    assert [e["index"] for e in errors] == [1, 2, 3, 4]
    assert not StaffMember.objects.exists()


def test_leaving_out_active_keeps_a_removed_person_removed(world, tool):
    post(tool, "/api/v1/staff/bulk/", {"staff": [{**PERSON, "active": False}]})
    row = {key: value for key, value in PERSON.items() if key != "active"}
    assert post(tool, "/api/v1/staff/bulk/", {"staff": [row]}).json()["unchanged"] == 1
    assert StaffMember.objects.get().active is False


def test_the_admin_history_names_the_key(world, tool):
    person_id = post(tool, "/api/v1/staff/", PERSON).json()["id"]
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get(f"/admin/people/staffmember/{person_id}/history/")
    assert page.status_code == 200 and b"partner-a/hr-sync" in page.content


def test_citizenships_must_be_real_iso_codes(world, tool):
    from django.core.exceptions import ValidationError

    refused = post(tool, "/api/v1/staff/", {**PERSON, "citizenships": ["FR", "XX"]})
    assert refused.status_code == 400 and "not an ISO 3166 country code" in json.dumps(refused.json())
    requirement = StaffingRequirement(
        cloud=world.cloud_a, role="support_engineer", minimum=1, allowed_citizenships="FR,QQ")
    with pytest.raises(ValidationError, match="QQ"):
        requirement.full_clean()


def test_a_412_names_the_fields_changed_since_the_callers_version(world, tool):
    person_id = post(tool, "/api/v1/staff/", PERSON).json()["id"]
    path = f"/api/v1/staff/{person_id}/"
    patch(tool, path, {"screenings": [{"type": "cloud_background_check", "completed_on": "2026-03-01"}]},
          HTTP_IF_MATCH='"1"')
    patch(tool, path, {"clouds": [], "roles": ["incident_manager"]}, HTTP_IF_MATCH='"2"')
    since_first = patch(tool, path, {"full_name": "C. Martin"}, HTTP_IF_MATCH='"1"').json()
    since_second = patch(tool, path, {"full_name": "C. Martin"}, HTTP_IF_MATCH='"2"').json()
    assert since_first["changed_fields"] == ["clouds", "roles", "screenings"]
    assert since_second["changed_fields"] == ["clouds", "roles"]
    assert since_second["current"]["version"] == 3 and since_second["current"]["clouds"] == []
