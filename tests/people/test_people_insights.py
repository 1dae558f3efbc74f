"""People insight rules: each fires at its threshold and stays quiet under it; the engine runs them
with facts from people.insight_facts; findings never carry names."""

import datetime as dt

from django.utils import timezone

from people.insight_rules import (
    FACTS,
    RequirementFacts,
    StaffingFacts,
    coverage_falls_short,
    coverage_short,
    critical_renewal,
    renewals_due,
)
from people.models import Screening, StaffingRequirement, StaffMember
from readiness.insights.engine import refresh_findings
from readiness.insights.rules import CloudFacts, InsightThresholds
from readiness.models import Finding

TODAY = dt.date(2026, 12, 1)
T = InsightThresholds()


def cloud(*requirements, due=0, critical=0, stage="pre_launch", day1=None, warning=30):
    facts = StaffingFacts(tuple(requirements), due, critical, TODAY + dt.timedelta(days=10) if critical else None,
                          warning)
    return CloudFacts(id=1, name="X", stage=stage, day1=day1, extra={FACTS: facts})


def req(eligible, minimum=2, shortfall_in=None):
    short = TODAY + dt.timedelta(days=shortfall_in) if shortfall_in is not None else None
    return RequirementFacts("support_engineer", minimum, eligible, short, minimum - 1 if short else None)


def test_coverage_short_today_fires_below_the_minimum_only():
    assert coverage_short(cloud(req(1)), TODAY, T).severity == "high"
    assert "1 eligible of 2" in coverage_short(cloud(req(1)), TODAY, T).explanation
    assert coverage_short(cloud(req(2)), TODAY, T) is None
    assert coverage_short(CloudFacts(id=1, name="X", stage="pre_launch", day1=None), TODAY, T) is None


def test_coverage_falls_short_within_the_warning_window_or_before_day1():
    assert coverage_falls_short(cloud(req(2, shortfall_in=30)), TODAY, T) is not None
    assert coverage_falls_short(cloud(req(2, shortfall_in=31)), TODAY, T) is None
    day1 = TODAY + dt.timedelta(days=100)
    before = coverage_falls_short(cloud(req(2, shortfall_in=79), day1=day1), TODAY, T)
    assert before is not None and "before Day 1" in before.explanation
    assert coverage_falls_short(cloud(req(2, shortfall_in=101), day1=day1), TODAY, T) is None
    # A launched cloud only hears about the warning window; a cloud short today hears coverage_short instead.
    assert coverage_falls_short(cloud(req(2, shortfall_in=79), day1=day1, stage="launched"), TODAY, T) is None
    assert coverage_falls_short(cloud(req(1, shortfall_in=5)), TODAY, T) is None


def test_renewal_rules_split_critical_from_due():
    assert critical_renewal(cloud(req(2), due=3, critical=1), TODAY, T).severity == "high"
    assert critical_renewal(cloud(req(2), due=3, critical=0), TODAY, T) is None
    assert "2 screening renewals" in renewals_due(cloud(req(2), due=3, critical=1), TODAY, T).explanation
    assert renewals_due(cloud(req(2), due=1, critical=1), TODAY, T) is None


def test_the_engine_opens_people_findings_without_names(world):
    today = timezone.localdate()
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=2,
                                       screenings="cloud_background_check")
    person = StaffMember.objects.create(full_name="Zelda Secretname", employer=world.partner_a,
                                        roles="support_engineer")
    person.clouds.set([world.cloud_a])
    Screening.objects.create(staff=person, kind="cloud_background_check", completed_on=today - dt.timedelta(days=700))
    refresh_findings([world.cloud_a.pk])
    rules = set(Finding.objects.filter(cloud=world.cloud_a, resolved_at__isnull=True).values_list("rule", flat=True))
    assert {"coverage_short", "renewals_due"} <= rules or {"coverage_short", "critical_renewal"} <= rules
    assert not Finding.objects.filter(explanation__contains="Secretname").exists()
    StaffingRequirement.objects.filter(cloud=world.cloud_a).update(minimum=1)
    refresh_findings([world.cloud_a.pk])
    assert not Finding.objects.filter(cloud=world.cloud_a, rule="coverage_short", resolved_at__isnull=True).exists()


def test_dashboards_and_narratives_show_coverage_in_counts(world):
    from django.test import Client

    from dashboards.narrative import staffing_sentence

    assert staffing_sentence(None) == "No staffing requirements are defined yet."
    short = cloud(req(1), due=2, critical=1).extra[FACTS]
    assert staffing_sentence(short) == ("Staffing is short today: support engineer 1 of 2 eligible. "
                                        "2 screening renewals due, 1 critical.")
    later = cloud(req(2, shortfall_in=10)).extra[FACTS]
    assert staffing_sentence(later) == "Staffing is met today but falls short on 11 Dec 2026 (support engineer 1 of 2)."
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=2)
    person = StaffMember.objects.create(full_name="Yuri Hiddenname", employer=world.partner_a,
                                        roles="support_engineer")
    person.clouds.set([world.cloud_a])
    client = Client()
    client.force_login(world.executive)
    page = client.get("/dashboards/cloud-a/")
    assert page.status_code == 200 and b"Staffing is short today: support engineer 1 of 2" in page.content
    assert b"Hiddenname" not in page.content
    portfolio = client.get("/dashboards/")
    assert b"Staffing short today: Cloud A (support engineer 1 of 2)" in portfolio.content
    assert b"Staffing: short today (support engineer 1 of 2)" in portfolio.content
    assert b"Staffing: no requirements yet" in portfolio.content  # cloud B


def test_digests_name_renewals_due_only_to_those_who_may_see_the_names(world):
    from django.core import mail

    from readiness.insights.digests import send_digests

    today = timezone.localdate()
    for user in (world.pm_assigned, world.partner_user, world.other_partner_user):
        user.email = f"{user.username}@example.gov"
        user.save()
        user.profile.receives_digests = True
        user.profile.save()
    StaffingRequirement.objects.create(cloud=world.cloud_a, role="support_engineer", minimum=1,
                                       screenings="cloud_background_check")
    person = StaffMember.objects.create(full_name="Rita Renewsoon", employer=world.partner_a, roles="support_engineer")
    person.clouds.set([world.cloud_a])
    Screening.objects.create(staff=person, kind="cloud_background_check", completed_on=today - dt.timedelta(days=700))
    refresh_findings(None)
    send_digests()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    for reader in ("pm-assigned@example.gov", "partner-a-staff@example.gov"):
        assert "Screening renewals due (1):" in bodies[reader]
        assert "Rita Renewsoon (Cloud A): cloud background check expires" in bodies[reader]
    assert "Renewsoon" not in bodies.get("partner-b-staff@example.gov", "")
