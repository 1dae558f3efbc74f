"""Editing from the browser: inline edits, conflicts, bulk changes, filters, my items and the audit trail."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from readiness.audit import item_history
from readiness.choices import ChangeSource
from readiness.models import ChecklistItem
from readiness.services import update_item
from tests.builders import active_checklist

JSON = {"HTTP_ACCEPT": "application/json"}


def item_of(world, code, cloud="cloud_a"):
    return active_checklist(getattr(world, cloud)).items.select_related("requirement").get(requirement__code=code)


def form_data(item, **changes):
    data = {"status": item.status, "owner": item.owner_id or "", "due_date": item.due_date or "",
            "evidence_url": item.evidence_url, "notes": item.notes, "na_justification": item.na_justification,
            "version": item.version}
    data.update(changes)
    return data


@pytest.fixture
def pm(client, world):
    client.force_login(world.pm_assigned)
    return client


def test_inline_edit_returns_the_row_and_fresh_scores(pm, world):
    item = item_of(world, "PPL-01")
    response = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, status="done"), **JSON)
    assert response.status_code == 200
    payload = response.json()
    assert payload["ok"] and payload["version"] == 2 and payload["code"] == "PPL-01"
    assert 'data-status="done"' in payload["row_html"]
    assert 'data-score="people"' in payload["summary_html"] and ">71.4<" in payload["summary_html"]
    assert "1 / 2 done" in payload["pillar_html"]["people"]
    assert "1 / 1 done" in payload["area_html"]["people-staffing"]


def test_edit_without_javascript_redirects_back_with_a_message(pm, world):
    item = item_of(world, "PPL-02")
    back = reverse("readiness:checklist", args=["cloud-a"]) + "?pillar=people"
    response = pm.post(reverse("readiness:item_edit", args=[item.pk]),
                       form_data(item, notes="Booked training", next=back))
    assert response.status_code == 302 and response.url == back
    assert item_of(world, "PPL-02").notes == "Booked training"


def test_redirect_target_must_be_this_site(pm, world):
    item = item_of(world, "PPL-02")
    response = pm.post(reverse("readiness:item_edit", args=[item.pk]),
                       form_data(item, notes="x", next="https://evil.example/"))
    assert response.url == reverse("readiness:item", args=[item.pk])


def test_not_applicable_asks_for_a_justification(pm, world):
    item = item_of(world, "PRC-02")
    refused = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, status="not_applicable"),
                      **JSON)
    assert refused.status_code == 400
    assert "na_justification" in refused.json()["errors"]
    assert item_of(world, "PRC-02").version == 1
    accepted = pm.post(reverse("readiness:item_edit", args=[item.pk]),
                       form_data(item, status="not_applicable", na_justification="No such regime here"), **JSON)
    assert accepted.status_code == 200


def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(pm, world):
    item = item_of(world, "PRC-02")
    response = pm.post(reverse("readiness:item_edit", args=[item.pk]),
                       form_data(item, due_date="31/02/2026", evidence_url="not a link"), **JSON)
    assert response.status_code == 400
    assert {"due_date", "evidence_url"} <= set(response.json()["errors"])
    html = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, due_date="nope"))
    assert html.status_code == 400 and "Enter a valid date" in html.content.decode()
    assert item_of(world, "PRC-02").version == 1


def test_owner_from_another_partner_is_refused(pm, world):
    item = item_of(world, "PRC-02")
    response = pm.post(reverse("readiness:item_edit", args=[item.pk]),
                       form_data(item, owner=world.other_partner_user.pk), **JSON)
    assert response.status_code == 400 and "owner" in response.json()["errors"]


def test_stale_save_is_refused_and_shows_what_the_other_person_changed(pm, world):
    item = item_of(world, "TEC-01")
    update_item(item=item, changes={"status": "blocked", "notes": "Waiting for hardware"},
                actor=world.partner_user, source=ChangeSource.BROWSER, expected_version=1)
    response = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, status="done"), **JSON)
    assert response.status_code == 409
    payload = response.json()
    assert "Nothing was overwritten" in payload["detail"]
    assert "Blocked" in payload["conflict_html"] and "Waiting for hardware" in payload["conflict_html"]
    assert "partner-a-staff" in payload["conflict_html"]
    html = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, status="done"))
    assert html.status_code == 409 and "Waiting for hardware" in html.content.decode()
    current = item_of(world, "TEC-01")
    assert (current.status, current.version) == ("blocked", 2)


def test_bulk_change_applies_to_every_selected_item(pm, world):
    items = [item_of(world, code) for code in ("PPL-01", "PPL-02", "PRC-01")]
    due = timezone.localdate() + dt.timedelta(days=7)
    response = pm.post(reverse("readiness:bulk_edit", args=["cloud-a"]), {
        "items": [f"{i.pk}:{i.version}" for i in items], "status": "in_progress",
        "owner": str(world.partner_user.pk), "due_date": due.isoformat(),
    })
    assert response.status_code == 302
    for item in items:
        item.refresh_from_db()
        assert (item.status, item.owner, item.due_date, item.version) == ("in_progress", world.partner_user, due, 2)


def test_bulk_change_is_all_or_nothing(pm, world, client):
    fresh, stale = item_of(world, "PPL-01"), item_of(world, "PPL-02")
    update_item(item=stale, changes={"status": "blocked"}, actor=None, source=ChangeSource.JOB,
                expected_version=1)
    hidden = item_of(world, "PPL-01", cloud="cloud_b")
    response = pm.post(reverse("readiness:bulk_edit", args=["cloud-a"]), {
        "items": [f"{fresh.pk}:1", f"{stale.pk}:1", f"{hidden.pk}:1"], "status": "done",
        "next": reverse("readiness:checklist", args=["cloud-a"]),
    }, follow=True)
    text = response.content.decode()
    assert "nothing was changed" in text
    assert "PPL-02 was changed by someone else meanwhile" in text
    assert "PPL-01 is not an item you can change" in text  # cloud B's PPL-01: visible, not editable
    assert item_of(world, "PPL-01").version == 1
    assert item_of(world, "PPL-01", cloud="cloud_b").version == 1


def test_bulk_change_needs_something_to_apply(pm, world):
    item = item_of(world, "PPL-01")
    response = pm.post(reverse("readiness:bulk_edit", args=["cloud-a"]), {"items": [f"{item.pk}:1"]}, follow=True)
    assert "Choose a status, an owner or a due date" in response.content.decode()


@pytest.mark.parametrize(("query", "codes"), [
    ("pillar=process", ["PRC-01", "PRC-02"]),
    ("area=access", ["TEC-02"]),
    ("status=blocked", ["TEC-01"]),
    ("status=blocked&status=done", ["PPL-01", "TEC-01"]),
    ("gating=true", ["PPL-01", "PRC-01", "TEC-02"]),
    ("overdue=true", ["PRC-02"]),
    ("owner=me", ["PPL-02"]),
    ("owner=none&pillar=technology", ["TEC-01", "TEC-02"]),
    ("q=prc-0", ["PRC-01", "PRC-02"]),
    ("q=escalate", ["TEC-01"]),
])
def test_filters_are_kept_in_the_url(client, world, query, codes):
    update_item(item=item_of(world, "PPL-01"), changes={"status": "done"}, actor=None, source="job",
                expected_version=1)
    update_item(item=item_of(world, "TEC-01"), changes={"status": "blocked", "notes": "escalate to vendor"},
                actor=None, source="job", expected_version=1)
    update_item(item=item_of(world, "PRC-02"), changes={"due_date": timezone.localdate() - dt.timedelta(days=2)},
                actor=None, source="job", expected_version=1)
    update_item(item=item_of(world, "PPL-02"), changes={"owner": world.pm_assigned.pk}, actor=None, source="job",
                expected_version=1)
    client.force_login(world.pm_assigned)
    response = client.get(reverse("readiness:checklist", args=["cloud-a"]) + "?" + query)
    shown = sorted(item.requirement.code for pillar in response.context["pillars"]
                   for area in pillar["areas"] for item in area["items"])
    assert shown == codes
    here = escape(f'{reverse("readiness:checklist", args=["cloud-a"])}?{query}')
    assert f'name="next" value="{here}"' in response.content.decode()


def test_a_bad_filter_value_is_reported(client, world):
    client.force_login(world.executive)
    response = client.get(reverse("readiness:checklist", args=["cloud-a"]) + "?status=finished&owner=bob")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body and "Use a user id, &#x27;me&#x27; or &#x27;none&#x27;." in body


def test_executive_sees_no_edit_controls(client, world):
    client.force_login(world.executive)
    body = client.get(reverse("readiness:checklist", args=["cloud-a"])).content.decode()
    assert "inline-edit" not in body and "bulk-form" not in body and "Read only for you" in body


def test_my_items_lists_owned_items_overdue_first(client, world):
    today = timezone.localdate()
    plan = {"PPL-01": ("done", None), "PPL-02": ("in_progress", today + dt.timedelta(days=3)),
            "PRC-01": ("blocked", today - dt.timedelta(days=1))}
    for code, (status, due) in plan.items():
        item = item_of(world, code)
        update_item(item=item, changes={"owner": world.partner_user.pk, "status": status, "due_date": due},
                    actor=None, source="job", expected_version=1)
    hidden = item_of(world, "PPL-01", cloud="cloud_b")
    ChecklistItem.objects.filter(pk=hidden.pk).update(owner=world.partner_user)  # visible to nobody's partner
    client.force_login(world.partner_user)
    response = client.get(reverse("readiness:my_items"))
    assert [item.requirement.code for item in response.context["items"]] == ["PRC-01", "PPL-02", "PPL-01"]
    assert response.context["overdue_count"] == 1


def test_history_keeps_old_and_new_values_for_page_admin_and_bulk_edits(client, world):
    item = item_of(world, "PRC-02")
    client.force_login(world.admin)
    client.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, status="in_progress"))
    item.refresh_from_db()
    client.post(reverse("admin:readiness_checklistitem_change", args=[item.pk]), {
        "status": "in_progress", "owner": "", "accountable_partner": "", "due_date": "", "evidence_url": "",
        "notes": "Reviewed in admin", "na_justification": "", "expected_version": item.version})
    item.refresh_from_db()
    client.post(reverse("readiness:bulk_edit", args=["cloud-a"]),
                {"items": [f"{item.pk}:{item.version}"], "status": "done"})
    entries = item_history(item_of(world, "PRC-02"))
    assert [entry.source for entry in entries] == ["browser", "admin", "browser", "admin"]
    bulk, admin_edit, page, created = entries
    assert [(c.label, c.old, c.new) for c in bulk.changes] == [("Status", "In progress", "Done")]
    assert [(c.label, c.old, c.new) for c in admin_edit.changes] == [("Notes", "(none)", "Reviewed in admin")]
    assert [(c.label, c.old, c.new) for c in page.changes] == [("Status", "Not started", "In progress")]
    assert created.created and page.who == "admin"
    page_html = client.get(reverse("readiness:item_history", args=[item.pk])).content.decode()
    assert "Reviewed in admin" in page_html and "In progress" in page_html


def test_checklist_and_cloud_changes_are_audited(world, client):
    from tests.builders import make_framework

    client.force_login(world.admin)
    v2 = make_framework(version=2)
    client.post(reverse("admin:readiness_checklist_add"), {"cloud": world.cloud_a.pk, "framework": v2.pk})
    sources = list(active_checklist(world.cloud_a).history.values_list("change_source", "history_user__username"))
    assert sources == [("admin", "admin")]
    world.cloud_a.day1_date = timezone.localdate()
    world.cloud_a._change_source = ChangeSource.ADMIN
    world.cloud_a.save()
    assert world.cloud_a.history.first().change_source == "admin"
    assert v2.history.first().change_source == "import"


def test_bulk_on_one_cloud_refuses_items_of_another_even_if_editable_there(client, world):
    client.force_login(world.admin)  # may edit both clouds
    other = item_of(world, "PPL-01", cloud="cloud_b")
    response = client.post(reverse("readiness:bulk_edit", args=["cloud-a"]),
                           {"items": [f"{other.pk}:1"], "status": "done"}, follow=True)
    assert "is not an item you can change" in response.content.decode()
    assert item_of(world, "PPL-01", cloud="cloud_b").version == 1


def test_absurd_ids_and_long_text_are_refused_cleanly(pm, world):
    response = pm.post(reverse("readiness:bulk_edit", args=["cloud-a"]),
                       {"items": ["99999999999999999999999:1"], "status": "done"}, follow=True)
    assert response.status_code == 200 and "Bulk change not applied" in response.content.decode()
    item = item_of(world, "PRC-02")
    long_notes = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, notes="x" * 10001), **JSON)
    assert long_notes.status_code == 400 and "notes" in long_notes.json()["errors"]


def test_a_refusal_without_a_field_is_a_clear_400_not_a_crash(pm, world, monkeypatch):
    from django.core.exceptions import ValidationError

    import readiness.views.editing as views

    def archived(**kwargs):
        raise ValidationError("This checklist is archived; only the active checklist can be edited.")

    monkeypatch.setattr(views, "update_item", archived)
    item = item_of(world, "PRC-02")
    response = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, notes="x"), **JSON)
    assert response.status_code == 400 and "archived" in response.json()["detail"]
    page = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, notes="x"))
    assert page.status_code == 400 and "archived" in page.content.decode()


def test_after_a_conflict_saving_again_applies_on_top_knowingly(pm, world):
    item = item_of(world, "TEC-01")
    update_item(item=item, changes={"status": "blocked"}, actor=world.partner_user, source=ChangeSource.BROWSER,
                expected_version=1)
    refused = pm.post(reverse("readiness:item_edit", args=[item.pk]), form_data(item, notes="mine"), **JSON)
    assert refused.status_code == 409 and refused.json()["version"] == 2
    again = pm.post(reverse("readiness:item_edit", args=[item.pk]),
                    form_data(item, notes="mine", status="blocked", version=2), **JSON)
    assert again.status_code == 200
    current = item_of(world, "TEC-01")
    assert (current.status, current.notes, current.version) == ("blocked", "mine", 3)


def test_owner_choices_are_the_people_who_can_edit_the_cloud(client, world):
    client.force_login(world.pm_assigned)
    owners = {user.username for user in client.get(reverse("readiness:checklist", args=["cloud-a"])).context["owners"]}
    assert owners == {"admin", "pm-assigned", "partner-a-staff"}


def test_nul_bytes_in_page_filters_are_refused_naming_the_parameter(client, world):
    client.force_login(world.executive)
    for query in ("q=a%00b", "area=x%00", "owner=%00", "status=done%00", "pillar=people%00"):
        response = client.get(reverse("readiness:checklist", args=["cloud-a"]) + "?" + query)
        assert response.status_code == 400, query
        assert f"{query.split('=')[0]}: NUL characters are not allowed." in response.content.decode(), query
