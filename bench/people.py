"""People readiness at scale (issue 12): 50 clouds, 20,000 staff with 4 screenings and 3 trainings each.

Two paths, on PostgreSQL with DEBUG off:
- coverage and the 180-day forecast of every cloud: people.queries.people_of and requirements_of
  for all clouds at once, then people.coverage.forecast for every requirement and renewals for
  every cloud (what the coverage API and the staffing check do per cloud), median of 5 after a
  warm-up; target < 1 s. Its queries at 5 and at 50 clouds must be equal.
- the roster page of a cloud with 400 staff (GET /clouds/<slug>/people/, looked up by its URL name
  people:cloud_people) as the cloud's program manager, who sees every name; median of 20 after a
  warm-up through Django's test client; target < 200 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

if not __package__:
    # Run as a file (python bench/people.py): this folder comes first on the path, where this file would
    # shadow the people app; put the project root there instead (python -m bench.people needs nothing).
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.harness import Case, run_bench

CLOUDS, SMALL, STAFF = 50, 5, 20_000
PER_CLOUD = STAFF // CLOUDS  # 400: everyone serves one cloud
ROLE_MIX = ("support_engineer",) * 6 + ("escalation_engineer",) * 2 + ("incident_manager", "duty_manager")
# Minimum headcount per role, raised cloud by cloud (by step x (n % 8)) so that some clouds are met
# throughout the horizon, some fall short later and some are short today.
MINIMUMS = {"support_engineer": (100, 10), "escalation_engineer": (35, 3), "incident_manager": (18, 1),
            "duty_manager": (18, 1)}
MANAGERS = ("incident_manager", "duty_manager")
BATCH = 5_000


def setup() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from clouds.choices import PartnerRole, UserRole
    from clouds.models import Cloud, CloudPartner, Partner, Profile
    from people.models import Screening, StaffingRequirement, StaffMember, Training

    today = dt.date.today()
    partners = Partner.objects.bulk_create(
        [Partner(slug=f"ncoe-{n:02d}", name=f"NCOE {n:02d}", country_code="FR") for n in range(CLOUDS)])
    clouds = Cloud.objects.bulk_create(
        [Cloud(slug=f"cloud-{n:02d}", name=f"Sovereign Cloud {n:02d}", country_code="FR", stage="pre_launch",
               day1_date=today + dt.timedelta(days=30 + n)) for n in range(CLOUDS)])
    CloudPartner.objects.bulk_create([CloudPartner(cloud=cloud, partner=partner, role=PartnerRole.OPERATOR)
                                      for cloud, partner in zip(clouds, partners, strict=True)])
    StaffingRequirement.objects.bulk_create([
        StaffingRequirement(cloud=cloud, role=role, minimum=base + step * (n % 8), allowed_citizenships="FR,DE,IT,ES",
                            screenings="cloud_background_check" + (",national_clearance" if role == "duty_manager"
                                                                   else ""),
                            trainings="sovereign-boundary" + (",incident-command" if role in MANAGERS else ""))
        for n, cloud in enumerate(clouds) for role, (base, step) in MINIMUMS.items()])

    staff = StaffMember.objects.bulk_create([
        StaffMember(employer=partners[n // PER_CLOUD], full_name=f"Person {n:05d}", roles=ROLE_MIX[n % 10],
                    citizenships=("FR", "DE", "FR,US", "IT", "US")[n % 5], active=n % 50 != 0,
                    external_id=f"E{n:05d}")
        for n in range(STAFF)], batch_size=BATCH)
    through = StaffMember.clouds.through
    through.objects.bulk_create([through(staffmember_id=person.pk, cloud_id=clouds[n // PER_CLOUD].pk)
                                 for n, person in enumerate(staff)], batch_size=BATCH)

    screenings, trainings = [], []
    for n, person in enumerate(staff):
        # Expiries spread from 100 days ago to 700 days ahead: renewals fall due, forecasts dip.
        current = today + dt.timedelta(days=(n * 37) % 800 - 100)
        screenings += [
            Screening(staff=person, kind="cloud_background_check", completed_on=current - dt.timedelta(days=1460),
                      expires_on=current - dt.timedelta(days=730)),  # the record its renewal replaced
            Screening(staff=person, kind="cloud_background_check", completed_on=current - dt.timedelta(days=730),
                      expires_on=current),
            Screening(staff=person, kind="national_clearance", completed_on=today - dt.timedelta(days=n % 900),
                      expires_on=today + dt.timedelta(days=1825 - n % 900)),
            Screening(staff=person, kind="public_trust", completed_on=today - dt.timedelta(days=n % 400 + 1),
                      expires_on=today + dt.timedelta(days=(n * 13) % 1500 + 1)),
        ]
        trainings += [
            Training(staff=person, course="sovereign-boundary", completed_on=today - dt.timedelta(days=n % 300)),
            Training(staff=person, course="incident-command", completed_on=today - dt.timedelta(days=n % 500 + 10)),
            Training(staff=person, course="data-handling", completed_on=today - dt.timedelta(days=n % 365),
                     expires_on=today + dt.timedelta(days=365 - n % 365)),
        ]
    Screening.objects.bulk_create(screenings, batch_size=BATCH)
    Training.objects.bulk_create(trainings, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    pm = get_user_model().objects.create_user("pm", password="bench-password")
    Profile.objects.create(user=pm, role=UserRole.PROGRAM_MANAGER)
    clouds[0].program_managers.add(pm)
    return {"ids": [cloud.pk for cloud in clouds], "roster_slug": clouds[0].slug, "pm": pm, "today": today}


def coverage_of_clouds(ids: list[int], today: dt.date) -> dict:
    """Every cloud's coverage, forecast and renewals: two reads for all clouds, then the pure rules."""
    from django.conf import settings

    from people.coverage import forecast, renewals
    from people.queries import people_of, requirements_of

    horizon = settings.COVERAGE_HORIZON_DAYS
    people_by_cloud: dict[int, list] = {cloud_id: [] for cloud_id in ids}
    for person in people_of(ids, current_on=today):
        for cloud_id in person.clouds & people_by_cloud.keys():
            people_by_cloud[cloud_id].append(person)
    requirements_by_cloud: dict[int, list] = {cloud_id: [] for cloud_id in ids}
    for requirement in requirements_of(ids):
        requirements_by_cloud[requirement.cloud_id].append(requirement)
    result = {}
    for cloud_id in ids:
        people, requirements = people_by_cloud[cloud_id], requirements_by_cloud[cloud_id]
        forecasts = {req.id: forecast(people, req, today, horizon) for req in requirements}
        due = renewals(people, requirements, today, due_within_days=settings.SCREENING_RENEWAL_DUE_DAYS,
                       renewal_takes_days=settings.SCREENING_RENEWAL_TAKES_DAYS, horizon_days=horizon,
                       forecasts=forecasts)
        result[cloud_id] = (forecasts, due)
    return result


def roster_url(slug: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("people:cloud_people", kwargs={"slug": slug})
    except NoReverseMatch:
        return None


def cases(context: dict) -> list[Case]:
    from django.test import Client

    ids, today = context["ids"], context["today"]

    def everything():
        context["coverage"] = coverage_of_clouds(ids, today)

    measured = [Case(f"coverage, forecast and renewals, {CLOUDS} clouds x {PER_CLOUD} staff", everything,
                     warmup=1, repeat=5)]
    url = context["roster_url"] = roster_url(context["roster_slug"])
    if url is None:
        print("The roster page (URL name people:cloud_people) is not there yet: not measured.")
        return measured
    client = Client()
    client.force_login(context["pm"])

    def roster():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        context["roster_bytes"] = len(response.content)

    return [*measured, Case(f"roster page {url}, program manager, {PER_CLOUD} staff", roster, warmup=3, repeat=20)]


def queries_for(ids: list[int], today: dt.date) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        coverage_of_clouds(ids, today)
    return len(captured)


def report(context: dict, results) -> dict:
    computed, *page = results
    ids, today = context["ids"], context["today"]
    queries, queries_small = queries_for(ids, today), queries_for(ids[:SMALL], today)
    forecasts = [f for cloud_forecasts, _ in context["coverage"].values() for f in cloud_forecasts.values()]
    renewals = [r for _, due in context["coverage"].values() for r in due]
    short = sum(1 for f in forecasts if f.first_shortfall is not None)
    short_today = sum(1 for f in forecasts if f.counts[0] < f.minimum)
    load = round(os.getloadavg()[0], 2)
    print(f"\ncoverage + forecast + renewals for {CLOUDS} clouds, {STAFF} staff: median "
          f"{computed.median_ms:.0f} ms of 5 (target < 1000); {len(forecasts)} forecasts ({short} falling short, "
          f"{short_today} of them today), {len(renewals)} renewals due ({sum(r.critical for r in renewals)} "
          f"critical); queries {queries} at {CLOUDS} clouds, {queries_small} at {SMALL}")
    roster_ms = None
    if page:
        roster_ms = round(page[0].median_ms, 1)
        print(f"roster page, {PER_CLOUD} staff: median {roster_ms} ms (target < 200), {page[0].queries} queries, "
              f"{context['roster_bytes'] / 1024:.0f} KiB")
    print(f"load average {load:.2f}")
    assert queries == queries_small, "the coverage computation's queries grow with the clouds"
    return {"clouds": CLOUDS, "staff": STAFF, "forecast_ms": round(computed.median_ms, 1), "queries": queries,
            "queries_small": queries_small, "roster_ms": roster_ms,
            "roster_queries": page[0].queries if page else None, "load_average": load}


if __name__ == "__main__":
    run_bench("people", title="People coverage and roster (DEBUG off, PostgreSQL)", setup=setup, cases=cases,
              extra=report)
