"""Fixes from the code review of people and operations: admin scope, deletions, erasure, bulk cost."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from people.models import StaffMember
from people.privacy import ERASED_NAME, erase_removed_people
from readiness.models import CloudScoreState
from tests.api.conftest import make_key


def person_on(cloud, name="Secret Person", **fields):
    person = StaffMember.objects.create(full_name=name, roles="support_engineer", **fields)
    person.clouds.set([cloud])
    return person


def manager_with(world, *codenames):
    world.pm_assigned.is_staff = True
    world.pm_assigned.save()
    world.pm_assigned.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(world.pm_assigned)
    return client


def test_admin_history_of_a_person_outside_scope_is_a_404(world):
    hidden, mine = person_on(world.cloud_b), person_on(world.cloud_a, "Own Person")
    client = manager_with(world, "view_staffmember", "change_staffmember")
    assert client.get(f"/admin/people/staffmember/{hidden.pk}/history/").status_code == 404
    assert client.get(f"/admin/people/staffmember/{mine.pk}/history/").status_code == 200
    record = StaffMember.history.filter(id=hidden.pk).first()
    assert client.get(f"/admin/people/staffmember/{hidden.pk}/history/{record.history_id}/").status_code == 404


def test_a_manager_changes_only_the_targets_of_clouds_they_manage(world):
    from operations.catalog_file import load_catalog_file
    from operations.models import MetricDefinition, MetricTarget

    load_catalog_file()
    backlog = MetricDefinition.objects.get(code="backlog")
    theirs = MetricTarget.objects.create(cloud=world.cloud_b, metric=backlog, target=Decimal(100))
    client = manager_with(world, "view_metrictarget", "change_metrictarget", "delete_metrictarget")
    client.post(f"/admin/operations/metrictarget/{theirs.pk}/delete/", {"post": "yes"})
    assert MetricTarget.objects.filter(pk=theirs.pk).exists()
    assert client.get("/admin/operations/metrictarget/").content.count(b"/change/") == 0


def test_deleting_a_person_marks_their_clouds_stale(world, django_capture_on_commit_callbacks):
    person = person_on(world.cloud_a)
    generation = CloudScoreState.objects.get(cloud=world.cloud_a).generation
    with django_capture_on_commit_callbacks(execute=True):
        person.delete()
    # Marked stale once the deletion committed (the in-process refresh that follows may clear it again).
    assert CloudScoreState.objects.get(cloud=world.cloud_a).generation > generation


def test_erasure_clears_the_admin_log_too(world):
    person = person_on(world.cloud_a, "Erin Forgetme", active=False)
    LogEntry.objects.create(user=world.admin, content_type=ContentType.objects.get_for_model(StaffMember),
                            object_id=str(person.pk), object_repr=str(person), action_flag=CHANGE,
                            change_message='[{"changed": {"name": "screening", "object": "check of Erin Forgetme"}}]')
    erase_removed_people(today=timezone.localdate() + dt.timedelta(days=365))
    assert not LogEntry.objects.filter(object_repr__contains="Forgetme").exists()
    assert not LogEntry.objects.filter(change_message__contains="Forgetme").exists()
    assert LogEntry.objects.get(object_id=str(person.pk)).object_repr == ERASED_NAME


def test_a_bulk_upsert_asks_for_one_refresh_per_cloud_not_per_row(world, django_capture_on_commit_callbacks):
    tool = Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'hr')}")
    rows = [{"external_id": f"e{n}", "full_name": f"P {n}", "roles": ["support_engineer"], "clouds": ["cloud-a"]}
            for n in range(30)]
    with django_capture_on_commit_callbacks() as callbacks:
        response = tool.post("/api/v1/staff/bulk/", json.dumps({"staff": rows}), content_type="application/json")
    assert response.status_code == 200
    assert len(callbacks) <= 3  # one refresh, one staffing check (not 30 of each)


def test_a_partner_tied_executive_sees_no_names(world):
    from clouds.choices import UserRole
    from people.access import named_staff
    from tests.builders import make_user

    person_on(world.cloud_a, employer=world.partner_a)
    executive = make_user("partner-exec", role=UserRole.EXECUTIVE, partner=world.partner_a)
    assert not named_staff(executive).exists()
    assert named_staff(world.partner_user).exists()


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_browsers_sending_crlf_do_not_see_false_conflicts(world, newline):
    from tests.people.test_roster_writes import FORM, _form_of, signed_in

    partner = signed_in(world.partner_user)
    two = "cloud_background_check:2026-03-01\nnational_clearance:2026-01-01"
    partner.post("/people/staff/new/", {**FORM, "screenings": two})
    person = StaffMember.objects.get()
    url = f"/people/staff/{person.pk}/edit/"
    opened = _form_of(partner.get(url))
    opened["initial-screenings"] = [value.replace("\n", newline) for value in opened.get("initial-screenings", [])]
    StaffMember.objects.filter(pk=person.pk).update(version=person.version + 1)  # someone saved meanwhile
    stored = StaffMember.objects.get().screenings.count()
    screenings = "\n".join(f"{s.kind}:{s.completed_on}:{s.expires_on}" for s in person.screenings.order_by(
        "kind", "completed_on")).replace("\n", newline)
    response = partner.post(url, {**opened, **FORM, "screenings": screenings, "full_name": "Camille M."})
    assert response.status_code == 302, response.content.decode()[:600]
    assert StaffMember.objects.get().screenings.count() == stored
