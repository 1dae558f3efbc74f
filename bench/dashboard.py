"""The portfolio dashboard at scale: 50 clouds with 365 days of score history.

Server time of GET /dashboards/ for an executive (DEBUG off, PostgreSQL), median of 20 after a
warm-up; queries at 5 and at 50 clouds must be equal; the HTML (plotly.js is a separate static
file) must stay under 1 MB. Target: < 300 ms.
"""

from __future__ import annotations

import datetime as dt

from bench.harness import Case, run_bench

CLOUDS, SMALL, DAYS = 50, 5, 365


def setup() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from clouds.choices import PartnerRole, UserRole
    from clouds.models import Cloud, CloudPartner, Partner, Profile
    from readiness.demo import FRAMEWORK_FILE
    from readiness.framework_file import load_framework_file
    from readiness.services import start_checklist
    from readiness.snapshots.recompute import recompute_scores

    framework = load_framework_file(FRAMEWORK_FILE).framework
    for n in range(CLOUDS):
        partner = Partner.objects.create(slug=f"ncoe-{n:02d}", name=f"NCOE {n:02d}", country_code="FR")
        cloud = Cloud.objects.create(slug=f"cloud-{n:02d}", name=f"Sovereign Cloud {n:02d}", country_code="FR",
                                     kind="government" if n < SMALL else "sovereign",
                                     stage="pre_launch" if n % 3 else "launched",
                                     day1_date=dt.date.today() + dt.timedelta(days=(n * 7) % 120 - 60))
        CloudPartner.objects.create(cloud=cloud, partner=partner, role=PartnerRole.OPERATOR)
        start_checklist(cloud=cloud, framework=framework, actor=None)
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE readiness_checklistitem SET
              status = CASE WHEN id % 10 < 6 THEN 'done' WHEN id % 10 = 6 THEN 'blocked'
                            WHEN id % 10 = 7 THEN 'in_progress' ELSE 'not_started' END,
              completed_at = CASE WHEN id % 10 < 6 THEN now() - (id % 200) * interval '1 day' END,
              due_date = current_date + ((id % 61) - 30)::int
        """)
        cursor.execute(f"""
            INSERT INTO readiness_scoresnapshot (cloud_id, scope, day, score, level, reason, counted_count,
                done_count, open_count, overdue_count, blocked_count, open_gating_count, done_weight,
                counted_weight, waived_count, waived_weight, computed_at, forecast_status, forecast_reason)
            SELECT c.id, s.scope, current_date - d, round((20 + 60 * (1 - d / {DAYS}.0))::numeric, 1),
                   CASE WHEN s.scope = 'overall' THEN 'at_risk' ELSE '' END, '', 77, 40, 37, 5, 5, 3, 150, 300,
                   0, 0, now(), '', ''
            FROM clouds_cloud c, generate_series(1, {DAYS - 1}) AS d,
                 (VALUES ('people'), ('process'), ('technology'), ('overall')) AS s(scope)
        """)
        cursor.execute("ANALYZE")
    recompute_scores(None)  # today's snapshots, as the daily job leaves them
    executive = get_user_model().objects.create_user("exec", password="bench-password")
    Profile.objects.create(user=executive, role=UserRole.EXECUTIVE)
    client = Client()
    client.force_login(executive)
    return {"client": client}


def cases(context: dict) -> list[Case]:
    client = context["client"]

    def page(query):
        def run():
            response = client.get(f"/dashboards/{query}")
            assert response.status_code == 200
            context[f"bytes{query}"] = len(response.content)
            context[f"rows{query}"] = len(response.context["rows"]) if response.context else None
        return run

    return [
        Case(f"portfolio, executive, {CLOUDS} clouds x {DAYS} days", page(""), warmup=3, repeat=20),
        Case(f"portfolio filtered to {SMALL} clouds", page("?kind=government"), warmup=3, repeat=20),
    ]


def report(context: dict, results) -> dict:
    large, small = results
    html = context["bytes"]
    print(f"\nportfolio: median {large.median_ms:.1f} ms (target < 300), {large.queries} queries at {CLOUDS} clouds, "
          f"{small.queries} at {SMALL}; HTML {html / 1024:.0f} KiB (target < 1 MB, plotly.js not included)")
    assert large.queries == small.queries, "the portfolio's queries grow with the clouds"
    assert html < 1_000_000, "the portfolio page is over 1 MB"
    return {"clouds": CLOUDS, "days": DAYS, "median_ms": round(large.median_ms, 2), "queries": large.queries,
            "queries_small": small.queries, "html_bytes": html}


if __name__ == "__main__":
    run_bench("dashboard", title="Portfolio dashboard (DEBUG off, PostgreSQL)", setup=setup, cases=cases,
              extra=report)
