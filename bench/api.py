"""The items API under load: gunicorn (2 workers, DEBUG off) on PostgreSQL, wrk at 16 connections.

GET /api/v1/items/?cloud=<slug> (page of 100, partner key) against the floor: a plain Django view
on the same server, authenticated by the same key, running the same scoped, filtered, ordered
query for the same page and returning .values() of the same fields as JSON. Target: the API
within 3x of the floor's requests per second. Queries per request must be equal at page sizes
10 and 100.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.harness import Case, run_bench

ROOT = Path(__file__).resolve().parents[1]
ITEMS, CONNECTIONS, DURATION = 500, 16, "10s"


def setup() -> dict:
    from django.contrib.auth import get_user_model

    from bench.checklist import make_cloud
    from clouds.choices import UserRole
    from clouds.models import Partner, PartnerAPIKey, Profile

    partner = Partner.objects.create(slug="bench-ncoe", name="Bench NCOE", country_code="FR")
    pm = get_user_model().objects.create_user("pm", password="bench-password")
    Profile.objects.create(user=pm, role=UserRole.PROGRAM_MANAGER)
    staff = []
    for n in range(8):
        person = get_user_model().objects.create_user(f"staff{n}", password="bench-password")
        Profile.objects.create(user=person, role=UserRole.PARTNER_STAFF, partner=partner)
        staff.append(person)
    make_cloud("bench-cloud", ITEMS, partner, pm, staff)
    other = Partner.objects.create(slug="other-ncoe", name="Other NCOE", country_code="DE")
    make_cloud("other-cloud", ITEMS, other, pm, staff[:1])  # rows the key must never see
    _, key = PartnerAPIKey.objects.create_key(name="bench", partner=partner)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"key": key}


def queries_for(key: str, page_size: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    url = f"/api/v1/items/?cloud=bench-cloud&page_size={page_size}"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and len(response.json()["results"]) == page_size
    return len(captured)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_wrk(output: str) -> tuple[float, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)", output).groups()
    median_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, median_ms


def load(url: str, key: str) -> tuple[float, float]:
    header = f"Authorization: Api-Key {key}"
    subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", "-d3s", "-H", header, url], check=True,
                   capture_output=True)  # warm-up
    result = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-H", header, url],
                            check=True, capture_output=True, text=True)
    return parse_wrk(result.stdout)


def serve_and_load(context: dict, results) -> dict:
    key = context["key"]
    queries, queries_small = queries_for(key, 100), queries_for(key, 10)
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.floor.settings", "DATABASE_URL": context["database_url"],
           "API_THROTTLE_RATE": "100000000/min", "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        api_url = f"{base}/api/v1/items/?cloud=bench-cloud&page_size=100"
        floor_url = f"{base}/bench/floor/items/?cloud=bench-cloud&page_size=100"
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(api_url, headers={"Authorization": f"Api-Key {key}"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    api_rows = len(__import__("json").load(response)["results"])
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        request = urllib.request.Request(floor_url, headers={"Authorization": f"Api-Key {key}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            floor_rows = len(__import__("json").load(response)["results"])
        assert api_rows == floor_rows == 100, (api_rows, floor_rows)
        rps, median_ms = load(api_url, key)
        floor_rps, floor_median_ms = load(floor_url, key)
    finally:
        server.terminate()
        server.wait(timeout=15)
    print(f"\nGET /api/v1/items/?cloud=... page of 100, {CONNECTIONS} connections, {DURATION}, gunicorn -w 2:")
    print(f"{'':12}{'requests/s':>12}{'median ms':>12}")
    print(f"{'API':12}{rps:>12.1f}{median_ms:>12.2f}")
    print(f"{'floor':12}{floor_rps:>12.1f}{floor_median_ms:>12.2f}")
    print(f"floor / API = {floor_rps / rps:.2f} (target <= 3); queries per request {queries} at 100, "
          f"{queries_small} at 10")
    return {"rps": round(rps, 1), "floor_rps": round(floor_rps, 1), "floor_over_api": round(floor_rps / rps, 2),
            "median_ms": round(median_ms, 2), "floor_median_ms": round(floor_median_ms, 2),
            "queries": queries, "queries_small": queries_small, "connections": CONNECTIONS}


def cases(context: dict) -> list[Case]:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {context['key']}")

    def page():
        assert client.get("/api/v1/items/?cloud=bench-cloud&page_size=100").status_code == 200

    return [Case("items page of 100, in-process (no network)", page, warmup=3, repeat=20)]


if __name__ == "__main__":
    run_bench("api", title="Items API (DEBUG off, PostgreSQL)", setup=setup, cases=cases, extra=serve_and_load)
