"""The checklist page as a program manager sees it (every row editable) at 300 items.

Server time of GET /clouds/<slug>/ through Django's test client (DEBUG off, PostgreSQL),
median of 20 after a warm-up; queries at 30 and at 300 items must be equal. Target: < 150 ms.
"""

from __future__ import annotations

from bench.harness import Case, run_bench

LARGE, SMALL = 300, 30


def make_cloud(slug: str, count: int, partner, pm, staff):
    from clouds.choices import PartnerRole
    from clouds.models import Cloud, CloudPartner
    from readiness.framework_file import FrameworkSpec, RequirementSpec, load_framework
    from readiness.models import ChecklistItem
    from readiness.services import start_checklist

    pillars = ("people", "process", "technology")
    prefixes = {"people": "PPL", "process": "PRC", "technology": "TEC"}
    requirements = tuple(
        RequirementSpec(code=f"{prefixes[pillars[n % 3]]}-{n // 3 + 1:03d}", title=f"Requirement number {n}",
                        pillar=pillars[n % 3], area=f"area-{n % 10}", weight=1 + n % 5, gating=n % 12 == 0,
                        guidance="Bench guidance.")
        for n in range(count)
    )
    framework = load_framework(FrameworkSpec(slug=f"fw-{slug}", name=slug, version=1, description="",
                                             requirements=requirements, sha256=slug)).framework
    cloud = Cloud.objects.create(slug=slug, name=f"Cloud {slug}", country_code="FR", stage="pre_launch")
    CloudPartner.objects.create(cloud=cloud, partner=partner, role=PartnerRole.OPERATOR)
    cloud.program_managers.add(pm)
    start_checklist(cloud=cloud, framework=framework, actor=None)
    statuses = ["done", "in_progress", "blocked", "not_started"]
    items = list(ChecklistItem.objects.filter(checklist__cloud=cloud).order_by("pk"))
    for index, item in enumerate(items):
        item.status = statuses[index % 4]
        item.owner = staff[index % len(staff)]
        item.accountable_partner = partner
        item.notes = f"Note for item {index}"
    from django.utils import timezone

    for item in items:
        item.completed_at = timezone.now() if item.status == "done" else None
    ChecklistItem.objects.bulk_update(items, ["status", "owner", "accountable_partner", "notes", "completed_at"])
    return cloud


def setup() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from clouds.choices import UserRole
    from clouds.models import Partner, Profile

    users = get_user_model().objects
    partner = Partner.objects.create(slug="bench-partner", name="Bench Partner", country_code="FR")
    pm = users.create_user("pm", password="bench-password")
    Profile.objects.create(user=pm, role=UserRole.PROGRAM_MANAGER)
    staff = []
    for n in range(12):
        person = users.create_user(f"staff{n}", password="bench-password", first_name=f"Staff {n}")
        Profile.objects.create(user=person, role=UserRole.PARTNER_STAFF, partner=partner)
        staff.append(person)
    make_cloud("large", LARGE, partner, pm, staff)
    make_cloud("small", SMALL, partner, pm, staff)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(pm)
    return {"client": client}


def cases(context: dict) -> list[Case]:
    client = context["client"]

    def page(slug):
        def run():
            response = client.get(f"/clouds/{slug}/")
            assert response.status_code == 200
            context[f"bytes_{slug}"] = len(response.content)
        return run

    return [
        Case(f"checklist, program manager, {LARGE} items", page("large"), warmup=3, repeat=20),
        Case(f"checklist, program manager, {SMALL} items", page("small"), warmup=3, repeat=20),
    ]


def report(context: dict, results) -> dict:
    large, small = results
    print(f"\n{LARGE} items: median {large.median_ms:.1f} ms (target < 150), {large.queries} queries; "
          f"{SMALL} items: {small.queries} queries; page {context['bytes_large'] / 1024:.0f} KiB")
    assert large.queries == small.queries, "the checklist page's queries grow with its items"
    return {"items": LARGE, "median_ms": round(large.median_ms, 2), "queries": large.queries,
            "queries_small": small.queries, "html_bytes": context["bytes_large"]}


if __name__ == "__main__":
    run_bench("checklist", title="Checklist page (DEBUG off, PostgreSQL)", setup=setup, cases=cases, extra=report)
