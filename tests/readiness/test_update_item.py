import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from readiness.choices import ChangeSource, ItemStatus
from readiness.models import ChecklistItem
from readiness.services import StaleVersionError, update_item
from tests.builders import active_checklist


@pytest.fixture
def item(world):
    return active_checklist(world.cloud_a).items.select_related("requirement").get(requirement__code="PRC-02")


def test_update_item_saves_changes_and_bumps_version(world, item):
    saved = update_item(item=item, changes={"status": ItemStatus.IN_PROGRESS, "notes": "Drafting"},
                        actor=world.pm_assigned, source=ChangeSource.BROWSER, expected_version=1)
    item.refresh_from_db()
    assert (saved.version, item.version) == (2, 2)
    assert item.status == ItemStatus.IN_PROGRESS
    assert item.notes == "Drafting"
    assert item.status_changed_at is not None


def test_update_item_refuses_a_stale_version_and_writes_nothing(world, item):
    update_item(item=item, changes={"notes": "first"}, actor=world.pm_assigned,
                source=ChangeSource.BROWSER, expected_version=1)
    with pytest.raises(StaleVersionError) as excinfo:
        update_item(item=item, changes={"notes": "second"}, actor=world.partner_user,
                    source=ChangeSource.API, expected_version=1)
    assert "version 1" in str(excinfo.value) and "version 2" in str(excinfo.value)
    assert excinfo.value.item.notes == "first"
    item.refresh_from_db()
    assert (item.notes, item.version) == ("first", 2)


def test_marking_done_sets_completed_at_and_reopening_clears_it(world, item):
    done = update_item(item=item, changes={"status": ItemStatus.DONE}, actor=world.admin,
                       source=ChangeSource.ADMIN, expected_version=1)
    assert done.completed_at is not None
    reopened = update_item(item=item, changes={"status": ItemStatus.BLOCKED}, actor=world.admin,
                           source=ChangeSource.ADMIN, expected_version=2)
    assert reopened.completed_at is None


def test_not_applicable_without_justification_is_refused(world, item):
    with pytest.raises(ValidationError) as excinfo:
        update_item(item=item, changes={"status": ItemStatus.NOT_APPLICABLE}, actor=world.admin,
                    source=ChangeSource.ADMIN, expected_version=1)
    assert "na_justification" in excinfo.value.message_dict
    item.refresh_from_db()
    assert (item.status, item.version) == (ItemStatus.NOT_STARTED, 1)


def test_not_applicable_with_justification_is_saved_and_cleared_on_reopen(world, item):
    update_item(item=item, changes={"status": ItemStatus.NOT_APPLICABLE, "na_justification": "No such regime"},
                actor=world.admin, source=ChangeSource.ADMIN, expected_version=1)
    reopened = update_item(item=item, changes={"status": ItemStatus.IN_PROGRESS}, actor=world.admin,
                           source=ChangeSource.ADMIN, expected_version=2)
    assert reopened.na_justification == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"due_date": "31/12/2026"}, "due_date"),
        ({"evidence_url": "not a url"}, "evidence_url"),
        ({"owner": 999999}, "owner"),
        ({"version": 7}, "version"),
        ({"requirement": 1}, "requirement"),
    ],
)
def test_bad_changes_name_the_field_and_write_nothing(world, item, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        update_item(item=item, changes=changes, actor=world.admin, source=ChangeSource.ADMIN,
                    expected_version=1)
    assert field in excinfo.value.message_dict
    assert ChecklistItem.objects.get(pk=item.pk).version == 1


def test_due_date_accepts_iso_text(world, item):
    saved = update_item(item=item, changes={"due_date": "2026-12-31"}, actor=world.admin,
                        source=ChangeSource.IMPORT, expected_version=1)
    assert saved.due_date == dt.date(2026, 12, 31)


def test_unknown_source_is_a_programming_error(world, item):
    with pytest.raises(ValueError, match="source"):
        update_item(item=item, changes={}, actor=None, source="email", expected_version=1)


def test_owner_must_be_able_to_see_the_cloud(world, item):
    with pytest.raises(ValidationError) as excinfo:
        update_item(item=item, changes={"owner": world.other_partner_user.pk}, actor=world.admin,
                    source=ChangeSource.ADMIN, expected_version=1)
    assert "Not someone who can own" in excinfo.value.message_dict["owner"][0]
    assert world.other_partner_user.username not in str(excinfo.value)  # names nobody outside the cloud
    saved = update_item(item=item, changes={"owner": world.partner_user.pk}, actor=world.admin,
                        source=ChangeSource.ADMIN, expected_version=1)
    assert saved.owner == world.partner_user


def test_accountable_partner_must_work_on_the_cloud(world, item):
    with pytest.raises(ValidationError) as excinfo:
        update_item(item=item, changes={"accountable_partner": world.partner_b.pk}, actor=world.admin,
                    source=ChangeSource.ADMIN, expected_version=1)
    assert "Not a partner working on this cloud" in excinfo.value.message_dict["accountable_partner"][0]
    saved = update_item(item=item, changes={"accountable_partner": world.partner_a.pk}, actor=world.admin,
                        source=ChangeSource.ADMIN, expected_version=1)
    assert saved.accountable_partner == world.partner_a
