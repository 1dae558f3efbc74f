"""The insights engine against the database: each rule resolves, runs are idempotent,
acknowledgements survive, digests go out once a day, and the demo register is believable."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clouds.models import Cloud
from readiness.choices import ChangeSource
from readiness.insights.digests import send_digests
from readiness.insights.engine import refresh_findings
from readiness.models import ChecklistItem, DigestDelivery, Finding, ScoreSnapshot
from readiness.services import start_checklist, update_item
from tests.builders import active_checklist, make_framework

TODAY = timezone.localdate()


def edit(world, code, **changes):
    item = active_checklist(world.cloud_a).items.get(requirement__code=code)
    return update_item(item=item, changes=changes, actor=None, source=ChangeSource.JOB, expected_version=item.version)


def snapshot(world, scope, score, day=TODAY, **fields):
    values = {"score": D(score), "level": "at_risk" if scope == "overall" else "", "computed_at": timezone.now(),
              "counted_weight": 10, "done_weight": 5, "counted_count": 2, "done_count": 1}
    values.update(fields)
    ScoreSnapshot.objects.update_or_create(cloud=world.cloud_a, scope=scope, day=day, defaults=values)


def open_finding(world, rule):
    return Finding.objects.filter(cloud=world.cloud_a, rule=rule, resolved_at__isnull=True).first()


def setup_and_resolve(world, rule):
    """Make `rule` fire on cloud A; return a function that makes it stop firing."""
    if rule == "gating_overdue":
        edit(world, "PPL-01", due_date=TODAY - dt.timedelta(days=1))
        return lambda: edit(world, "PPL-01", status="done")
    if rule == "gating_near_day1":
        Cloud.objects.filter(pk=world.cloud_a.pk).update(day1_date=TODAY + dt.timedelta(days=10))
        return lambda: [edit(world, code, status="done") for code in ("PPL-01", "PRC-01", "TEC-02")]
    if rule == "forecast_late":
        Cloud.objects.filter(pk=world.cloud_a.pk).update(day1_date=TODAY + dt.timedelta(days=20))
        snapshot(world, "overall", "60.0", forecast_status="late", projected_date=TODAY + dt.timedelta(days=30),
                 days_late=10)
        return lambda: snapshot(world, "overall", "60.0", forecast_status="on_track", days_late=0)
    if rule == "score_drop":
        snapshot(world, "overall", "70.0", day=TODAY - dt.timedelta(days=7))
        snapshot(world, "overall", "64.0")
        return lambda: snapshot(world, "overall", "66.0")
    if rule == "unowned":
        return lambda: ChecklistItem.objects.filter(checklist__cloud=world.cloud_a).update(owner=world.partner_user)
    if rule == "blocked_long":
        edit(world, "PPL-02", status="blocked")
        ChecklistItem.objects.filter(checklist__cloud=world.cloud_a, requirement__code="PPL-02").update(
            status_changed_at=timezone.now() - dt.timedelta(days=10))
        return lambda: edit(world, "PPL-02", status="in_progress")
    if rule == "stale":
        ChecklistItem.objects.filter(checklist__cloud=world.cloud_a).update(
            updated_at=timezone.now() - dt.timedelta(days=40))
        return lambda: [edit(world, code, notes="checked") for code in
                        ("PPL-01", "PPL-02", "PRC-01", "PRC-02", "TEC-01", "TEC-02")]
    if rule == "pillar_lagging":
        for scope, score in (("people", "90.0"), ("process", "50.0"), ("technology", "80.0")):
            snapshot(world, scope, score, level="")
        return lambda: snapshot(world, "process", "70.0", level="")
    if rule == "old_framework":
        v2 = make_framework(version=2)
        return lambda: start_checklist(cloud=world.cloud_a, framework=v2, actor=None)
    raise AssertionError(rule)


RULES = ["gating_overdue", "gating_near_day1", "forecast_late", "score_drop", "unowned", "blocked_long", "stale",
         "pillar_lagging", "old_framework"]


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_opens_a_finding_and_resolves_when_it_stops_firing(world, rule):
    resolve = setup_and_resolve(world, rule)
    refresh_findings([world.cloud_a.pk])
    finding = open_finding(world, rule)
    assert finding is not None, rule
    resolve()
    refresh_findings([world.cloud_a.pk])
    assert open_finding(world, rule) is None
    finding.refresh_from_db()
    assert finding.resolved_at is not None  # kept, as history


def test_running_twice_creates_no_duplicate_and_changes_nothing(world):
    first = refresh_findings(None)
    second = refresh_findings(None)
    assert first["opened"] >= 2 and second == {"opened": 0, "updated": 0, "resolved": 0,
                                                "unchanged": first["opened"]}
    assert Finding.objects.filter(resolved_at__isnull=True).count() == first["opened"]


def test_a_finding_follows_its_items_and_keeps_its_acknowledgement(world):
    refresh_findings([world.cloud_a.pk])
    finding = open_finding(world, "unowned")
    assert finding.items.count() == 6
    finding.acknowledged_at, finding.acknowledged_by = timezone.now(), world.pm_assigned
    finding.acknowledgement_note = "Hiring in progress"
    finding.save()
    edit(world, "PPL-01", owner=world.partner_user.pk)
    refresh_findings([world.cloud_a.pk])
    again = open_finding(world, "unowned")
    assert again.pk == finding.pk and again.items.count() == 5 and "5 open items" in again.explanation
    assert again.acknowledgement_note == "Hiring in progress"


def test_a_rule_firing_again_after_resolution_opens_a_new_finding(world):
    refresh_findings([world.cloud_a.pk])
    first = open_finding(world, "unowned")
    ChecklistItem.objects.filter(checklist__cloud=world.cloud_a).update(owner=world.partner_user)
    refresh_findings([world.cloud_a.pk])
    ChecklistItem.objects.filter(checklist__cloud=world.cloud_a).update(owner=None)
    refresh_findings([world.cloud_a.pk])
    second = open_finding(world, "unowned")
    assert second.pk != first.pk and Finding.objects.filter(cloud=world.cloud_a, rule="unowned").count() == 2


def test_digests_go_once_per_recipient_and_day_with_site_links(world, settings):
    settings.SITE_URL = "https://portal.example.gov"
    for user in (world.pm_assigned, world.partner_user, world.executive):
        user.email = f"{user.username}@example.gov"
        user.save()
        user.profile.receives_digests = True
        user.profile.save()
    edit(world, "PPL-01", due_date=TODAY - dt.timedelta(days=2))  # a high finding on cloud A
    refresh_findings(None)
    assert send_digests() == 2  # the PM of cloud A and partner A's user; executives get none
    assert send_digests() == 0
    assert sorted(message.to[0] for message in mail.outbox) == ["partner-a-staff@example.gov",
                                                                "pm-assigned@example.gov"]
    body = mail.outbox[0].body
    assert "https://portal.example.gov/risks/?cloud=cloud-a" in body and "Gating items overdue" in body
    assert "Cloud B" not in body and DigestDelivery.objects.count() == 2


def test_no_digest_when_nothing_high_or_medium_is_open(world):
    world.pm_assigned.email = "pm@example.gov"
    world.pm_assigned.save()
    world.pm_assigned.profile.receives_digests = True
    world.pm_assigned.profile.save()
    assert send_digests() == 0 and mail.outbox == []


def test_demo_register_is_believable(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    open_rules = {}
    for slug, rule, severity in Finding.objects.filter(resolved_at__isnull=True).values_list(
            "cloud__slug", "rule", "severity"):
        open_rules.setdefault(slug, set()).add((rule, severity))
    assert {("gating_overdue", "high"), ("gating_near_day1", "high")} <= open_rules["netherlands"]
    assert ("forecast_late", "high") in open_rules["netherlands"]
    for launched in ("france", "germany", "singapore", "us-government"):
        assert {rule for rule, _ in open_rules[launched]} & {"stale", "gating_overdue", "blocked_long"}, launched


def test_the_register_lists_findings_with_their_items_and_acknowledges(client, world):
    edit(world, "PPL-01", due_date=TODAY - dt.timedelta(days=1))
    refresh_findings(None)
    client.force_login(world.partner_user)
    page = client.get("/risks/")
    body = page.content.decode()
    assert page.status_code == 200 and "Gating items overdue" in body and "unowned" in body
    assert {f.cloud.slug for f in page.context["findings"]} == {"cloud-a"}
    finding = open_finding(world, "gating_overdue")
    assert client.post(f"/risks/{finding.pk}/acknowledge/", {"note": ""}).status_code == 302
    finding.refresh_from_db()
    assert finding.acknowledged_at is None  # a note is required
    client.post(f"/risks/{finding.pk}/acknowledge/", {"note": "New date agreed with the NCOE"})
    finding.refresh_from_db()
    assert finding.acknowledged_by == world.partner_user and finding.acknowledgement_note
    acknowledged = client.get("/risks/?state=acknowledged").content.decode()
    assert "New date agreed with the NCOE" in acknowledged
    refresh_findings(None)
    finding.refresh_from_db()
    assert finding.acknowledgement_note == "New date agreed with the NCOE" and finding.resolved_at is None
    filtered = client.get("/risks/?severity=high&rule=gating_overdue&cloud=cloud-a").context["findings"]
    assert [f.rule for f in filtered] == ["gating_overdue"]
    refused = client.get("/risks/?severity=urgent")
    assert refused.status_code == 400 and "severity: use high, medium or low." in refused.content.decode()


def test_findings_api_is_scoped_and_filtered(world):
    from rest_framework.test import APIClient

    from tests.api.conftest import make_key

    refresh_findings(None)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'risk-tool')}")
    rows = api.get("/api/v1/findings/").json()["results"]
    assert {row["cloud"] for row in rows} == {"cloud-a"} and rows[0]["status"] == "open"
    hidden = Finding.objects.filter(cloud=world.cloud_b).first()
    assert api.get(f"/api/v1/findings/{hidden.pk}/").status_code == 404
    assert api.get("/api/v1/findings/?cloud=cloud-b").status_code == 404
    assert api.get("/api/v1/findings/?severity=urgent").status_code == 400
    assert api.get("/api/v1/findings/?colour=red").status_code == 400


def test_score_drop_compares_with_the_peak_of_the_week(world):
    snapshot(world, "overall", "80.0", day=TODAY - dt.timedelta(days=3))
    snapshot(world, "overall", "70.0", day=TODAY - dt.timedelta(days=7))
    snapshot(world, "overall", "74.0")
    refresh_findings([world.cloud_a.pk])
    assert "from 80.0 to 74.0" in open_finding(world, "score_drop").explanation


def test_retired_clouds_keep_no_open_findings(world):
    refresh_findings(None)
    assert open_finding(world, "unowned") is not None
    Cloud.objects.filter(pk=world.cloud_a.pk).update(stage="retired", day1_date=TODAY - dt.timedelta(days=900))
    refresh_findings(None)
    assert not Finding.objects.filter(cloud=world.cloud_a, resolved_at__isnull=True).exists()


def test_a_second_acknowledgement_does_not_replace_the_first(client, world):
    refresh_findings(None)
    finding = open_finding(world, "unowned")
    client.force_login(world.pm_assigned)
    client.post(f"/risks/{finding.pk}/acknowledge/", {"note": "First note"})
    client.force_login(world.admin)
    client.post(f"/risks/{finding.pk}/acknowledge/", {"note": "Second note"})
    finding.refresh_from_db()
    assert (finding.acknowledgement_note, finding.acknowledged_by) == ("First note", world.pm_assigned)


def test_the_register_shows_a_bounded_number_of_items_per_finding(client, world):
    from readiness.insights.register import ITEMS_SHOWN

    codes = [(f"TEC-{n:02d}", "technology", "tooling", 1, False) for n in range(1, 41)]
    big = make_framework(codes, slug="big")
    from tests.builders import make_cloud

    make_cloud("big-cloud", partner=world.partner_a, framework=big)
    refresh_findings(None)
    client.force_login(world.executive)
    page = client.get("/risks/?cloud=big-cloud&rule=unowned")
    finding = page.context["findings"][0]
    assert finding.item_count == 40 and len(finding.shown_items) == ITEMS_SHOWN
    assert "the first 20 shown" in page.content.decode()
