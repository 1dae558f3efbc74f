"""CSV roster import (page and command) and the browser form for one person."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from people.models import Screening, StaffMember

HEADER = "external_id,full_name,employer,roles,citizenships,clouds,active,screenings,trainings\n"
GOOD = (HEADER
        + "emp-1,Camille Martin,,support_engineer;duty_manager,FR,cloud-a,true,"
          "cloud_background_check:2026-03-01,sovereign-boundary:2026-02-10\n"
        + "emp-2,Jonas Weber,,support_engineer,DE;FR,cloud-a,,cloud_background_check:2026-01-01:2027-01-01,\n")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, text: str, name="roster.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/people/import/", {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_a_partner_imports_its_roster_once_and_again_changes_nothing(world):
    client = signed_in(world.partner_user)
    first = upload(client, GOOD)
    assert first.status_code == 200 and b"2 created" in first.content
    camille = StaffMember.objects.get(external_id="emp-1")
    assert (camille.employer, camille.roles, camille.citizenships) == (world.partner_a, "duty_manager,support_engineer",
                                                                        "FR")
    assert Screening.objects.get(staff=camille).expires_on.isoformat() == "2028-02-29"  # 730 days
    history = StaffMember.history.count()
    again = upload(client, GOOD)
    assert b"0 created, 0 updated, 2 unchanged" in again.content and StaffMember.history.count() == history
    assert {r.change_source for r in StaffMember.history.all()} == {"import"}


def test_every_bad_line_is_named_and_nothing_is_imported(world):
    bad = (HEADER
           + "emp-1,Camille Martin,,support_engineer,FR,cloud-a,true,cloud_background_check:2026-03-01,\n"
           + "emp-2,Jonas Weber,,chef,FR,cloud-a,yes,,\n"
           + "emp-3,Ana Silva,,support_engineer,fr,cloud-b,true,cloud_background_check:20260101,\n"
           + "emp-1,Camille Again,,support_engineer,FR,cloud-a,true,,\n"
           + "emp-4,Too,Many,Columns,,,,,,,\n")
    response = upload(signed_in(world.partner_user), bad)
    assert response.status_code == 400
    text = response.content.decode()
    for expected in ("line 3, active", "line 4, citizenships", "line 4, screenings", "line 6, line"):
        assert expected in text, expected
    assert not StaffMember.objects.exists()
    # Rows that are well-formed but break a rule are named too (a cloud not theirs, a repeated id).
    response = upload(signed_in(world.partner_user), HEADER
                      + "emp-1,Camille Martin,,support_engineer,FR,cloud-b,true,,\n"
                      + "emp-2,Jonas Weber,,support_engineer,FR,cloud-a,true,,\n"
                      + "emp-2,Jonas Again,,support_engineer,FR,cloud-a,true,,\n")
    text = response.content.decode()
    assert "line 2, clouds" in text and "line 4, external_id" in text and not StaffMember.objects.exists()


@pytest.mark.parametrize(("data", "problem"), [
    (b"\xff\xfe" + GOOD.encode("utf-16-le"), b"Not UTF-8"),
    (b"", b"Choose a CSV file"),
    (b"name,roles\nx,y\n", b"Unknown column"),
    (HEADER.encode(), b"No people in the file"),
])
def test_unreadable_files_are_refused_with_a_reason(world, data, problem):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(world.partner_user)
    files = {"file": SimpleUploadedFile("r.csv", data, "text/csv")} if data else {}
    response = client.post("/people/import/", files)
    assert response.status_code == 400 and problem in response.content


def test_only_people_writers_may_import(world):
    assert signed_in(world.executive).get("/people/import/").status_code == 403
    assert signed_in(world.pm_assigned).get("/people/import/").status_code == 200


def test_the_command_imports_all_or_nothing(world, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(GOOD.replace(",,support_engineer", ",partner-a,support_engineer"))
    call_command("import_roster", str(path), "--user", world.admin.username)
    assert StaffMember.objects.filter(employer=world.partner_a).count() == 2
    path.write_text(HEADER + "emp-9,X,,chef,FR,cloud-a,true,,\n")
    with pytest.raises(CommandError, match="line 2, roles"):
        call_command("import_roster", str(path), "--user", world.admin.username)


FORM = {"full_name": "Camille Martin", "external_id": "emp-1", "employer": "partner-a", "roles": ["support_engineer"],
        "citizenships": "FR", "clouds": ["cloud-a"], "active": "on",
        "screenings": "cloud_background_check:2026-03-01", "trainings": ""}


def test_a_partner_adds_and_edits_a_person_in_the_browser(world):
    client = signed_in(world.partner_user)
    assert client.get("/people/staff/new/").status_code == 200
    created = client.post("/people/staff/new/", FORM)
    assert created.status_code == 302, created.content.decode()[:2000]
    person = StaffMember.objects.get(external_id="emp-1")
    page = client.get(f"/people/staff/{person.pk}/edit/")
    assert page.status_code == 200 and b"Camille Martin" in page.content
    refused = client.post("/people/staff/new/", {**FORM, "external_id": "emp-2", "citizenships": "fr",
                                                 "screenings": "cloud_background_check:2026-3-1"})
    assert refused.status_code == 400
    assert b"citizenships" in refused.content and StaffMember.objects.count() == 1
    assert signed_in(world.other_partner_user).get(f"/people/staff/{person.pk}/edit/").status_code == 404
    assert signed_in(world.executive).get("/people/staff/new/").status_code == 403


def _form_of(response) -> dict:
    """The form's fields as the browser would post them back, hidden initial values included."""
    import re

    html = response.content.decode()
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data.setdefault(name, []).append(value)
    return data


def test_two_people_editing_one_person_both_keep_their_work(world):
    manager, partner = signed_in(world.pm_assigned), signed_in(world.partner_user)
    partner.post("/people/staff/new/", FORM)
    person = StaffMember.objects.get()
    url = f"/people/staff/{person.pk}/edit/"
    opened_a, opened_b = _form_of(manager.get(url)), _form_of(partner.get(url))
    a = {**opened_a, **{k: v for k, v in FORM.items()}, "full_name": "Camille Martin-Roux"}
    b = {**opened_b, **{k: v for k, v in FORM.items()}, "citizenships": "FR,BE"}
    assert manager.post(url, a).status_code == 302
    assert partner.post(url, b).status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.citizenships) == ("Camille Martin-Roux", "BE,FR")
    clash = {**opened_b, **{k: v for k, v in FORM.items()}, "full_name": "C. Martin"}
    refused = partner.post(url, clash)
    assert refused.status_code == 400 and "Camille Martin-Roux" in refused.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Camille Martin-Roux"


def test_after_a_conflict_saving_again_keeps_my_value_and_leaving_theirs_keeps_theirs(world):
    manager, partner = signed_in(world.pm_assigned), signed_in(world.partner_user)
    partner.post("/people/staff/new/", FORM)
    person = StaffMember.objects.get()
    url = f"/people/staff/{person.pk}/edit/"
    opened_b = _form_of(partner.get(url))
    renamed = {**_form_of(manager.get(url)), **FORM, "full_name": "Camille Martin-Roux"}
    assert manager.post(url, renamed).status_code == 302
    clash = partner.post(url, {**opened_b, **FORM, "full_name": "C. Martin"})
    assert clash.status_code == 400
    again = partner.post(url, {**_form_of(clash), **FORM, "full_name": "C. Martin"})
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "C. Martin"


@pytest.mark.parametrize("path", ["/people/import/", "/operations/upload/"])
def test_the_file_pages_still_check_csrf(world, path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    response = client.post(path, {"file": SimpleUploadedFile("r.csv", GOOD.encode(), "text/csv")})
    assert response.status_code == 403 and not StaffMember.objects.exists()


def test_form_errors_say_which_entry_is_wrong(world):
    screenings = "cloud_background_check:2026-03-01\nnational_clearance:2026-1-1"
    refused = signed_in(world.partner_user).post("/people/staff/new/", {
        **FORM, "citizenships": "FR, DE", "screenings": screenings})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "citizenships[2]: Remove the spaces" in body and "screenings[2].completed_on" in body
