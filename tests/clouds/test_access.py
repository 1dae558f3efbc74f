from django.contrib.auth.models import AnonymousUser

from clouds.access import managed_clouds, visible_clouds
from clouds.choices import UserRole
from readiness.access import editable_items, visible_items
from tests.builders import make_user


def slugs(queryset):
    return sorted(queryset.values_list("slug", flat=True))


def test_partner_user_sees_only_its_partners_clouds(world):
    assert slugs(visible_clouds(world.partner_user)) == ["cloud-a"]
    assert slugs(visible_clouds(world.other_partner_user)) == ["cloud-b"]


def test_executive_administrator_and_program_managers_see_all_clouds(world):
    for user in (world.executive, world.admin, world.pm_assigned, world.pm_unassigned):
        assert slugs(visible_clouds(user)) == ["cloud-a", "cloud-b"]


def test_anonymous_and_roleless_users_see_nothing(world):
    assert slugs(visible_clouds(AnonymousUser())) == []
    assert slugs(visible_clouds(world.no_role)) == []


def test_belonging_to_a_partner_narrows_any_role(world):
    executive_of_partner = make_user("exec-at-partner", role=UserRole.EXECUTIVE, partner=world.partner_b)
    assert slugs(visible_clouds(executive_of_partner)) == ["cloud-b"]


def test_superuser_without_profile_counts_as_administrator(world):
    root = make_user("root", role=None, is_superuser=True)
    assert slugs(visible_clouds(root)) == ["cloud-a", "cloud-b"]


def test_items_follow_cloud_visibility(world):
    clouds_of = lambda qs: sorted(set(qs.values_list("checklist__cloud__slug", flat=True)))  # noqa: E731
    assert clouds_of(visible_items(world.partner_user)) == ["cloud-a"]
    assert clouds_of(visible_items(world.executive)) == ["cloud-a", "cloud-b"]
    assert visible_items(AnonymousUser()).count() == 0


def test_edit_rights_follow_the_access_table(world):
    clouds_of = lambda qs: sorted(set(qs.values_list("checklist__cloud__slug", flat=True)))  # noqa: E731
    assert clouds_of(editable_items(world.admin)) == ["cloud-a", "cloud-b"]
    assert clouds_of(editable_items(world.pm_assigned)) == ["cloud-a"]
    assert clouds_of(editable_items(world.pm_unassigned)) == []
    assert clouds_of(editable_items(world.executive)) == []
    assert clouds_of(editable_items(world.partner_user)) == ["cloud-a"]
    assert slugs(managed_clouds(world.other_partner_user)) == ["cloud-b"]
