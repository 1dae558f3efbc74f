"""The demo's operations data tells its story, deterministically, and seeding twice adds nothing."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from operations.models import MetricValue
from readiness.models import Finding


def test_demo_metrics_tell_the_story_and_seed_once(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    count = MetricValue.objects.count()
    assert count >= 4 * 13 * 170
    assert not MetricValue.objects.filter(cloud__slug__in=["switzerland", "netherlands"]).exists()
    values = list(MetricValue.objects.order_by("pk").values_list("value", flat=True)[:50])
    call_command("seed_demo", verbosity=0)
    assert MetricValue.objects.count() == count
    assert list(MetricValue.objects.order_by("pk").values_list("value", flat=True)[:50]) == values
    rules = {(slug, rule) for slug, rule in Finding.objects.filter(resolved_at__isnull=True).values_list(
        "cloud__slug", "rule")}
    assert ("singapore", "residency_exception") in rules
    assert ("germany", "csat_falling") in rules and ("germany", "backlog_rising") in rules
    assert not {rule for slug, rule in rules if slug == "france"} & {"residency_exception", "csat_falling",
                                                                    "backlog_rising", "operations_silent"}


def test_the_steady_demo_clouds_are_healthy_and_the_launch_comparison_has_data(db, settings):
    from django.test import Client
    from django.utils import timezone

    from clouds.models import Cloud
    from operations.summary import health_of

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    clouds = dict(Cloud.objects.values_list("slug", "pk"))
    health = health_of(clouds.values(), timezone.localdate())
    assert {slug: health[pk].state for slug, pk in clouds.items() if slug in ("france", "us-government")} == {
        "france": "healthy", "us-government": "healthy"}
    client = Client()
    client.force_login(get_user_model().objects.get(username="pm.anna"))
    page = client.get("/operations/launches/").content.decode()
    assert "not launched yet" in page  # Netherlands and Switzerland are not read as launched
    assert client.get("/admin/operations/metrictarget/").status_code == 200  # managers set targets
