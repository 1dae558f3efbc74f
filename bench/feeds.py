"""BI feeds at scale (issue 16): GET /api/v1/feeds/metrics.csv and .jsonl over 500,400 metric values
(50 clouds x 12 metrics x 834 days), on PostgreSQL with DEBUG off, with a partner key that sees all
50 clouds, through Django's whole request path (test client; the streamed body is read chunk by chunk
and dropped, as a BI tool reading the socket would).

For each format, three runs after a first one: rows per second (median of the three), and the
process's resident memory growth while streaming, taken on the first run of the process (peak during
the run minus the resident size before it, sampled every 50 chunks; later runs reuse what the first
freed, so they would show less). Target under 50 MB whatever the size. As a control that the
measure sees memory, the same rows read into a list (what a non-streamed answer would hold) are
measured the same way, after the streams. The last line is JSON with `rows`, `rows_per_s` (CSV)
and `rss_growth_mb` (the larger of the two formats' first runs).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

if not __package__:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.harness import Case, run_bench

CLOUDS, METRICS, DAYS = 50, 12, 834
ROWS = CLOUDS * METRICS * DAYS
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def setup() -> dict:
    from django.db import connection
    from psycopg2.extras import execute_values

    from clouds.choices import PartnerRole
    from clouds.models import Cloud, CloudPartner, Partner, PartnerAPIKey
    from operations.catalog_file import load_catalog_file
    from operations.models import MetricDefinition, MetricValue

    load_catalog_file()
    today = dt.date.today()
    partner = Partner.objects.create(slug="ncoe-all", name="NCOE All", country_code="FR")
    clouds = Cloud.objects.bulk_create(
        [Cloud(slug=f"cloud-{n:02d}", name=f"Sovereign Cloud {n:02d}", country_code="FR", stage="launched",
               day1_date=today - dt.timedelta(days=900)) for n in range(CLOUDS)])
    CloudPartner.objects.bulk_create([CloudPartner(cloud=cloud, partner=partner, role=PartnerRole.OPERATOR)
                                      for cloud in clouds])
    _, key = PartnerAPIKey.objects.create_key(name="bench", partner=partner)
    metrics = list(MetricDefinition.objects.order_by("code").values_list("pk", flat=True))[:METRICS]
    assert len(metrics) == METRICS, "the catalog has fewer metrics than the bench needs"
    rows = ((cloud.pk, metric, today - dt.timedelta(days=day), (cloud.pk * 7 + day) % 90, "bench")
            for cloud in clouds for metric in metrics for day in range(DAYS))
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, f"INSERT INTO {MetricValue._meta.db_table} "
                                      "(cloud_id, metric_id, day, value, reported_by, updated_at) VALUES %s",
                       rows, template="(%s, %s, %s, %s, %s, now())", page_size=10_000)
    assert MetricValue.objects.count() == ROWS
    return {"key": key}


def stream(context: dict, fmt: str) -> tuple[int, float, int]:
    """Rows read, seconds, and the peak resident growth in bytes over the run."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {context['key']}")
    before = peak = rss_bytes()
    started = time.perf_counter()
    response = client.get(f"/api/v1/feeds/metrics.{fmt}")
    assert response.status_code == 200, response.status_code
    lines = 0
    for count, chunk in enumerate(response.streaming_content):
        lines += chunk.count(b"\n")
        if count % 50 == 0:
            peak = max(peak, rss_bytes())
    response.close()
    elapsed = time.perf_counter() - started
    peak = max(peak, rss_bytes())
    rows = lines - 1 if fmt == "csv" else lines
    assert rows == ROWS, (fmt, rows)
    return rows, elapsed, peak - before


def cases(context: dict) -> list[Case]:
    for fmt in ("csv", "jsonl"):
        first = stream(context, fmt)
        runs = [stream(context, fmt) for _ in range(3)]
        context[fmt] = {"seconds": statistics.median(run[1] for run in runs), "growth": first[2]}
    context["control"] = materialized_growth()
    return [Case("metrics feed, csv (first 10 chunks)", lambda: first_chunks(context), warmup=1, repeat=5)]


def materialized_growth() -> int:
    from operations.models import MetricValue

    before = rss_bytes()
    rows = list(MetricValue.objects.values_list("cloud__slug", "metric__code", "metric__unit", "day", "value",
                                                "updated_at"))
    assert len(rows) == ROWS
    return rss_bytes() - before


def first_chunks(context: dict) -> None:
    """Time to the first rows: a streamed feed starts answering before it has read everything."""
    from django.test import Client

    response = Client(HTTP_AUTHORIZATION=f"Api-Key {context['key']}").get("/api/v1/feeds/metrics.csv")
    for count, _ in enumerate(response.streaming_content):
        if count == 10:
            break
    response.close()


def report(context: dict, results) -> dict:
    load = round(os.getloadavg()[0], 2)
    figures = {}
    for fmt in ("csv", "jsonl"):
        seconds, growth = context[fmt]["seconds"], context[fmt]["growth"] / 2**20
        figures[fmt] = (ROWS / seconds, growth)
        print(f"metrics.{fmt}: {ROWS:,} rows in {seconds:.2f} s ({ROWS / seconds:,.0f} rows/s), resident memory "
              f"growth {growth:.1f} MB on the first run (target < 50); rows/s the median of 3 more")
    print(f"control: the same rows read into a list grow the process by {context['control'] / 2**20:.1f} MB")
    print(f"first 10 chunks (5,000 rows) of metrics.csv: median {results[0].median_ms:.1f} ms")
    print(f"load average {load:.2f}")
    return {"rows": ROWS, "rows_per_s": round(figures["csv"][0]), "jsonl_rows_per_s": round(figures["jsonl"][0]),
            "rss_growth_mb": round(max(figures["csv"][1], figures["jsonl"][1]), 1),
            "materialized_growth_mb": round(context["control"] / 2**20, 1), "load_average": load}


if __name__ == "__main__":
    run_bench("feeds", title="BI feeds streamed (DEBUG off, PostgreSQL)", setup=setup, cases=cases, extra=report)
