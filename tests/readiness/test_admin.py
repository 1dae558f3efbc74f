import pytest
from django.urls import reverse

from readiness.choices import ItemStatus
from readiness.models import Checklist, ChecklistItem
from tests.builders import active_checklist, make_cloud


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def item_form_data(item, **overrides):
    data = {
        "status": item.status, "owner": "", "accountable_partner": "", "due_date": "",
        "evidence_url": "", "notes": item.notes, "na_justification": "", "expected_version": item.version,
    }
    data.update(overrides)
    return data


def test_admin_item_edit_goes_through_update_item(admin_client, world):
    item = active_checklist(world.cloud_a).items.get(requirement__code="PRC-01")
    url = reverse("admin:readiness_checklistitem_change", args=[item.pk])
    response = admin_client.post(url, item_form_data(item, status=ItemStatus.DONE, notes="Signed off"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.notes, item.version) == (ItemStatus.DONE, "Signed off", 2)
    assert item.completed_at is not None


def test_admin_item_edit_from_a_stale_form_is_refused(admin_client, world):
    item = active_checklist(world.cloud_a).items.get(requirement__code="PRC-01")
    url = reverse("admin:readiness_checklistitem_change", args=[item.pk])
    admin_client.post(url, item_form_data(item, notes="first editor"))
    response = admin_client.post(url, item_form_data(item, notes="second editor", expected_version=1))
    assert response.status_code == 200
    assert "Someone else saved this item" in response.content.decode()
    item.refresh_from_db()
    assert (item.notes, item.version) == ("first editor", 2)


def test_admin_not_applicable_without_justification_is_a_form_error(admin_client, world):
    item = active_checklist(world.cloud_a).items.get(requirement__code="PRC-02")
    url = reverse("admin:readiness_checklistitem_change", args=[item.pk])
    response = admin_client.post(url, item_form_data(item, status=ItemStatus.NOT_APPLICABLE))
    assert response.status_code == 200
    assert "does not apply" in response.content.decode()
    assert ChecklistItem.objects.get(pk=item.pk).version == 1


def test_loaded_framework_is_read_only_in_admin(admin_client, world):
    url = reverse("admin:readiness_framework_change", args=[world.framework.pk])
    assert admin_client.get(url).status_code == 200  # viewable
    response = admin_client.post(url, {"name": "Renamed"})
    assert response.status_code == 403
    world.framework.refresh_from_db()
    assert world.framework.name == "Test readiness"
    requirement = world.framework.requirements.first()
    assert admin_client.post(reverse("admin:readiness_requirement_change", args=[requirement.pk]),
                             {"weight": 1}).status_code == 403
    assert admin_client.get(reverse("admin:readiness_framework_add")).status_code == 403


def test_admin_starts_a_checklist_for_a_new_cloud(admin_client, world):
    cloud = make_cloud("fresh", name="Fresh Cloud")
    response = admin_client.post(reverse("admin:readiness_checklist_add"),
                                 {"cloud": cloud.pk, "framework": world.framework.pk})
    assert response.status_code == 302
    checklist = Checklist.objects.get(cloud=cloud, is_active=True)
    assert checklist.items.count() == world.framework.requirements.count()
    assert checklist.started_by == world.admin


def test_admin_refuses_to_start_the_same_checklist_twice(admin_client, world):
    response = admin_client.post(reverse("admin:readiness_checklist_add"),
                                 {"cloud": world.cloud_a.pk, "framework": world.framework.pk})
    assert response.status_code == 200
    assert "already has an active checklist" in response.content.decode()
    assert Checklist.objects.filter(cloud=world.cloud_a).count() == 1


def test_staff_program_manager_sees_only_visible_items_and_edits_only_assigned(client, world):
    from django.contrib.auth.models import Permission

    pm = world.pm_unassigned
    pm.is_staff = True
    pm.save()
    pm.user_permissions.set(Permission.objects.filter(codename__in=["view_checklistitem",
                                                                    "change_checklistitem"]))
    client.force_login(pm)
    item = active_checklist(world.cloud_a).items.first()
    url = reverse("admin:readiness_checklistitem_change", args=[item.pk])
    response = client.post(url, item_form_data(item, notes="not my cloud"))
    assert response.status_code == 403
    assert ChecklistItem.objects.get(pk=item.pk).version == 1


def test_admin_item_list_filters_by_cloud_pillar_status_owner_and_gating(admin_client, world):
    response = admin_client.get(reverse("admin:readiness_checklistitem_changelist"),
                                {"checklist__cloud__id__exact": world.cloud_a.pk,
                                 "requirement__pillar": "people", "status": "not_started",
                                 "requirement__gating__exact": "1"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_every_model_is_in_the_admin(admin_client):
    from django.apps import apps
    from django.contrib import admin

    for label in ("clouds", "readiness"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue  # shown through each audited model's History page
            assert admin.site.is_registered(model), model


def make_staff(user, *codenames):
    from django.contrib.auth.models import Permission

    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_assigned_program_manager_edits_an_item_in_admin(client, world):
    make_staff(world.pm_assigned, "view_checklistitem", "change_checklistitem")
    client.force_login(world.pm_assigned)
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-02")
    url = reverse("admin:readiness_checklistitem_change", args=[item.pk])
    response = client.post(url, item_form_data(item, notes="assigned PM edit"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.notes, item.version) == ("assigned PM edit", 2)


def test_program_manager_cannot_start_a_checklist_on_a_cloud_not_assigned(client, world):
    from tests.builders import SMALL_FRAMEWORK, make_framework

    v2 = make_framework([*SMALL_FRAMEWORK, ("TEC-03", "technology", "telemetry", 2, False)], version=2)
    make_staff(world.pm_assigned, "view_checklist", "add_checklist")
    client.force_login(world.pm_assigned)
    url = reverse("admin:readiness_checklist_add")
    refused = client.post(url, {"cloud": world.cloud_b.pk, "framework": v2.pk})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert Checklist.objects.get(cloud=world.cloud_b, is_active=True).framework == world.framework
    accepted = client.post(url, {"cloud": world.cloud_a.pk, "framework": v2.pk})
    assert accepted.status_code == 302
    assert Checklist.objects.get(cloud=world.cloud_a, is_active=True).framework == v2


def test_going_back_to_an_older_framework_version_is_refused(admin_client, world):
    from tests.builders import make_framework

    v2 = make_framework(version=2)
    admin_client.post(reverse("admin:readiness_checklist_add"), {"cloud": world.cloud_a.pk, "framework": v2.pk})
    response = admin_client.post(reverse("admin:readiness_checklist_add"),
                                 {"cloud": world.cloud_a.pk, "framework": world.framework.pk})
    assert response.status_code == 200 and "going back to an older version" in response.content.decode()
    assert Checklist.objects.get(cloud=world.cloud_a, is_active=True).framework == v2


def test_staff_partner_user_sees_only_its_own_rows_in_admin(client, world):
    from readiness.snapshots.recompute import recompute_scores

    recompute_scores([world.cloud_a.pk, world.cloud_b.pk])
    make_staff(world.partner_user, "view_scoresnapshot", "view_partner", "view_profile", "view_checklist",
               "view_checklistitem", "view_cloud", "view_user")
    client.force_login(world.partner_user)
    pages = {
        "admin:readiness_scoresnapshot_changelist": ("Cloud A", "Cloud B"),
        "admin:clouds_partner_changelist": ("Partner A", "Partner B"),
        "admin:clouds_profile_changelist": ("partner-a-staff", "partner-b-staff"),
        "admin:auth_user_changelist": ("partner-a-staff", "partner-b-staff"),
        "admin:readiness_checklist_changelist": ("Cloud A", "Cloud B"),
        "admin:readiness_checklistitem_changelist": ("Cloud A", "Cloud B"),
        "admin:clouds_cloud_changelist": ("Cloud A", "Cloud B"),
    }
    for name, (own, other) in pages.items():
        body = client.get(reverse(name)).content.decode()
        assert own in body, name
        assert other not in body, name
