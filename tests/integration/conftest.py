"""A real Celery worker process against Redis and pytest's PostgreSQL test database.

These tests need PostgreSQL (the worker must see the test database, which an
in-memory SQLite one is not) and a running Redis named by REDIS_URL. Outside CI
they are skipped when either is missing; in CI a skip fails the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _database_url(settings_dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def _redis_reachable(url: str) -> bool:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=0)
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start `celery worker` on the test database; stop it when the session ends."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker integration tests need PostgreSQL (set DATABASE_URL)")
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or not _redis_reachable(redis_url):
        pytest.skip("the worker integration tests need Redis (set REDIS_URL)")

    logs = tmp_path_factory.mktemp("worker")
    env = {**os.environ, "DATABASE_URL": _database_url(connection.settings_dict), "REDIS_URL": redis_url,
           "CONN_MAX_AGE": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
         "--purge", "--without-mingle", "--without-gossip", f"--logfile={logs / 'worker.log'}",
         "--hostname=integration@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    from config.celery import app

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}: {(logs / 'worker.log').read_text()}")
        if app.control.ping(timeout=0.5):
            break
    else:
        process.terminate()
        pytest.fail("the worker did not answer a ping within 30 s")
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def real_worker(celery_worker_process):
    """Send tasks to the broker (not in-process) for the duration of a test."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True
    _wait_until_idle(app)  # the test database is flushed next; no task may still be writing


def _wait_until_idle(app, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    with app.connection_for_write() as conn:
        while time.monotonic() < deadline:
            queued = conn.default_channel.client.llen(app.conf.task_default_queue)
            inspect = app.control.inspect(timeout=0.5)
            busy = [tasks for replies in (inspect.active() or {}, inspect.reserved() or {})
                    for tasks in replies.values() if tasks]
            if not queued and not busy:
                return
            time.sleep(0.05)
    pytest.fail("the worker was still busy 20 s after the test")


@contextmanager
def broker_at(url: str):
    """Point the Celery app (this process only) at another broker URL, e.g. a closed port."""
    from config.celery import app

    previous = app.conf.broker_url

    def reset_pools():
        # kombu keeps one pool per broker URL; dropping the app's references makes
        # it look up (or create) the pool of the URL now configured.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = url
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset_pools()


def wait_for(predicate, *, timeout: float = 10.0, interval: float = 0.02):
    """Poll until `predicate()` is truthy; returns its value or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")
