"""The cast moved to a framework version with gates (tests.builders.SMALL_GATES): cloud A has Day 1
in 20 days, cloud B in 60."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from readiness.services import start_checklist
from tests.builders import SMALL_GATES, make_framework


@pytest.fixture
def gated(world):
    framework = make_framework(version=2, gates=SMALL_GATES)
    today = timezone.localdate()
    for cloud, days in ((world.cloud_a, 20), (world.cloud_b, 60)):
        cloud.day1_date = today + dt.timedelta(days=days)
        cloud.save(update_fields=["day1_date"])
        start_checklist(cloud=cloud, framework=framework, actor=None)
    world.gated_framework = framework
    world.today = today
    return world
