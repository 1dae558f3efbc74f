"""The whole insights engine on PostgreSQL: 50 clouds x 2,000 items.

Median of 5 runs of refresh_findings over every cloud after a warm-up (the warm-up opens the
findings; later runs re-evaluate every rule and compare), the first run timed on its own, and
the queries of one run at 5 and at 50 clouds, which must be equal. Target: under 2 s.
"""

from __future__ import annotations

import time

from bench.harness import Case, run_bench
from bench.recompute import CLOUDS, ITEMS, make_framework, spread_statuses

SMALL = 5


def setup() -> dict:
    from django.db import connection

    from clouds.models import Cloud
    from readiness.services import start_checklist
    from readiness.snapshots.recompute import rebuild_history, recompute_scores

    framework = make_framework("bench-big", ITEMS)
    for n in range(CLOUDS):
        cloud = Cloud.objects.create(slug=f"cloud-{n:02d}", name=f"Cloud {n:02d}", country_code="FR",
                                     stage="pre_launch", day1_date=None)
        start_checklist(cloud=cloud, framework=framework, actor=None)
    spread_statuses()
    with connection.cursor() as cursor:
        # Day 1 spread around today, some items untouched for weeks and some blocked long ago.
        cursor.execute("UPDATE clouds_cloud SET day1_date = current_date + ((id * 7) % 90 - 20)::int")
        cursor.execute("""UPDATE readiness_checklistitem SET updated_at = now() - (id % 60) * interval '1 day',
                          status_changed_at = now() - (id % 20) * interval '1 day', owner_id = NULL""")
        cursor.execute("ANALYZE")
    recompute_scores(None)
    ids = list(Cloud.objects.order_by("pk").values_list("pk", flat=True))
    rebuild_history(ids[:2], days=8)  # a week of history on a couple of clouds, for the score-drop rule
    return {"ids": ids}


def cases(context: dict) -> list[Case]:
    from readiness.insights.engine import refresh_findings

    started = time.perf_counter()
    context["first_counts"] = refresh_findings(None)
    context["first_s"] = time.perf_counter() - started
    from django.contrib.auth import get_user_model
    from django.test import Client

    from clouds.choices import UserRole
    from clouds.models import Profile

    executive = get_user_model().objects.create_user("exec", password="bench-password")
    Profile.objects.create(user=executive, role=UserRole.EXECUTIVE)
    client = Client()
    client.force_login(executive)

    def register():
        response = client.get("/risks/")
        assert response.status_code == 200
        context["register_bytes"] = len(response.content)

    return [Case(f"whole engine, {CLOUDS} clouds x {ITEMS} items", lambda: refresh_findings(None), warmup=1,
                 repeat=5),
            Case("risk register page, executive, every cloud", register, warmup=2, repeat=10)]


def queries_for(ids) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from readiness.insights.engine import refresh_findings

    refresh_findings(ids)
    with CaptureQueriesContext(connection) as captured:
        refresh_findings(ids)
    return len(captured)


def report(context: dict, results) -> dict:
    from readiness.models import Finding

    engine, register = results
    print(f"risk register page: median {register.median_ms:.1f} ms, {register.queries} queries, "
          f"{context['register_bytes'] / 1024:.0f} KiB")
    ids = context["ids"]
    queries, queries_small = queries_for(ids), queries_for(ids[:SMALL])
    open_findings = Finding.objects.filter(resolved_at__isnull=True).count()
    print(f"\nwhole engine: median {engine.median_ms / 1000:.3f} s of 5 (target < 2 s); first run over every "
          f"cloud {context['first_s']:.3f} s ({context['first_counts']}); {open_findings} findings open; queries "
          f"{queries} at {CLOUDS} clouds, {queries_small} at {SMALL}")
    assert queries == queries_small, "the engine's queries grow with the clouds"
    return {"items": CLOUDS * ITEMS, "clouds": CLOUDS, "seconds": round(engine.median_ms / 1000, 3),
            "first_run_seconds": round(context["first_s"], 3), "findings": open_findings, "queries": queries,
            "register_ms": round(register.median_ms, 1),
            "queries_small": queries_small}


if __name__ == "__main__":
    run_bench("insights", title="Insights engine (DEBUG off, PostgreSQL)", setup=setup, cases=cases, extra=report)
