"""The demo's operations data: 180 days of plausible daily support metrics for the launched demo
clouds, generated deterministically (each value from a generator seeded by cloud, metric and day),
registered as a readiness demo extension by OperationsConfig (readiness never imports operations).

The story: France and US Government run steadily (their first 90 days after Day 1 are there too, for
the launch comparison); Germany's CSAT slides over the last two weeks
while its backlog spikes in the last week; Singapore recorded a data-residency exception five days
ago, and its first 90 days after Day 1 (hypercare) were rougher than since. Only missing values are
created, so running the demo again changes nothing and an edited value is kept.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import Group, Permission

from clouds.models import Cloud
from clouds.stages import LAUNCHED
from operations.catalog_file import load_catalog_file
from operations.models import MetricDefinition, MetricValue
from readiness.demo import PROGRAM_MANAGERS_GROUP, SeedReport

DAYS = 180
HYPERCARE_DAYS = 90
REPORTER = "demo data"
SCALE = {"france": 1.0, "germany": 0.8, "singapore": 0.5, "us-government": 1.3}


def seed_metrics(report: SeedReport, today: dt.date) -> None:
    _, created = load_catalog_file()
    if created:
        report.add("metric catalog")
    managers = Group.objects.filter(name=PROGRAM_MANAGERS_GROUP).first()
    if managers is not None:  # program managers set their clouds' targets in the admin
        managers.permissions.add(*Permission.objects.filter(content_type__app_label="operations", codename__in=[
            "view_metriccatalog", "view_metricdefinition", "view_metricvalue", "view_metrictarget",
            "add_metrictarget", "change_metrictarget", "delete_metrictarget"]))
    metrics = {metric.code: metric for metric in MetricDefinition.objects.all()}
    clouds = list(Cloud.objects.filter(slug__in=SCALE, stage=LAUNCHED).exclude(day1_date__isnull=True))
    rows = []
    for cloud in clouds:
        # The last DAYS days, and the cloud's first HYPERCARE_DAYS after Day 1 (the launch comparison).
        recent = {today - dt.timedelta(days=n) for n in range(DAYS)}
        launch = {cloud.day1_date + dt.timedelta(days=n) for n in range(HYPERCARE_DAYS)}
        for day in sorted(day for day in recent | launch if cloud.day1_date <= day <= today):
            for code, value in day_values(cloud.slug, day, today, since_day1=(day - cloud.day1_date).days).items():
                rows.append(MetricValue(cloud=cloud, metric=metrics[code], day=day, value=value,
                                        reported_by=REPORTER))
    before = MetricValue.objects.count()
    MetricValue.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    added = MetricValue.objects.count() - before
    if added:
        report.add("metric values", added)


def day_values(slug: str, day: dt.date, today: dt.date, *, since_day1: int) -> dict[str, Decimal]:
    """One day's metrics for one cloud: the same numbers whenever the demo is seeded."""
    rng = random.Random(f"{slug}:{day.isoformat()}")
    scale = SCALE[slug]
    back = (today - day).days  # 0 today
    hypercare = since_day1 < 90
    opened = round(rng.gauss(40, 6) * scale)
    backlog = rng.gauss(120, 10) * scale
    csat = rng.gauss(4.55, 0.06)
    sla = rng.gauss(97.2, 0.6)
    if hypercare:
        sla -= 2.5
        csat -= 0.1
        backlog *= 1.2
    if slug == "germany":
        if back < 14:  # the slide: down about 0.8 over two weeks (this week's mean 0.4 below last week's)
            csat -= 0.8 * (14 - back) / 14
        if back < 7:  # the spike: up about 40 % this week
            backlog *= 1.4 + 0.02 * (7 - back)
    residency = 1 if slug == "singapore" and back == 5 else 0
    sev1 = 1 if rng.random() < 0.02 else 0
    values = {
        "cases_opened": max(0, opened),
        "cases_closed": max(0, opened + round(rng.gauss(0, 4))),
        "backlog": max(0, round(backlog)),
        "initial_response_sla_met": min(100.0, max(0.0, round(sla, 1))),
        "resolution_time_p50": max(0.5, round(rng.gauss(14, 2.5), 1)),
        "resolution_time_p90": max(1.0, round(rng.gauss(52, 7), 1)),
        "csat_average": min(5.0, max(1.0, round(csat, 2))),
        "csat_responses": max(0, round(rng.gauss(12, 3) * scale)),
        "escalations_to_engineering": max(0, round(rng.gauss(4, 1.5) * scale)),
        "sev1_incidents": sev1,
        "time_to_mitigate_p50": max(1.0, round(rng.gauss(35, 5), 1)),
        "cases_handled_in_country": min(100.0, max(0.0, round(rng.gauss(99.6, 0.25), 1))),
        "data_residency_exceptions": residency,
    }
    return {code: Decimal(str(value)) for code, value in values.items()}
