import pytest

from readiness.choices import ChangeSource, ItemStatus
from readiness.models import Checklist
from readiness.services import ChecklistAlreadyActiveError, start_checklist, update_item
from tests.builders import SMALL_FRAMEWORK, make_cloud, make_framework


def test_start_checklist_creates_one_item_per_requirement(world):
    cloud = make_cloud("new-cloud")
    checklist = start_checklist(cloud=cloud, framework=world.framework, actor=world.admin)
    assert checklist.is_active
    assert checklist.started_by == world.admin
    assert sorted(checklist.items.values_list("requirement__code", flat=True)) == sorted(
        code for code, *_ in SMALL_FRAMEWORK
    )
    assert set(checklist.items.values_list("status", flat=True)) == {ItemStatus.NOT_STARTED}


def test_starting_the_same_framework_twice_is_refused(world):
    with pytest.raises(ChecklistAlreadyActiveError):
        start_checklist(cloud=world.cloud_a, framework=world.framework, actor=None)
    assert Checklist.objects.filter(cloud=world.cloud_a).count() == 1


def test_new_framework_version_archives_the_old_checklist_and_carries_state_by_code(world):
    old_item = Checklist.objects.get(cloud=world.cloud_a, is_active=True).items.get(requirement__code="PPL-01")
    update_item(item=old_item, changes={"status": ItemStatus.DONE, "notes": "Roster signed"},
                actor=world.admin, source=ChangeSource.ADMIN, expected_version=1)
    v2 = make_framework([*SMALL_FRAMEWORK, ("TEC-03", "technology", "telemetry", 2, False)], version=2)

    checklist = start_checklist(cloud=world.cloud_a, framework=v2, actor=None)

    assert Checklist.objects.get(cloud=world.cloud_a, is_active=True) == checklist
    assert Checklist.objects.filter(cloud=world.cloud_a, is_active=False).count() == 1
    carried = checklist.items.get(requirement__code="PPL-01")
    assert (carried.status, carried.notes) == (ItemStatus.DONE, "Roster signed")
    assert carried.completed_at is not None
    assert checklist.items.get(requirement__code="TEC-03").status == ItemStatus.NOT_STARTED
