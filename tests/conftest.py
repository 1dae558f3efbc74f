"""The fixed cast of the test suite and the rules every test run follows.

Cast: two clouds (A operated by partner A, B by partner B), each with an active
checklist on a six-requirement framework, and one user per role: an
administrator, a program manager assigned to cloud A, one assigned to nothing,
an executive, a partner-A staff member, a partner-B staff member, and a
signed-in user with no role.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from clouds.choices import UserRole
from tests.builders import make_cloud, make_framework, make_partner, make_user

IN_CI = bool(os.environ.get("CI"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI every service is present, so a skipped test means something is missing: fail it."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Skipped in CI, where every service must be present: {reason}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Unit tests run tasks in-process; tests/integration flips this to use a real worker."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def framework(db):
    return make_framework()


@pytest.fixture
def world(db, framework):
    partner_a = make_partner("partner-a", name="Partner A", country_code="FR")
    partner_b = make_partner("partner-b", name="Partner B", country_code="DE")
    pm_assigned = make_user("pm-assigned", role=UserRole.PROGRAM_MANAGER)
    cloud_a = make_cloud("cloud-a", name="Cloud A", partner=partner_a, framework=framework,
                         program_managers=[pm_assigned])
    cloud_b = make_cloud("cloud-b", name="Cloud B", partner=partner_b, framework=framework, country_code="DE")
    return SimpleNamespace(
        framework=framework,
        partner_a=partner_a,
        partner_b=partner_b,
        cloud_a=cloud_a,
        cloud_b=cloud_b,
        admin=make_user("admin", role=UserRole.ADMINISTRATOR, is_staff=True, is_superuser=True),
        pm_assigned=pm_assigned,
        pm_unassigned=make_user("pm-unassigned", role=UserRole.PROGRAM_MANAGER),
        executive=make_user("executive", role=UserRole.EXECUTIVE),
        partner_user=make_user("partner-a-staff", role=UserRole.PARTNER_STAFF, partner=partner_a),
        other_partner_user=make_user("partner-b-staff", role=UserRole.PARTNER_STAFF, partner=partner_b),
        no_role=make_user("no-role", role=None),
    )
