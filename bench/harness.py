"""Shared bench harness.

Each bench runs in its own process: it creates a fresh database on the
PostgreSQL server named by DATABASE_URL (never touching an existing one),
configures Django against it with DEBUG off, builds its data, warms up, repeats
each case, prints a table of medians and ends with one JSON line of figures.
The database is dropped afterwards, whatever happened.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER_URL = "postgres://portal:portal@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Case:
    """One measured path: `run` is timed after `warmup` runs, `repeat` times (None: the bench default)."""

    name: str
    run: Callable[[], object]
    warmup: int | None = None
    repeat: int | None = None


@dataclass(frozen=True)
class Result:
    name: str
    median_ms: float
    min_ms: float
    max_ms: float
    repeat: int
    queries: int


@contextmanager
def scratch_database(bench_name: str) -> Iterator[str]:
    """Create a uniquely named database on the configured server; yield its URL; drop it."""
    import psycopg2
    from psycopg2 import sql

    server_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    parts = urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"bench needs PostgreSQL: DATABASE_URL={server_url!r} is not a postgres:// URL")
    name = f"bench_{bench_name}_{os.getpid()}_{secrets.token_hex(3)}"
    admin_dsn = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    admin = psycopg2.connect(admin_dsn)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
        finally:
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        admin.close()


def configure_django(database_url: str) -> None:
    """Production-like settings (DEBUG off) against the scratch database."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(60)
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Server-time benches do not serve static files; bench/browser.py collects them itself.
    os.environ.setdefault("STATIC_COLLECTED", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def measure(case: Case, *, warmup: int, repeat: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    warmup = case.warmup if case.warmup is not None else warmup
    repeat = case.repeat if case.repeat is not None else repeat

    for _ in range(warmup):
        case.run()
    with CaptureQueriesContext(connection) as captured:
        case.run()
    queries = len(captured)  # read now: later requests reset the connection's query log
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        case.run()
        timings.append((time.perf_counter() - started) * 1000)
    return Result(case.name, statistics.median(timings), min(timings), max(timings), repeat, queries)


def print_table(title: str, results: list[Result]) -> None:
    width = max(len(result.name) for result in results)
    print(f"\n{title}")
    print(f"{'case'.ljust(width)}  {'median ms':>10}  {'min ms':>8}  {'max ms':>8}  {'runs':>5}  {'queries':>7}")
    for r in results:
        print(f"{r.name.ljust(width)}  {r.median_ms:>10.2f}  {r.min_ms:>8.2f}  {r.max_ms:>8.2f}  "
              f"{r.repeat:>5}  {r.queries:>7}")


def run_bench(name: str, *, title: str, setup: Callable[[], dict], cases: Callable[[dict], list[Case]],
              warmup: int = 3, repeat: int = 15, extra: Callable[[dict, list[Result]], dict] | None = None) -> None:
    """Create the scratch database, build data with `setup`, measure `cases`, report."""
    with scratch_database(name) as url:
        configure_django(url)
        context = setup()
        context["database_url"] = url
        results = [measure(case, warmup=warmup, repeat=repeat) for case in cases(context)]
        print_table(title, results)
        figures = {"bench": name, **{r.name: {"median_ms": round(r.median_ms, 3), "queries": r.queries}
                                     for r in results}}
        if extra is not None:
            figures.update(extra(context, results))
        # The scratch database must be closed before it can be dropped.
        from django.db import connections

        connections.close_all()
    print(json.dumps(figures, sort_keys=True))
