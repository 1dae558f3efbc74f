"""The engine runs the registered rules: an app above readiness adds one without readiness importing it."""

import pytest
from django.test import Client

from readiness.insights import registry
from readiness.insights.engine import refresh_findings
from readiness.insights.rules import BUILTIN_RULES, FindingSpec
from readiness.models import Finding


def no_screened_staff(cloud, today, thresholds):
    return FindingSpec("test_no_screened_staff", "high", (), f"{cloud.name} has no screened staff.", "Screen them.")


OUTSIDE_RULE = registry.Rule("test_no_screened_staff", "No screened staff", "high", no_screened_staff)


@pytest.fixture
def outside_rule():
    registry.register(OUTSIDE_RULE)
    yield OUTSIDE_RULE
    registry.unregister(OUTSIDE_RULE.code)


def test_readiness_registers_its_builtin_rules_when_the_app_is_ready():
    assert set(registry.codes()) >= {rule.code for rule in BUILTIN_RULES}


def test_a_registered_rule_opens_findings_and_its_title_is_shown(world, outside_rule, client: Client):
    refresh_findings([world.cloud_a.pk])
    finding = Finding.objects.get(cloud=world.cloud_a, rule=outside_rule.code, resolved_at__isnull=True)
    assert finding.explanation == f"{world.cloud_a.name} has no screened staff."
    client.force_login(world.admin)
    assert "No screened staff" in client.get("/risks/").content.decode()


def test_an_unregistered_rule_stops_firing_and_its_findings_resolve(world, outside_rule):
    refresh_findings([world.cloud_a.pk])
    registry.unregister(outside_rule.code)
    refresh_findings([world.cloud_a.pk])
    assert not Finding.objects.filter(rule=outside_rule.code, resolved_at__isnull=True).exists()


def test_a_second_rule_under_a_taken_code_is_refused():
    taken = BUILTIN_RULES[0]
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.Rule(taken.code, "Another", "low", no_screened_staff))
    with pytest.raises(ValueError, match="unknown severity"):
        registry.register(registry.Rule("test_bad", "Bad", "critical", no_screened_staff))
