"""Operations insight rules: each fires at its threshold, stays quiet just under it, and the engine
resolves its finding when the data recovers."""

import datetime as dt
from decimal import Decimal as D

from operations.health import HIGHER, LOWER, Metric
from operations.insight_rules import (
    FACTS,
    OperationsFacts,
    backlog_rising,
    csat_falling,
    key_metric_breached,
    residency_exception,
    silent,
)
from readiness.insights.rules import CloudFacts, InsightThresholds

TODAY = dt.date(2026, 12, 1)
T = InsightThresholds()
METRICS = (Metric("initial_response_sla_met", "Initial-response SLA met", HIGHER, True),
           Metric("backlog", "Backlog", LOWER, True), Metric("csat_average", "CSAT average", HIGHER, True),
           Metric("data_residency_exceptions", "Data-residency exceptions", LOWER, True))
TARGETS = {"initial_response_sla_met": D(95), "backlog": D(200), "csat_average": D("4.3"),
           "data_residency_exceptions": D(0)}


def ago(n):
    return TODAY - dt.timedelta(days=n)


def cloud(values, *, stage="launched", last=TODAY):
    facts = OperationsFacts(values, TARGETS, METRICS, last, D("0.10"), 3, D("0.25"), D("0.3"), 14, 3)
    return CloudFacts(id=1, name="X", stage=stage, day1=None, extra={FACTS: facts})


def test_residency_exception_fires_on_any_exception_in_seven_days():
    assert residency_exception(cloud({("data_residency_exceptions", ago(6)): D(1)}), TODAY, T).severity == "high"
    assert residency_exception(cloud({("data_residency_exceptions", ago(7)): D(1)}), TODAY, T) is None
    assert residency_exception(cloud({("data_residency_exceptions", TODAY): D(0)}), TODAY, T) is None


def test_key_metric_breached_on_three_days_in_seven():
    three = {("initial_response_sla_met", ago(n)): D(50) for n in (0, 3, 6)}
    spec = key_metric_breached(cloud(three), TODAY, T)
    assert spec.severity == "high" and "Initial-response SLA met on 3 days" in spec.explanation
    two = {("initial_response_sla_met", ago(n)): D(50) for n in (0, 3)}
    assert key_metric_breached(cloud(two), TODAY, T) is None
    watch = {("initial_response_sla_met", ago(n)): D(86) for n in range(7)}  # within tolerance: not breached
    assert key_metric_breached(cloud(watch), TODAY, T) is None


def test_backlog_up_a_quarter_week_on_week():
    def weeks(before, now):
        return {**{("backlog", ago(n)): D(now) for n in range(7)},
                **{("backlog", ago(n)): D(before) for n in range(7, 14)}}
    assert backlog_rising(cloud(weeks(100, 125)), TODAY, T).severity == "medium"
    assert backlog_rising(cloud(weeks(100, 124)), TODAY, T) is None
    assert backlog_rising(cloud({("backlog", TODAY): D(500)}), TODAY, T) is None  # nothing to compare with


def test_csat_down_three_tenths_in_fourteen_days():
    def halves(before, now):
        return {**{("csat_average", ago(n)): D(now) for n in range(7)},
                **{("csat_average", ago(n)): D(before) for n in range(7, 14)}}
    assert csat_falling(cloud(halves("4.6", "4.3")), TODAY, T).severity == "medium"
    assert csat_falling(cloud(halves("4.6", "4.31")), TODAY, T) is None


def test_silence_from_a_launched_cloud_for_three_days():
    assert silent(cloud({}, last=ago(3)), TODAY, T).severity == "low"
    assert silent(cloud({}, last=ago(2)), TODAY, T) is None
    assert silent(cloud({}, last=None), TODAY, T) is not None
    assert silent(cloud({}, last=None, stage="pre_launch"), TODAY, T) is None


def test_the_engine_opens_and_resolves_operations_findings(world):
    import json

    from django.test import Client
    from django.utils import timezone

    from clouds.models import Cloud
    from operations.catalog_file import load_catalog_file
    from operations.models import MetricValue
    from readiness.insights.engine import refresh_findings
    from readiness.models import Finding
    from tests.api.conftest import make_key

    load_catalog_file()
    today = timezone.localdate()
    Cloud.objects.filter(pk=world.cloud_a.pk).update(stage="launched", day1_date=today - dt.timedelta(days=30))
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'ops')}")
    client.post("/api/v1/metrics/bulk/", json.dumps({"values": [
        {"cloud": "cloud-a", "metric": "data_residency_exceptions", "day": today.isoformat(), "value": 2}]}),
        content_type="application/json")
    refresh_findings([world.cloud_a.pk])
    open_rules = set(Finding.objects.filter(cloud=world.cloud_a, resolved_at__isnull=True)
                     .values_list("rule", flat=True))
    assert "residency_exception" in open_rules and "operations_silent" not in open_rules
    MetricValue.objects.filter(metric__code="data_residency_exceptions").update(value=0)
    refresh_findings([world.cloud_a.pk])
    assert not Finding.objects.filter(cloud=world.cloud_a, rule="residency_exception",
                                      resolved_at__isnull=True).exists()


def test_narratives_say_operations_health(world):
    import json

    from django.test import Client
    from django.utils import timezone

    from operations.catalog_file import load_catalog_file
    from tests.api.conftest import make_key

    load_catalog_file()
    today = timezone.localdate()
    tool = Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'ops')}")
    tool.post("/api/v1/metrics/bulk/", json.dumps({"values": [
        {"cloud": "cloud-a", "metric": "data_residency_exceptions", "day": today.isoformat(), "value": 1}]}),
        content_type="application/json")
    client = Client()
    client.force_login(world.executive)
    page = client.get("/dashboards/cloud-a/").content.decode()
    assert "Operations critical over the last 7 days: 1 data-residency exception recorded" in page
    assert "Operations: critical at Cloud A." in client.get("/dashboards/").content.decode()
    assert "Operations" not in client.get("/dashboards/cloud-b/narrative.md").content.decode()  # no data, pre-launch


def test_digests_carry_operations_health(world):
    import json

    from django.core import mail
    from django.test import Client
    from django.utils import timezone

    from operations.catalog_file import load_catalog_file
    from readiness.insights.digests import send_digests
    from readiness.insights.engine import refresh_findings
    from tests.api.conftest import make_key

    load_catalog_file()
    world.pm_assigned.email = "pm@example.gov"
    world.pm_assigned.save()
    world.pm_assigned.profile.receives_digests = True
    world.pm_assigned.profile.save()
    tool = Client(HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'ops')}")
    tool.post("/api/v1/metrics/bulk/", json.dumps({"values": [
        {"cloud": "cloud-a", "metric": "data_residency_exceptions", "day": timezone.localdate().isoformat(),
         "value": 1}]}), content_type="application/json")
    refresh_findings(None)
    send_digests()
    (message,) = mail.outbox
    assert "Operations health, last 7 days (1):" in message.body
    assert "Cloud A: critical. 1 data-residency exception recorded" in message.body
    assert "Data-residency exception" in message.body  # the finding too


def test_a_new_catalogue_version_marks_every_cloud_stale(world):
    from operations.catalog_file import DEFAULT_FILE, load_catalog, load_catalog_file, parse_catalog
    from readiness.models import CloudScoreState

    load_catalog_file()
    CloudScoreState.objects.update(stale=False)
    text = DEFAULT_FILE.read_text().replace("version: 1}", "version: 2}").replace("target: 200", "target: 150")
    load_catalog(parse_catalog(text))
    assert set(CloudScoreState.objects.values_list("stale", flat=True)) == {True}


def test_a_failing_digest_section_does_not_stop_the_digest(world, caplog):
    from django.core import mail

    from readiness.insights import registry
    from readiness.insights.digests import send_digests
    from readiness.insights.engine import refresh_findings

    def broken(user, clouds, today):
        raise RuntimeError("boom")

    world.pm_assigned.email = "pm@example.gov"
    world.pm_assigned.save()
    world.pm_assigned.profile.receives_digests = True
    world.pm_assigned.profile.save()
    refresh_findings(None)  # the unowned items of cloud A: a medium finding to report
    registry.register_digest_section(broken)
    try:
        assert send_digests() == 1 and len(mail.outbox) == 1
    finally:
        registry._digest_sections.remove(broken)
    assert "Digest section" in caplog.text
