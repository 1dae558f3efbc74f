"""Day-1 moves with reasons, conditions in My items and digests, the launch insight rules, and the demo."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from clouds.models import Cloud
from launches.choices import Outcome
from launches.models import Day1Change, Decision
from launches.services import ConditionInput, move_day1, record_decision
from readiness.choices import ChangeSource, ItemStatus
from readiness.insights.digests import send_digests
from readiness.insights.engine import refresh_findings
from readiness.models import CloudScoreState, Finding, Waiver
from readiness.waivers import decide_waiver, request_waiver
from tests.readiness.test_recompute import item_of, set_status

DAY = dt.timedelta(days=1)


# -- Day 1 ----------------------------------------------------------------------------

def test_moving_day1_keeps_the_reason_and_the_slip_history(gated, client):
    cloud = gated.cloud_a
    first = cloud.day1_date
    move_day1(cloud=cloud, new_day1=first + 20 * DAY, reason="Screening backlog", actor=gated.pm_assigned)
    move_day1(cloud=cloud, new_day1=first + 41 * DAY, reason="CERT rehearsal", actor=gated.admin)
    assert Cloud.objects.get(pk=cloud.pk).day1_date == first + 41 * DAY
    assert list(Day1Change.objects.filter(cloud=cloud).values_list("previous_day1", "new_day1", "reason")) == [
        (first, first + 20 * DAY, "Screening backlog"), (first + 20 * DAY, first + 41 * DAY, "CERT rehearsal")]
    assert CloudScoreState.objects.get(cloud=cloud).stale
    client.force_login(gated.executive)
    assert "Day 1 moved twice, 41 days in total." in client.get(
        reverse("dashboards:cloud", args=["cloud-a"])).content.decode()
    assert "Day 1 moved twice, 41 days in total." in client.get(reverse("launches:portfolio")).content.decode()


@pytest.mark.parametrize(("new_day1", "reason", "field"), [
    ("same", "x", "day1"), ("later", " ", "reason"), ("later", "", "reason")])
def test_a_day1_move_needs_a_reason_and_a_new_date(gated, new_day1, reason, field):
    day = gated.cloud_a.day1_date + (DAY if new_day1 == "later" else 0 * DAY)
    with pytest.raises(ValidationError) as caught:
        move_day1(cloud=gated.cloud_a, new_day1=day, reason=reason, actor=gated.pm_assigned)
    assert field in caught.value.message_dict and not Day1Change.objects.exists()


@pytest.mark.parametrize("who", ["partner_user", "executive", "pm_unassigned"])
def test_only_administrators_and_the_clouds_program_managers_move_day1(gated, who):
    with pytest.raises(PermissionDenied):
        move_day1(cloud=gated.cloud_a, new_day1=gated.today, reason="x", actor=getattr(gated, who))


def test_the_day1_page_refuses_a_loose_date_and_saves_a_good_one(gated, client):
    client.force_login(gated.pm_assigned)
    url = reverse("launches:day1", args=["cloud-a"])
    assert client.post(url, {"day1": "12/01/2027", "reason": "x"}).status_code == 400
    assert client.post(url, {"day1": "2027-01-12", "reason": ""}).status_code == 400
    assert not Day1Change.objects.exists()
    assert client.post(url, {"day1": "2027-01-12", "reason": "Partner asked"}).status_code == 302
    assert Cloud.objects.get(pk=gated.cloud_a.pk).day1_date == dt.date(2027, 1, 12)


def test_the_admin_no_longer_edits_an_existing_clouds_day1(gated, client):
    client.force_login(gated.admin)
    page = client.get(reverse("admin:clouds_cloud_change", args=[gated.cloud_a.pk])).content.decode()
    assert 'name="day1_date"' not in page


# -- conditions where their owners look -----------------------------------------------

def decide_with_conditions(gated, due_in_days=(5, -1)):
    owners = (gated.partner_user, gated.pm_assigned)
    return record_decision(
        cloud=gated.cloud_a, gate_code="design-review", outcome=Outcome.NO_GO, decided_by_name="Board",
        attendees="A", rationale="Not yet", actor=gated.pm_assigned, today=gated.today - 10 * DAY,
        conditions=[ConditionInput(f"Condition {n}", owner.pk, gated.today + days * DAY)
                    for n, (owner, days) in enumerate(zip(owners, due_in_days, strict=True), start=1)])


def test_conditions_show_in_my_items_of_their_owners_only(gated, client):
    decide_with_conditions(gated)
    client.force_login(gated.partner_user)
    page = client.get(reverse("readiness:my_items")).content.decode()
    assert "Condition 1" in page and "Condition 2" not in page
    client.force_login(gated.pm_assigned)
    page = client.get(reverse("readiness:my_items")).content.decode()
    assert "Condition 2" in page and "Overdue" in page
    client.force_login(gated.other_partner_user)
    assert "Condition" not in client.get(reverse("readiness:my_items")).content.decode().split("Launch decision")[1]


def test_digests_list_the_recipients_open_conditions(gated):
    decide_with_conditions(gated)
    gated.pm_assigned.email = "pm@example.gov"
    gated.pm_assigned.save()
    gated.pm_assigned.profile.receives_digests = True
    gated.pm_assigned.profile.save()
    send_digests()
    (message,) = mail.outbox
    assert "Your launch decision conditions (1):" in message.body
    assert "Cloud A, Design review: Condition 2" in message.body and "(overdue)" in message.body


# -- insight rules ----------------------------------------------------------------------

def findings(cloud):
    return {f.rule: f for f in Finding.objects.filter(cloud=cloud, resolved_at__isnull=True)}


def test_a_gate_past_its_date_without_a_decision_is_a_high_finding(gated):
    refresh_findings(None)
    finding = findings(gated.cloud_a)["gate_overdue"]  # design-review was due 70 days ago
    assert finding.severity == "high" and "Design review" in finding.explanation
    record_decision(cloud=gated.cloud_a, gate_code="design-review", outcome=Outcome.GO, decided_by_name="B",
                    attendees="A", rationale="Fine", conditions=[], actor=gated.pm_assigned)
    refresh_findings(None)
    assert "gate_overdue" not in findings(gated.cloud_a)


def test_a_condition_past_due_is_a_medium_finding(gated):
    decide_with_conditions(gated, due_in_days=(5, -1))
    refresh_findings(None)
    finding = findings(gated.cloud_a)["decision_condition_overdue"]
    assert finding.severity == "medium" and "Condition 2" in finding.explanation
    assert "Condition 1" not in finding.explanation


def approved(gated, code, expires_in_days, approved_days_ago=1):
    today = gated.today - approved_days_ago * DAY
    waiver = request_waiver(item=item_of(gated.cloud_a, code), reason="late", compensating_control="manual",
                            expires_on=gated.today + expires_in_days * DAY, actor=gated.partner_user,
                            source=ChangeSource.BROWSER, today=today)
    return decide_waiver(waiver=waiver, approve=True, note="", actor=gated.pm_assigned,
                         source=ChangeSource.BROWSER, today=today)


def test_a_waiver_expiring_within_14_days_is_a_medium_finding(gated):
    approved(gated, "PPL-02", 14)
    approved(gated, "PRC-02", 15)
    refresh_findings(None)
    finding = findings(gated.cloud_a)["waiver_expiring"]
    assert finding.severity == "medium" and "PPL-02" in finding.explanation and "PRC-02" not in finding.explanation
    assert [item.requirement.code for item in finding.items.select_related("requirement")] == ["PPL-02"]


@pytest.mark.parametrize(("code", "severity"), [("PPL-01", "high"), ("PPL-02", "medium")])
def test_an_expired_waiver_on_an_open_item_is_a_finding_high_when_gating(gated, code, severity):
    approved(gated, code, -1, approved_days_ago=20)
    refresh_findings(None)
    assert findings(gated.cloud_a)["waiver_expired"].severity == severity
    set_status(item_of(gated.cloud_a, code), ItemStatus.DONE)
    refresh_findings(None)
    assert "waiver_expired" not in findings(gated.cloud_a)


# -- the demo ---------------------------------------------------------------------------

@pytest.fixture
def demo(db, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_the_demo_has_the_netherlands_no_go_at_t30_and_switzerlands_go_at_t90(demo):
    today = timezone.localdate()
    netherlands = Cloud.objects.get(slug="netherlands")
    no_go = Decision.objects.get(cloud=netherlands, gate_code="readiness-review")
    assert no_go.outcome == Outcome.NO_GO and no_go.decided_on == netherlands.day1_date - 30 * DAY
    assert no_go.conditions.count() == 2 and no_go.conditions.filter(done_at__isnull=True).count() == 2
    go = Decision.objects.get(cloud__slug="switzerland", gate_code="design-review")
    assert go.outcome == Outcome.GO and go.decided_on == go.cloud.day1_date - 90 * DAY
    waivers = Waiver.objects.filter(item__checklist__cloud=netherlands).in_force(today)
    assert waivers.count() == 2
    assert sorted((w.expires_on - today).days <= 14 for w in waivers) == [False, True]  # one expiring
    assert Day1Change.objects.filter(cloud=netherlands).count() == 2
    assert Finding.objects.filter(cloud=netherlands, rule="waiver_expiring", resolved_at__isnull=True).exists()


def test_a_day1_outside_2000_to_2100_or_in_the_past_before_launch_is_refused(gated):
    for day, problem in ((dt.date(9999, 12, 31), "between"), (dt.date(1999, 12, 31), "between"),
                         (gated.today - DAY, "in the past")):
        with pytest.raises(ValidationError, match=problem):
            move_day1(cloud=gated.cloud_a, new_day1=day, reason="typo", actor=gated.pm_assigned)
    assert not Day1Change.objects.exists()


def test_a_gate_after_day1_is_not_decided_before_launch(gated):
    with pytest.raises(ValidationError, match="after Day 1"):
        record_decision(cloud=gated.cloud_a, gate_code="hypercare-exit", outcome=Outcome.GO, decided_by_name="B",
                        attendees="A", rationale="r", conditions=[], actor=gated.pm_assigned)


def test_a_decision_taken_before_day1_moved_is_flagged_for_confirmation(gated, client):
    record_decision(cloud=gated.cloud_a, gate_code="go-no-go", outcome=Outcome.GO, decided_by_name="B",
                    attendees="A", rationale="r", conditions=[], actor=gated.pm_assigned)
    move_day1(cloud=gated.cloud_a, new_day1=gated.cloud_a.day1_date + 30 * DAY, reason="slip",
              actor=gated.pm_assigned)
    client.force_login(gated.partner_user)
    gate = next(row for row in client.get("/api/v1/gates/?cloud=cloud-a").json() if row["code"] == "go-no-go")
    assert gate["state"] == "decided" and gate["decided_for_due_on"] != gate["due_on"]
    assert "Day 1 moved since: confirm it again" in client.get(
        reverse("launches:cloud", args=["cloud-a"])).content.decode()


def test_the_history_of_an_item_carried_to_a_new_framework_shows_its_earlier_life(gated, client):
    from readiness.services import update_item
    from tests.builders import SMALL_FRAMEWORK, make_framework

    item = item_of(gated.cloud_a, "PPL-02")
    update_item(item=item, changes={"notes": "Trainer booked"}, actor=gated.partner_user,
                source=ChangeSource.BROWSER, expected_version=item.version)
    from readiness.services import start_checklist

    start_checklist(cloud=gated.cloud_a, framework=make_framework(SMALL_FRAMEWORK, version=3), actor=None)
    carried = item_of(gated.cloud_a, "PPL-02")
    client.force_login(gated.pm_assigned)
    page = client.get(reverse("readiness:item_history", args=[carried.pk])).content.decode()
    assert f'data-earlier-item="{item.pk}"' in page and "Trainer booked" in page
