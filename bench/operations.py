"""Operations metrics at scale (issue 13): 50 clouds x 365 days x 12 metrics (219,000 values).

On PostgreSQL with DEBUG off:
- ingest: every value through POST /api/v1/metrics/bulk/ with a partner key (Django's test client,
  the whole request: authentication, JSON parsing, validation, the upsert), in batches of 5,000,
  into an empty table; then the floor: the same rows by a raw `INSERT ... ON CONFLICT DO UPDATE`
  (psycopg2 execute_values, batches of 5,000) into an empty table. Three alternating runs each;
  rows per second from the medians, and the API's time over the floor's (target at most 3x).
  Tasks are queued, not run (an in-memory broker), as with a worker in production.
- the portfolio operations page (GET /operations/) for a user who sees all 50 clouds, median of 10
  after a warm-up, target < 300 ms; its queries for a user who sees 5 clouds and one who sees 50
  must be equal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

if not __package__:
    # Run as a file (python bench/operations.py): put the project root first, not this folder.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.harness import Case, run_bench

CLOUDS, SMALL, DAYS, METRICS, BATCH = 50, 5, 365, 12, 5_000
ROWS = CLOUDS * DAYS * METRICS


def setup() -> dict:
    from django.contrib.auth import get_user_model

    from clouds.choices import PartnerRole, UserRole
    from clouds.models import Cloud, CloudPartner, Partner, PartnerAPIKey, Profile
    from config.celery import app
    from operations.catalog_file import load_catalog_file
    from operations.models import MetricDefinition

    app.conf.task_always_eager = False  # queue refreshes (memory broker), as with a worker
    load_catalog_file()
    today = dt.date.today()
    big = Partner.objects.create(slug="ncoe-all", name="NCOE All", country_code="FR")
    small = Partner.objects.create(slug="ncoe-five", name="NCOE Five", country_code="FR")
    clouds = Cloud.objects.bulk_create(
        [Cloud(slug=f"cloud-{n:02d}", name=f"Sovereign Cloud {n:02d}", country_code="FR", stage="launched",
               day1_date=today - dt.timedelta(days=200 + 5 * n)) for n in range(CLOUDS)])
    CloudPartner.objects.bulk_create([CloudPartner(cloud=cloud, partner=big, role=PartnerRole.OPERATOR)
                                      for cloud in clouds])
    CloudPartner.objects.bulk_create([CloudPartner(cloud=cloud, partner=small, role=PartnerRole.SUPPORT)
                                      for cloud in clouds[:SMALL]])
    _, key = PartnerAPIKey.objects.create_key(name="bench", partner=big)
    users = {}
    for name, partner in (("all-clouds", big), ("five-clouds", small)):
        user = get_user_model().objects.create_user(username=name, password="bench-only")
        Profile.objects.create(user=user, role=UserRole.PARTNER_STAFF, partner=partner)
        users[name] = user
    codes = list(MetricDefinition.objects.exclude(code="data_residency_exceptions").values_list("code", flat=True))
    rows = [{"cloud": cloud.slug, "metric": code, "day": (today - dt.timedelta(days=d)).isoformat(),
             "value": _value(code, n, d)}
            for n, cloud in enumerate(clouds) for d in range(DAYS) for code in codes[:METRICS]]
    return {"key": key, "rows": rows, "users": users, "today": today}


def _value(code: str, cloud: int, day: int):
    if code in ("initial_response_sla_met", "cases_handled_in_country"):
        return round(90 + (cloud * 7 + day * 3) % 100 / 10, 1)
    if code == "csat_average":
        return round(3.8 + (cloud + day) % 12 / 10, 2)
    return (cloud * 13 + day * 7) % 90


def ingest_api(context: dict) -> float:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {context['key']}")
    rows = context["rows"]
    started = time.perf_counter()
    for first in range(0, len(rows), BATCH):
        response = client.post("/api/v1/metrics/bulk/", json.dumps({"values": rows[first:first + BATCH]}),
                               content_type="application/json")
        assert response.status_code == 200, response.content[:500]
    return time.perf_counter() - started


def ingest_floor(context: dict) -> float:
    from django.db import connection
    from psycopg2.extras import execute_values

    from clouds.models import Cloud
    from operations.models import MetricDefinition, MetricValue

    clouds = dict(Cloud.objects.values_list("slug", "pk"))
    metrics = dict(MetricDefinition.objects.values_list("code", "pk"))
    table = MetricValue._meta.db_table
    started = time.perf_counter()
    rows = [(clouds[r["cloud"]], metrics[r["metric"]], r["day"], r["value"], "floor") for r in context["rows"]]
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            execute_values(
                cursor.cursor,
                f"INSERT INTO {table} (cloud_id, metric_id, day, value, reported_by, updated_at) VALUES %s "
                "ON CONFLICT (cloud_id, metric_id, day) DO UPDATE SET value = EXCLUDED.value, "
                "reported_by = EXCLUDED.reported_by, updated_at = EXCLUDED.updated_at",
                rows[first:first + BATCH], template="(%s, %s, %s, %s, %s, now())", page_size=BATCH)
    return time.perf_counter() - started


def empty() -> None:
    from operations.models import MetricValue

    MetricValue.objects.all().delete()


def cases(context: dict) -> list[Case]:
    from django.test import Client

    api_runs, floor_runs = [], []
    for _ in range(3):
        empty()
        api_runs.append(ingest_api(context))
        empty()
        floor_runs.append(ingest_floor(context))
    empty()
    ingest_api(context)  # the data the page reads
    context["api_s"], context["floor_s"] = statistics.median(api_runs), statistics.median(floor_runs)
    client = Client()
    client.force_login(context["users"]["all-clouds"])

    def portfolio():
        response = client.get("/operations/")
        assert response.status_code == 200, response.status_code

    return [Case(f"portfolio operations page, {CLOUDS} clouds", portfolio, warmup=2, repeat=10)]


def page_queries(user) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get("/operations/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/operations/")
    return len(captured)


def report(context: dict, results) -> dict:
    (page,) = results
    queries, queries_small = page_queries(context["users"]["all-clouds"]), page_queries(context["users"]["five-clouds"])
    api_s, floor_s = context["api_s"], context["floor_s"]
    load = round(os.getloadavg()[0], 2)
    print(f"\ningest of {ROWS} values in batches of {BATCH}: API {api_s:.2f} s ({ROWS / api_s:,.0f} rows/s), "
          f"raw INSERT ... ON CONFLICT floor {floor_s:.2f} s ({ROWS / floor_s:,.0f} rows/s): "
          f"API / floor {api_s / floor_s:.2f}x (target at most 3x); medians of 3")
    print(f"portfolio operations page: median {page.median_ms:.1f} ms (target < 300); queries {queries} at "
          f"{CLOUDS} clouds, {queries_small} at {SMALL}")
    print(f"load average {load:.2f}")
    assert queries == queries_small, "the portfolio operations page's queries grow with the clouds"
    return {"rows": ROWS, "rows_per_s": round(ROWS / api_s), "floor_rows_per_s": round(ROWS / floor_s),
            "floor_over_api": round(api_s / floor_s, 2), "portfolio_ms": round(page.median_ms, 1),
            "queries": queries, "queries_small": queries_small, "load_average": load}


if __name__ == "__main__":
    run_bench("operations", title="Operations ingest and portfolio (DEBUG off, PostgreSQL)", setup=setup,
              cases=cases, extra=report)
