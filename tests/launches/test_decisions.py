"""Decisions: recorded by program managers and administrators, with evidence frozen at save time and
never edited (pages, services, querysets or the admin)."""

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from launches.choices import Outcome
from launches.models import Decision, DecisionCondition
from launches.services import ConditionInput, complete_condition, record_decision
from readiness.choices import ChangeSource, ItemStatus
from readiness.services import update_item
from tests.readiness.test_recompute import item_of

DAY = dt.timedelta(days=1)


def decide(world, *, outcome=Outcome.GO_WITH_CONDITIONS, gate="go-no-go", actor=None, conditions=None, cloud=None):
    if conditions is None:
        conditions = [ConditionInput("Rehearse the Sev-1 bridge", world.partner_user.pk, world.today + 5 * DAY)]
    return record_decision(cloud=cloud or world.cloud_a, gate_code=gate, outcome=outcome,
                           decided_by_name="Steering committee", attendees="Anna\nDaan", rationale="Because.",
                           conditions=conditions, actor=actor or world.pm_assigned)


def test_a_decision_freezes_the_evidence_with_its_sha256(gated):
    decision = decide(gated)
    assert hashlib.sha256(decision.evidence.encode("utf-8")).hexdigest() == decision.evidence_sha256
    evidence = json.loads(decision.evidence)
    assert evidence["gate"] == {"code": "go-no-go", "name": "Go/no-go", "offset_days": -7,
                                "due_on": (gated.today + 13 * DAY).isoformat()}
    assert {item["code"] for item in evidence["open_gating_items"]} == {"PPL-01", "PRC-01", "TEC-02"}
    assert [c["code"] for c in evidence["criteria"]] == ["min_score", "no_open_gating", "staffing_met"]
    assert evidence["score"]["level"] == "not_ready" and evidence["score"]["overall"] == "0.0"
    assert decision.conditions.get().owner == gated.partner_user


def test_the_frozen_evidence_is_byte_for_byte_the_same_after_the_items_change(gated, client):
    decision = decide(gated)
    stored, digest = decision.evidence, decision.evidence_sha256
    item = item_of(gated.cloud_a, "PPL-01")
    update_item(item=item, changes={"status": ItemStatus.DONE}, actor=gated.pm_assigned,
                source=ChangeSource.BROWSER, expected_version=item.version)
    again = Decision.objects.get(pk=decision.pk)
    assert (again.evidence, again.evidence_sha256) == (stored, digest)
    client.force_login(gated.pm_assigned)
    page = client.get(reverse("launches:decision", args=[decision.pk])).content.decode()
    assert "matches the stored evidence" in page and digest in page
    api = client.get(f"/api/v1/decisions/{decision.pk}/").json()
    assert api["evidence_text"] == stored and api["evidence"]["open_gating_items"][0]["code"] == "PPL-01"


def test_a_decision_cannot_be_edited_or_deleted_in_code(gated):
    decision = decide(gated)
    decision.rationale = "rewritten"
    with pytest.raises(TypeError):
        decision.save()
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).update(rationale="rewritten")
    with pytest.raises(TypeError):
        decision.delete()
    assert Decision.objects.get(pk=decision.pk).rationale == "Because."


def test_the_admin_shows_decisions_read_only(gated, client):
    decision = decide(gated)
    client.force_login(gated.admin)
    change_url = reverse("admin:launches_decision_change", args=[decision.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and b'name="rationale"' not in page.content  # shown, not a field
    client.post(change_url, {"rationale": "rewritten", "outcome": "go"})
    client.post(reverse("admin:launches_decision_delete", args=[decision.pk]), {"post": "yes"})
    client.post(reverse("admin:launches_decision_changelist"),
                {"action": "delete_selected", "_selected_action": [decision.pk], "post": "yes"})
    assert client.get(reverse("admin:launches_decision_add")).status_code == 403
    again = Decision.objects.get(pk=decision.pk)
    assert (again.rationale, again.evidence) == ("Because.", decision.evidence)
    condition = decision.conditions.get()
    client.post(reverse("admin:launches_decisioncondition_change", args=[condition.pk]), {"text": "changed"})
    assert DecisionCondition.objects.get(pk=condition.pk).text == "Rehearse the Sev-1 bridge"


def test_no_page_route_edits_a_decision(gated, client):
    decision = decide(gated)
    client.force_login(gated.admin)
    for method in ("post", "put", "patch", "delete"):
        getattr(client, method)(reverse("launches:decision", args=[decision.pk]), {"rationale": "x"})
        getattr(client, method)(f"/api/v1/decisions/{decision.pk}/", {"rationale": "x"},
                                content_type="application/json")
    assert Decision.objects.get(pk=decision.pk).evidence == decision.evidence


def test_a_later_decision_supersedes_without_touching_the_first(gated, client):
    first = decide(gated, outcome=Outcome.NO_GO, conditions=[])
    second = decide(gated, outcome=Outcome.GO, conditions=[])
    client.force_login(gated.pm_assigned)
    gates = {row["code"]: row for row in client.get("/api/v1/gates/?cloud=cloud-a").json()}
    assert (gates["go-no-go"]["decision"], gates["go-no-go"]["state"]) == (second.pk, "decided")
    page = client.get(reverse("launches:decision", args=[first.pk])).content.decode()
    assert "Superseded by" in page
    assert Decision.objects.get(pk=first.pk).outcome == Outcome.NO_GO


@pytest.mark.parametrize("who", ["executive", "partner_user", "pm_unassigned", "no_role"])
def test_only_administrators_and_the_clouds_program_managers_decide(gated, who):
    with pytest.raises(PermissionDenied):
        decide(gated, actor=getattr(gated, who))
    assert not Decision.objects.exists()


def test_an_administrator_decides_for_any_cloud(gated):
    decide(gated, actor=gated.admin, cloud=gated.cloud_b, conditions=[
        ConditionInput("Staff the night shift", gated.other_partner_user.pk, gated.today + DAY)])
    assert Decision.objects.get().cloud == gated.cloud_b


@pytest.mark.parametrize(("outcome", "conditions", "field"), [
    (Outcome.GO_WITH_CONDITIONS, [], "conditions"),
    (Outcome.GO, [("c", "partner_user", 3)], "conditions"),
    ("maybe", [], "outcome"),
    (Outcome.NO_GO, [("", "partner_user", 3)], "conditions.1.text"),
    (Outcome.NO_GO, [("c", "other_partner_user", 3)], "conditions.1.owner"),  # works on another cloud
    (Outcome.NO_GO, [("c", "partner_user", -1)], "conditions.1.due_on"),
])
def test_bad_decisions_are_refused_and_nothing_is_stored(gated, outcome, conditions, field):
    inputs = [ConditionInput(text, getattr(gated, owner).pk, gated.today + days * DAY)
              for text, owner, days in conditions]
    with pytest.raises(ValidationError) as caught:
        decide(gated, outcome=outcome, conditions=inputs)
    assert field in caught.value.message_dict
    assert not Decision.objects.exists() and not DecisionCondition.objects.exists()


def test_an_unknown_gate_is_refused(gated):
    with pytest.raises(ValidationError) as caught:
        decide(gated, gate="readiness-review")
    assert "gate" in caught.value.message_dict


def test_a_conditions_owner_marks_it_met_and_others_cannot(gated):
    condition = decide(gated).conditions.get()
    with pytest.raises(PermissionDenied):
        complete_condition(condition=condition, note="done", actor=gated.other_partner_user)
    with pytest.raises(ValidationError):
        complete_condition(condition=condition, note=" ", actor=gated.partner_user)
    done = complete_condition(condition=condition, note="Rehearsed on Monday", actor=gated.partner_user)
    assert done.done_by == gated.partner_user and done.done_note == "Rehearsed on Monday"
    again = complete_condition(condition=condition, note="Also done", actor=gated.pm_assigned)
    assert (again.done_by, again.done_note) == (gated.partner_user, "Rehearsed on Monday")


def test_the_launch_page_exports_markdown_and_prints(gated, client):
    decide(gated)
    client.force_login(gated.executive)
    page = client.get(reverse("launches:cloud", args=["cloud-a"]))
    assert page.status_code == 200 and b"Go/no-go" in page.content
    export = client.get(reverse("launches:cloud_markdown", args=["cloud-a"]))
    text = export.content.decode()
    assert export["Content-Type"].startswith("text/markdown") and "attachment" in export["Content-Disposition"]
    assert text.startswith("# Cloud A: launch governance") and "### Go/no-go: Go with conditions" in text
    assert "Rehearse the Sev-1 bridge" in text and Decision.objects.get().evidence_sha256 in text


def test_the_decide_form_shows_a_refused_condition_on_its_row(gated, client):
    client.force_login(gated.pm_assigned)
    form = {"outcome": "no_go", "decided_by_name": "Board", "attendees": "A", "rationale": "Not yet",
            "conditions-TOTAL_FORMS": "3", "conditions-INITIAL_FORMS": "0", "conditions-MIN_NUM_FORMS": "0",
            "conditions-MAX_NUM_FORMS": "20",
            "conditions-1-text": "Staff the night shift", "conditions-1-owner": str(gated.partner_user.pk),
            "conditions-1-due_on": (gated.today - DAY).isoformat()}
    response = client.post(reverse("launches:decide", args=["cloud-a", "go-no-go"]), form)
    assert response.status_code == 400 and not Decision.objects.exists()
    rows = response.context["conditions"].forms
    assert rows[1].errors == {"due_on": ["The due date cannot be in the past."]} and not rows[0].errors
    form["conditions-1-due_on"] = "01/12/2027"  # not YYYY-MM-DD: refused by the form itself
    response = client.post(reverse("launches:decide", args=["cloud-a", "go-no-go"]), form)
    assert response.status_code == 400 and "due_on" in response.context["conditions"].forms[1].errors
