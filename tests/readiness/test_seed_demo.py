import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from clouds.choices import LifecycleStage, UserRole
from clouds.models import Cloud, Profile
from readiness import demo
from readiness.choices import ChangeSource, ItemStatus
from readiness.models import Checklist, ChecklistItem, Finding, ScoreSnapshot
from readiness.services import update_item


def every_row():
    models = [*apps.get_app_config("clouds").get_models(), *apps.get_app_config("readiness").get_models(),
              *apps.get_app_config("people").get_models(), get_user_model(), Group]
    rows = {}
    for model in models:
        rows[model._meta.label] = list(model.objects.order_by("pk").values())
        for field in model._meta.many_to_many:
            through = getattr(model, field.name).through
            rows[through._meta.label] = list(through.objects.order_by("pk").values())
    return rows


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_seed_demo_twice_leaves_every_row_identical(seeded, settings):
    before = every_row()
    call_command("seed_demo", verbosity=0)
    assert every_row() == before


def test_an_item_edited_between_runs_keeps_its_edit(seeded):
    item = ChecklistItem.objects.filter(status=ItemStatus.IN_PROGRESS, requirement__auto_check="").first()
    update_item(item=item, changes={"notes": "Edited by a program manager"}, actor=None,
                source=ChangeSource.BROWSER, expected_version=item.version)
    call_command("seed_demo", verbosity=0)
    item.refresh_from_db()
    assert item.notes == "Edited by a program manager"
    assert item.version == 2


def test_seed_demo_twice_creates_no_people_either(seeded):
    people = list(apps.get_app_config("people").get_models())
    counts = {model._meta.label: model.objects.count() for model in people}
    assert counts["people.StaffMember"] > 100 and counts["people.StaffingRequirement"] == 24
    assert counts["people.Screening"] and counts["people.Training"]
    call_command("seed_demo", verbosity=0)
    assert {model._meta.label: model.objects.count() for model in people} == counts


def test_a_demo_seeded_on_version_1_moves_to_the_newest_version_keeping_its_work(db, settings, monkeypatch):
    settings.DEBUG = True
    with monkeypatch.context() as before_v2:  # the demo as it was: version 1, no rosters
        before_v2.setattr(demo, "FRAMEWORK_FILE", demo.FRAMEWORK_FILE.with_name("support-readiness-v1.yaml"))
        before_v2.setattr(demo, "_extensions", [])
        call_command("seed_demo", verbosity=0)
    items = ChecklistItem.objects.active()
    states = {(slug, code): status for slug, code, status in items.values_list(
        "checklist__cloud__slug", "requirement__code", "status")}
    history = set(ScoreSnapshot.objects.exclude(day=timezone.localdate()).values_list("cloud_id", "scope", "day",
                                                                                     "score"))
    call_command("seed_demo", verbosity=0)
    assert set(items.values_list("checklist__framework__version", flat=True)) == {3}
    assert Checklist.objects.filter(is_active=False).count() == Cloud.objects.count() == 6
    after = {(slug, code): (status, auto) for slug, code, status, auto in items.values_list(
        "checklist__cloud__slug", "requirement__code", "status", "requirement__auto_check")}
    assert after.keys() == states.keys()
    assert {key for key, (status, auto) in after.items() if status != states[key]} <= {
        key for key, (_, auto) in after.items() if auto}  # only the automatic items may have moved
    assert history <= set(ScoreSnapshot.objects.values_list("cloud_id", "scope", "day", "score"))
    assert not Finding.objects.filter(rule="old_framework", resolved_at__isnull=True).exists()
    before = every_row()
    call_command("seed_demo", verbosity=0)
    assert every_row() == before


def test_seed_demo_rebuilds_a_deleted_cloud_without_touching_the_others(seeded):
    untouched = list(ChecklistItem.objects.exclude(checklist__cloud__slug="germany").order_by("pk").values())
    Cloud.objects.get(slug="germany").delete()
    call_command("seed_demo", verbosity=0)
    assert Cloud.objects.filter(slug="germany").exists()
    assert list(ChecklistItem.objects.exclude(checklist__cloud__slug="germany").order_by("pk").values()) == untouched


def test_demo_portfolio_is_believable(seeded):
    today = timezone.localdate()
    launched = Cloud.objects.filter(stage=LifecycleStage.LAUNCHED)
    assert sorted(launched.values_list("country_code", flat=True)) == ["DE", "FR", "SG", "US"]
    pre_launch = {c.slug: (c.day1_date - today).days for c in Cloud.objects.filter(stage=LifecycleStage.PRE_LAUNCH)}
    assert sorted(pre_launch.values()) == [10, 42]
    for cloud in Cloud.objects.all():
        assert cloud.partner_links.exists() and cloud.program_managers.exists()

    items = ChecklistItem.objects.filter(checklist__is_active=True)
    assert set(items.values_list("status", flat=True)) == set(ItemStatus.values)
    open_items = items.exclude(status__in=[ItemStatus.DONE, ItemStatus.NOT_APPLICABLE])
    assert open_items.filter(due_date__lt=today).exists(), "some items are overdue"
    assert open_items.filter(owner__isnull=True).exists(), "some items are unowned"
    for slug in pre_launch:
        assert open_items.filter(checklist__cloud__slug=slug, requirement__gating=True).exists()
    done = items.filter(status=ItemStatus.DONE)
    assert not done.filter(completed_at__isnull=True).exists()
    assert done.filter(completed_at__date__lt=today - dt.timedelta(days=60)).exists()


def test_one_demo_user_per_role_with_staff_of_two_partners(seeded):
    roles = set(Profile.objects.values_list("role", flat=True))
    assert roles == set(UserRole.values)
    partner_staff = Profile.objects.filter(role=UserRole.PARTNER_STAFF)
    assert partner_staff.values("partner").distinct().count() >= 2
    for username in ("admin", "pm.anna", "exec.claire", "partner.fr", "partner.nl"):
        assert get_user_model().objects.get(username=username).check_password("readiness-demo")
