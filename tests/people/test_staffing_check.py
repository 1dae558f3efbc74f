"""The staffing_coverage check: framework files name it, a job keeps its items true through the service
layer, and people cannot set those items by hand."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.models import Screening, StaffingRequirement, StaffMember, Training
from people.services import apply_staffing_checks
from readiness.audit import item_history
from readiness.choices import ChangeSource
from readiness.framework_file import FrameworkFileError, load_framework, parse_framework
from readiness.services import start_checklist, update_item
from tests.builders import active_checklist

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 6, 15)
CHECKED = """
framework: {slug: checked, name: Checked, version: 1}
requirements:
  - code: PPL-01
    title: Coverage
    pillar: people
    area: staffing
    weight: 5
    gating: true
    guidance: Enough screened engineers.
    check: {name: staffing_coverage, roles: [support_engineer]}
  - code: PRC-01
    title: Runbook
    pillar: process
    area: escalation
    weight: 3
    gating: false
    guidance: Written.
"""


@pytest.fixture
def checked(world):
    framework = load_framework(parse_framework(CHECKED)).framework
    start_checklist(cloud=world.cloud_a, framework=framework, actor=None)
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=2,
                                       screenings="cloud_background_check", trainings="sovereign-boundary")
    return active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")


def engineer(world, name, screened_on):
    person = StaffMember.objects.create(full_name=name, employer=world.partner_a, roles="support_engineer",
                                        citizenships="FR")
    person.clouds.set([world.cloud_a])
    Screening.objects.create(staff=person, kind="cloud_background_check", completed_on=screened_on)
    Training.objects.create(staff=person, course="sovereign-boundary", completed_on=dt.date(2026, 1, 1))
    return person


def test_the_shipped_framework_names_the_check_on_its_coverage_lines():
    spec = parse_framework((ROOT / "readiness/frameworks/support-readiness-v2.yaml").read_text())
    assert {(r.code, r.check, r.check_roles) for r in spec.requirements if r.check} == {
        ("PPL-01", "staffing_coverage", ("support_engineer",)), ("PPL-03", "staffing_coverage", ("duty_manager",))}


def test_an_unknown_check_is_refused_with_its_line():
    with pytest.raises(FrameworkFileError) as refused:
        parse_framework(CHECKED.replace("name: staffing_coverage", "name: psychic_reading"))
    assert "line 11" in str(refused.value) and "unknown check 'psychic_reading'" in str(refused.value)


def test_the_item_flips_to_done_and_back_the_day_after_a_screening_expires(world, checked):
    engineer(world, "Ada", dt.date(2026, 1, 10))
    engineer(world, "Ben", dt.date(2024, 9, 1))  # + 730 days: lapses on 2026-09-01, inside the 180-day horizon
    assert apply_staffing_checks(today=TODAY) == 1
    checked.refresh_from_db()
    assert checked.status == "in_progress" and "falls to 1 of 2 on 2026-09-01" in checked.notes
    Screening.objects.create(staff=StaffMember.objects.get(full_name="Ben"), kind="cloud_background_check",
                             completed_on=dt.date(2026, 6, 1))  # renewed
    apply_staffing_checks(today=TODAY)
    checked.refresh_from_db()
    assert checked.status == "done" and checked.notes.startswith("Met today and through")
    Screening.objects.filter(staff__full_name="Ada").update(expires_on=dt.date(2026, 6, 20))
    apply_staffing_checks(today=dt.date(2026, 6, 19))
    checked.refresh_from_db()
    assert checked.status == "in_progress"  # still met on the last valid day
    apply_staffing_checks(today=dt.date(2026, 6, 20))  # the expiry day: Ada no longer counts
    checked.refresh_from_db()
    assert checked.status == "blocked" and "1 eligible of 2 needed" in checked.notes
    newest = item_history(checked)[0]
    assert newest.source == ChangeSource.JOB and newest.who == "system"


def test_a_second_run_changes_nothing(world, checked):
    engineer(world, "Ada", dt.date(2026, 1, 10))
    apply_staffing_checks(today=TODAY)
    version = checked.__class__.objects.get(pk=checked.pk).version
    assert apply_staffing_checks(today=TODAY) == 0
    assert checked.__class__.objects.get(pk=checked.pk).version == version


def test_people_cannot_set_a_checked_item_by_hand(world, checked, client):
    with pytest.raises(ValidationError, match="set by the staffing coverage check"):
        update_item(item=checked, changes={"status": "done"}, actor=world.pm_assigned,
                    source=ChangeSource.BROWSER, expected_version=checked.version)
    client.force_login(world.pm_assigned)
    page = client.get(reverse("readiness:item", args=[checked.pk])).content.decode()
    assert "Set by the staffing coverage check every day" in page and 'id="item-form"' not in page
    row = client.get(reverse("readiness:checklist", args=["cloud-a"])).content.decode()
    assert f'data-edit="{checked.pk}"' not in row and "Automatic" in row


def test_without_a_staffing_requirement_the_item_says_so(world, checked):
    StaffingRequirement.objects.all().delete()
    apply_staffing_checks(today=TODAY)
    checked.refresh_from_db()
    assert checked.status == "in_progress" and "No staffing requirement is defined" in checked.notes


def test_an_api_write_sets_the_item_at_once(world, checked, client, django_capture_on_commit_callbacks):
    """No wait for the daily run: a staff change queues the check for the clouds it touches."""
    import json

    from django.utils import timezone

    from tests.api.conftest import make_key

    tool = client.__class__(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'hr')}")
    done_on = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    rows = [{"external_id": f"e{n}", "full_name": f"Engineer {n}", "roles": ["support_engineer"], "clouds": ["cloud-a"],
             "screenings": [{"type": "cloud_background_check", "completed_on": done_on}],
             "trainings": [{"course": "sovereign-boundary", "completed_on": done_on}]} for n in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = tool.post("/api/v1/staff/bulk/", json.dumps({"staff": rows}), content_type="application/json")
    assert response.status_code == 200
    checked.refresh_from_db()
    assert checked.status == "done" and item_history(checked)[0].source == ChangeSource.JOB
    with django_capture_on_commit_callbacks(execute=True):
        gone = tool.patch(f"/api/v1/staff/{response.json()['staff'][0]['id']}/", json.dumps({"active": False}),
                          content_type="application/json", HTTP_IF_MATCH='"1"')
    assert gone.status_code == 200
    checked.refresh_from_db()
    assert checked.status == "blocked"
