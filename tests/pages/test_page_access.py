import pytest
from django.urls import reverse

from readiness.choices import ChangeSource, ItemStatus
from readiness.services import update_item
from tests.builders import active_checklist


def checklist_url(slug):
    return reverse("readiness:checklist", kwargs={"slug": slug})


@pytest.mark.parametrize("url", ["/", "/clouds/cloud-a/", "/clouds/no-such-cloud/"])
def test_anonymous_users_are_redirected_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_login_page_is_styled_and_labelled(client, db):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "css/portal.css" in body
    assert '<label for="id_username">' in body and '<label for="id_password">' in body


def test_login_lands_executives_on_the_portfolio_and_others_on_the_clouds(client, world):
    response = client.post(reverse("login"), {"username": "executive", "password": "pw-for-tests-only"})
    assert response.status_code == 302 and response.url == reverse("dashboards:portfolio")
    client.logout()
    response = client.post(reverse("login"), {"username": "pm-assigned", "password": "pw-for-tests-only"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_partner_user_home_lists_only_its_clouds(client, world):
    client.force_login(world.partner_user)
    body = client.get("/").content.decode()
    assert "Cloud A" in body
    assert "Cloud B" not in body


def test_executive_home_lists_every_cloud(client, world):
    client.force_login(world.executive)
    body = client.get("/").content.decode()
    assert "Cloud A" in body and "Cloud B" in body


def test_partner_user_gets_the_same_404_for_another_partners_cloud_as_for_an_unknown_one(client, world):
    client.force_login(world.partner_user)
    hidden = client.get(checklist_url("cloud-b"))
    unknown = client.get(checklist_url("no-such-cloud"))
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content


def test_partner_user_sees_its_own_checklist(client, world):
    client.force_login(world.partner_user)
    response = client.get(checklist_url("cloud-a"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "PPL-01" in body and "Requirement TEC-02" in body


def test_user_without_a_role_sees_no_cloud(client, world):
    client.force_login(world.no_role)
    assert client.get(checklist_url("cloud-a")).status_code == 404
    assert "Cloud A" not in client.get("/").content.decode()


def test_home_shows_done_over_counted_per_pillar(client, world):
    items = active_checklist(world.cloud_a).items
    update_item(item=items.get(requirement__code="PPL-01"), changes={"status": ItemStatus.DONE},
                actor=world.admin, source=ChangeSource.ADMIN, expected_version=1)
    update_item(item=items.get(requirement__code="PPL-02"),
                changes={"status": ItemStatus.NOT_APPLICABLE, "na_justification": "Not in scope"},
                actor=world.admin, source=ChangeSource.ADMIN, expected_version=1)
    client.force_login(world.partner_user)
    response = client.get("/")
    people = response.context["rows"][0]["pillars"][0]
    assert people["label"] == "People"
    assert (people["progress"].done, people["progress"].counted) == (1, 1)
    assert "1 / 1" in response.content.decode()


def test_checklist_groups_items_by_pillar_and_area(client, world):
    client.force_login(world.executive)
    response = client.get(checklist_url("cloud-a"))
    pillars = response.context["pillars"]
    assert [p["value"] for p in pillars] == ["people", "process", "technology"]
    assert [a["name"] for a in pillars[0]["areas"]] == ["staffing", "training"]


def test_cloud_without_checklist_says_so(client, world):
    from tests.builders import make_cloud

    make_cloud("bare-cloud", name="Bare Cloud")
    client.force_login(world.executive)
    response = client.get(checklist_url("bare-cloud"))
    assert response.status_code == 200
    assert "no active checklist" in response.content.decode()
