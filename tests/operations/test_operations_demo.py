"""The demo's operations data tells its story, deterministically, and seeding twice adds nothing."""

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
