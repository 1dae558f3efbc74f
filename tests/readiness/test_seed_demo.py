import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from clouds.choices import LifecycleStage, UserRole
from clouds.models import Cloud, Profile
from readiness.choices import ChangeSource, ItemStatus
from readiness.models import ChecklistItem
from readiness.services import update_item


def every_row():
    models = [*apps.get_app_config("clouds").get_models(), *apps.get_app_config("readiness").get_models(),
              get_user_model(), Group]
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
    item = ChecklistItem.objects.filter(status=ItemStatus.IN_PROGRESS).first()
    update_item(item=item, changes={"notes": "Edited by a program manager"}, actor=None,
                source=ChangeSource.BROWSER, expected_version=item.version)
    call_command("seed_demo", verbosity=0)
    item.refresh_from_db()
    assert item.notes == "Edited by a program manager"
    assert item.version == 2


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
