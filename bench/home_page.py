"""Home and checklist pages at portfolio scale, with their query counts at two sizes.

50 clouds x 77 items (the shipped framework); the home page must cost the same
number of queries at 5 and 50 clouds.
"""

from bench.harness import Case, run_bench

SMALL, LARGE = 5, 50


def setup() -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from clouds.choices import PartnerRole, UserRole
    from clouds.models import Cloud, CloudPartner, Partner, Profile
    from readiness.demo import FRAMEWORK_FILE
    from readiness.framework_file import load_framework_file
    from readiness.services import start_checklist

    framework = load_framework_file(FRAMEWORK_FILE).framework
    partner = Partner.objects.create(slug="bench-partner", name="Bench Partner", country_code="FR")
    for n in range(LARGE):
        cloud = Cloud.objects.create(slug=f"cloud-{n:02d}", name=f"Cloud {n:02d}", country_code="FR")
        CloudPartner.objects.create(cloud=cloud, partner=partner, role=PartnerRole.OPERATOR)
        start_checklist(cloud=cloud, framework=framework, actor=None)
    users = {}
    for username, partner_of in (("executive", None), ("partner", partner)):
        user = get_user_model().objects.create_user(username=username, password="bench")
        Profile.objects.create(user=user, role=UserRole.PARTNER_STAFF if partner_of else UserRole.EXECUTIVE,
                               partner=partner_of)
        client = Client()
        client.force_login(user)
        users[username] = client
    return users


def cases(clients: dict) -> list[Case]:
    def get(client, url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return run

    return [
        Case(f"home, executive, {LARGE} clouds", get(clients["executive"], "/")),
        Case(f"home, partner, {LARGE} clouds", get(clients["partner"], "/")),
        Case("checklist, 77 items", get(clients["executive"], "/clouds/cloud-00/")),
    ]


def small_portfolio_queries(clients: dict, results) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clouds.models import CloudPartner

    CloudPartner.objects.exclude(cloud__slug__in=[f"cloud-{n:02d}" for n in range(SMALL)]).delete()
    with CaptureQueriesContext(connection) as captured:
        clients["partner"].get("/")
    large = next(r.queries for r in results if r.name.startswith("home, partner"))
    return {"home_queries_small": len(captured), "home_queries_large": large,
            "clouds_small": SMALL, "clouds_large": LARGE}


if __name__ == "__main__":
    run_bench("home_page", title="Pages at portfolio scale (DEBUG off, PostgreSQL)", setup=setup, cases=cases,
              extra=small_portfolio_queries)
