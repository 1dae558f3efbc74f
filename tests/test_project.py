"""Project-level checks: migrations are complete, production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7$k2!mZq9@vL4#pR8^wT1&yU6*oE3(iN5)aS0_dF2+gH4jK7lQ9zX1cV3bN5mB8",
    "ALLOWED_HOSTS": "portal.example.gov",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.gov",
}


def run_manage(*args, env_overrides):
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}  # the browser tests set it for themselves
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_deploy_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": "a.example,,b.example"}, "empty entry"),
        ({"DATABASE_URL": "mysql://db/portal"}, "DATABASE_URL must start with"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"TIME_ZONE": "Mars/Olympus"}, "not a known time zone"),
        ({"CSRF_TRUSTED_ORIGINS": "portal.example.gov"}, "is not an origin"),
        ({"CONN_MAX_AGE": "-1"}, "CONN_MAX_AGE=-1 must be at least 0"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL='loud' is not a log level"),
        ({"DATABASE_URL": "sqlite://"}, "in-memory"),
        ({"READINESS_AT_RISK_SCORE": "95"}, "READINESS_AT_RISK_SCORE <= READINESS_READY_SCORE"),
        ({"READINESS_FORECAST_MIN_SLOPE": "fast"}, "is not a number"),
    ],
)
def test_nonsense_settings_fail_loudly(overrides, message):
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, **overrides})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_ci_runs_on_postgresql(db):
    if not os.environ.get("CI"):
        pytest.skip("outside CI the embedded SQLite default is fine")
    assert connection.vendor == "postgresql"


def test_seed_demo_refuses_to_run_with_debug_off(tmp_path):
    database = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    result = run_manage("seed_demo", env_overrides={**PRODUCTION_ENV, "DATABASE_URL": database})
    assert result.returncode != 0
    assert "refuses to run with DEBUG off" in result.stderr


def test_pages_carry_a_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "'unsafe-eval'" not in policy
