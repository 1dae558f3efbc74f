"""Defects found by probing (each failed before its fix): no 500s, no lost acknowledgement."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from readiness.insights.engine import refresh_findings
from readiness.insights.services import acknowledge_finding
from readiness.models import Checklist, Finding


@pytest.mark.parametrize("query", ["cloud=%00", "rule=%00", "cloud=cloud-a%00", "state=%00", "severity=%00",
                                   "cloud=cloud-b", "rule=no_such_rule"])
def test_risk_register_refuses_bad_filters_with_a_400_naming_the_parameter(client, world, query):
    client.force_login(world.partner_user)  # cloud-b is another partner's: refused like an unknown one
    response = client.get(f"/risks/?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert f"{name}: " in response.content.decode()
    if "%00" not in query:  # NUL never reaches the view: refused by WellFormedParametersMiddleware
        assert list(response.context["findings"]) == []


def test_start_checklist_help_does_not_crash(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("start_checklist", "--help")
    assert exit_.value.code == 0
    assert "--framework-version" in capsys.readouterr().out


def test_start_checklist_takes_a_framework_version(world):
    with pytest.raises(Exception, match="already has an active checklist"):
        call_command("start_checklist", "--cloud", "cloud-a", "--framework", world.framework.slug,
                     "--framework-version", str(world.framework.version))


def test_program_manager_can_view_a_checklist_in_the_admin(client, world):
    world.pm_assigned.is_staff = True
    world.pm_assigned.save()
    from django.contrib.auth.models import Permission

    world.pm_assigned.user_permissions.add(*Permission.objects.filter(codename__in=["view_checklist",
                                                                                     "add_checklist"]))
    client.force_login(world.pm_assigned)
    checklist = Checklist.objects.active().get(cloud=world.cloud_a)
    assert client.get(f"/admin/readiness/checklist/{checklist.pk}/change/").status_code == 200


def test_acknowledging_twice_keeps_the_first_and_says_why(world):
    refresh_findings([world.cloud_a.pk])
    finding = Finding.objects.get(cloud=world.cloud_a, rule="unowned", resolved_at__isnull=True)
    stale_copy = Finding.objects.get(pk=finding.pk)  # read before the first acknowledgement
    acknowledge_finding(finding=finding, actor=world.pm_assigned, note="Owners assigned on Monday")
    with pytest.raises(ValidationError, match="first acknowledgement is kept"):
        acknowledge_finding(finding=stale_copy, actor=world.admin, note="Mine")
    saved = Finding.objects.get(pk=finding.pk)
    assert (saved.acknowledged_by, saved.acknowledgement_note) == (world.pm_assigned, "Owners assigned on Monday")


@pytest.mark.django_db(transaction=True)
def test_two_acknowledgements_at_the_same_moment_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL)")
    refresh_findings([world.cloud_a.pk])
    finding = Finding.objects.get(cloud=world.cloud_a, rule="unowned", resolved_at__isnull=True)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def acknowledge(user, note):
        copy = Finding.objects.get(pk=finding.pk)
        barrier.wait()
        try:
            acknowledge_finding(finding=copy, actor=user, note=note)
            outcomes.append(note)
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=acknowledge, args=(world.pm_assigned, "first")),
               threading.Thread(target=acknowledge, args=(world.admin, "second"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["first", "refused"], ["refused", "second"])
    saved = Finding.objects.get(pk=finding.pk)
    assert saved.acknowledgement_note == next(note for note in outcomes if note != "refused")


def test_any_status_on_the_checklist_filter_is_no_filter(client, world):
    client.force_login(world.pm_assigned)
    response = client.get("/clouds/cloud-a/?status=&pillar=&owner=&q=")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" not in body
    assert response.context["item_count"] == world.cloud_a.checklists.get(is_active=True).items.count()


def test_a_bad_date_on_the_item_page_is_kept_highlighted_and_named(client, world):
    client.force_login(world.pm_assigned)
    item = Checklist.objects.active().get(cloud=world.cloud_a).items.first()
    response = client.post(f"/items/{item.pk}/edit/", {
        "status": "in_progress", "owner": "", "due_date": "2026-02-30", "evidence_url": "", "notes": "",
        "na_justification": "", "version": item.version})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Check the highlighted field: Due date." in body
    # A type="date" input would be blanked by the browser: the typed text stays, marked invalid.
    assert ('<input type="text" name="due_date" value="2026-02-30" placeholder="YYYY-MM-DD" aria-invalid="true"'
            in body)


@pytest.mark.parametrize(("url", "data", "field", "message"), [
    ("/admin/clouds/partner/add/", {"slug": "new-ncoe", "name": "New", "kind": "ncoe", "country_code": "fr"},
     "country_code", "two-letter ISO 3166 country code in capitals"),
    ("/admin/clouds/partner/add/", {"slug": "New_NCOE", "name": "New", "kind": "ncoe", "country_code": "FR"},
     "slug", "lowercase letters, digits and single hyphens"),
])
def test_the_admin_shows_constraint_errors_on_their_fields_in_words(client, world, url, data, field, message):
    client.force_login(world.admin)
    response = client.post(url, data)
    assert response.status_code == 200  # the form again
    form = response.context["adminform"].form
    assert any(message in error for error in form.errors.get(field, [])), form.errors
    assert "is violated" not in response.content.decode()


def test_a_launched_cloud_without_day1_is_refused_on_the_day1_field(world):
    from django.core.exceptions import ValidationError as DjangoValidationError

    world.cloud_a.stage, world.cloud_a.day1_date = "launched", None
    with pytest.raises(DjangoValidationError) as refused:
        world.cloud_a.validate_constraints()
    assert refused.value.message_dict == {"day1_date": ["A launched cloud needs its Day 1 date."]}
