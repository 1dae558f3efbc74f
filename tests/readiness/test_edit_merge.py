"""Two people edit one item: the second save never reverts the first person's fields."""

import pytest
from django.urls import reverse

from readiness.audit import item_history
from tests.builders import active_checklist

JSON = {"HTTP_ACCEPT": "application/json"}


def item_of(world, code):
    return active_checklist(world.cloud_a).items.select_related("requirement").get(requirement__code=code)


def form_data(values, **changes):
    data = {"status": values.status, "owner": values.owner_id or "", "due_date": values.due_date or "",
            "evidence_url": values.evidence_url, "notes": values.notes, "na_justification": values.na_justification,
            "version": values.version, "base_version": values.version}
    data.update(changes)
    return data


@pytest.fixture
def anna(client, world):
    client.force_login(world.pm_assigned)
    return client


@pytest.fixture
def bruno(world):
    from django.test import Client

    other = Client()
    other.force_login(world.partner_user)
    return other


def both_open_then_anna_saves(anna, world):
    opened = item_of(world, "TEC-01")  # what both editors show: version 1
    saved = anna.post(reverse("readiness:item_edit", args=[opened.pk]),
                      form_data(opened, status="in_progress", notes="Hardware ordered"), **JSON)
    assert saved.status_code == 200
    return opened


@pytest.mark.parametrize("accept", [JSON, {}], ids=["inline", "item page"])
def test_save_again_after_a_conflict_keeps_the_other_persons_fields(anna, bruno, world, accept):
    opened = both_open_then_anna_saves(anna, world)
    url = reverse("readiness:item_edit", args=[opened.pk])
    refused = bruno.post(url, form_data(opened, status="done"), **accept)
    assert refused.status_code == 409
    assert item_of(world, "TEC-01").status == "in_progress"
    body = refused.json()["conflict_html"] if accept else refused.content.decode()
    assert 'name="resolve_status"' in body and "In progress" in body and "Done" in body
    assert 'name="resolve_notes"' not in body  # only Anna changed the notes: nothing to choose
    if accept:
        assert refused.json()["values"] == {"notes": "Hardware ordered"}  # shown in Bruno's form

    # Bruno saves again from the form as he had it (the old, empty notes), keeping his status.
    again = bruno.post(url, form_data(opened, status="done", version=2, base_version=1, resolve_status="mine"),
                       **accept)
    assert again.status_code in (200, 302)
    current = item_of(world, "TEC-01")
    assert (current.status, current.notes, current.version) == ("done", "Hardware ordered", 3)
    reverted = [change for entry in item_history(current) for change in entry.changes
                if change.field == "notes" and change.new == "(none)"]
    assert reverted == []


def test_choosing_theirs_keeps_their_value_and_still_saves_the_rest(anna, bruno, world):
    opened = both_open_then_anna_saves(anna, world)
    url = reverse("readiness:item_edit", args=[opened.pk])
    assert bruno.post(url, form_data(opened, status="done", evidence_url="https://evidence.example/ticket"),
                      **JSON).status_code == 409
    again = bruno.post(url, form_data(opened, status="done", evidence_url="https://evidence.example/ticket",
                                      version=2, base_version=1, resolve_status="theirs"), **JSON)
    assert again.status_code == 200
    current = item_of(world, "TEC-01")
    assert (current.status, current.notes, current.evidence_url) == (
        "in_progress", "Hardware ordered", "https://evidence.example/ticket")


def test_a_third_save_in_between_is_a_new_conflict(anna, bruno, world):
    opened = both_open_then_anna_saves(anna, world)
    url = reverse("readiness:item_edit", args=[opened.pk])
    assert bruno.post(url, form_data(opened, status="done"), **JSON).status_code == 409
    latest = item_of(world, "TEC-01")
    assert anna.post(url, form_data(latest, notes="Hardware delivered"), **JSON).status_code == 200
    stale_again = bruno.post(url, form_data(opened, status="done", version=2, base_version=1), **JSON)
    assert stale_again.status_code == 409 and stale_again.json()["version"] == 3
    assert stale_again.json()["values"] == {"notes": "Hardware delivered"}


def test_bulk_change_applies_on_top_of_other_fields_changed_meanwhile(anna, world):
    from readiness.choices import ChangeSource
    from readiness.services import update_item

    first, second = item_of(world, "TEC-01"), item_of(world, "TEC-02")
    update_item(item=first, changes={"notes": "Hardware ordered"}, actor=world.partner_user,
                source=ChangeSource.BROWSER, expected_version=1)  # after Anna's page loaded
    response = anna.post(reverse("readiness:bulk_edit", args=["cloud-a"]),
                         {"items": [f"{first.pk}:1", f"{second.pk}:1"], "status": "in_progress"}, follow=True)
    assert "Updated 2 items" in response.content.decode()
    first = item_of(world, "TEC-01")
    assert (first.status, first.notes, first.version) == ("in_progress", "Hardware ordered", 3)


def test_bulk_change_of_a_field_someone_else_changed_meanwhile_is_refused_whole(anna, world):
    from readiness.choices import ChangeSource
    from readiness.services import update_item

    first, second = item_of(world, "TEC-01"), item_of(world, "TEC-02")
    update_item(item=first, changes={"status": "blocked"}, actor=world.partner_user,
                source=ChangeSource.BROWSER, expected_version=1)
    response = anna.post(reverse("readiness:bulk_edit", args=["cloud-a"]),
                         {"items": [f"{first.pk}:1", f"{second.pk}:1"], "status": "done"}, follow=True)
    body = response.content.decode()
    assert "nothing was changed" in body and "TEC-01 was changed by someone else meanwhile (status: Changed by" in body
    assert (item_of(world, "TEC-01").status, item_of(world, "TEC-02").version) == ("blocked", 1)


def test_a_third_save_is_not_reverted_by_values_shown_after_a_conflict(anna, bruno, world):
    opened = both_open_then_anna_saves(anna, world)  # Anna: notes "Hardware ordered" (version 2)
    url = reverse("readiness:item_edit", args=[opened.pk])
    first = bruno.post(url, form_data(opened, status="done"), **JSON)
    assert first.json()["values"] == {"notes": "Hardware ordered"}  # Bruno's form now shows Anna's notes
    assert anna.post(url, form_data(item_of(world, "TEC-01"), notes="Hardware delivered"), **JSON).status_code == 200
    # Bruno saves again from his form as it now reads: status done, notes as shown (Anna's first text).
    second = bruno.post(url, form_data(opened, status="done", notes="Hardware ordered", version=2, base_version=1),
                        **JSON)
    assert second.status_code == 409
    assert 'name="resolve_notes"' not in second.json()["conflict_html"]  # not Bruno's change: nothing to choose
    assert second.json()["values"] == {"notes": "Hardware delivered"}
    third = bruno.post(url, form_data(opened, status="done", notes="Hardware delivered", version=3, base_version=1),
                       **JSON)
    assert third.status_code == 200
    current = item_of(world, "TEC-01")
    assert (current.status, current.notes) == ("done", "Hardware delivered")


def test_after_a_plain_refusal_the_editor_keeps_its_version(anna, world):
    opened = item_of(world, "TEC-01")
    refused = anna.post(reverse("readiness:item_edit", args=[opened.pk]), form_data(opened, due_date="2026-02-30"),
                        **JSON)
    assert refused.status_code == 400 and "version" not in refused.json()


def test_taking_their_status_drops_the_justification_that_went_with_mine(anna, bruno, world):
    opened = both_open_then_anna_saves(anna, world)
    url = reverse("readiness:item_edit", args=[opened.pk])
    mine = {"status": "not_applicable", "na_justification": "Not offered in this cloud"}
    assert bruno.post(url, form_data(opened, **mine), **JSON).status_code == 409
    again = bruno.post(url, form_data(opened, **mine, version=2, base_version=1, resolve_status="theirs"), **JSON)
    assert again.status_code == 200
    current = item_of(world, "TEC-01")
    assert (current.status, current.na_justification) == ("in_progress", "")


def test_bulk_rows_claiming_a_version_newer_than_the_item_are_stale(anna, world):
    item = item_of(world, "TEC-01")
    response = anna.post(reverse("readiness:bulk_edit", args=["cloud-a"]),
                         {"items": [f"{item.pk}:999999"], "status": "done"}, follow=True)
    assert "was changed by someone else meanwhile" in response.content.decode()
    assert item_of(world, "TEC-01").status == "not_started"
