"""Dashboards drawn in a real browser against a production-mode server.

The demo portfolio on a scratch PostgreSQL database, static files collected (hashed names,
brotli and gzip), gunicorn with 2 workers and DEBUG off; Debian's Chromium (headless, through
Playwright) signs in as an executive and opens the portfolio dashboard and one cloud dashboard.
Measured per page: the time from navigation to the last chart drawn, and the bytes that crossed
the network, with a cold cache (a new browser context each run) and a warm one (the same page
again in the same context). Medians of COLD_RUNS and WARM_RUNS after one warm-up. Target: the
warm draw under 1.5 s. The last line is JSON with cold_ms, warm_ms, bytes_cold and bytes_warm
(the slower of the two pages for times, their sum for bytes).
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.harness import Case, run_bench

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
COLD_RUNS, WARM_RUNS = 5, 7
PAGES = {"portfolio": "/dashboards/", "cloud": "/dashboards/netherlands/"}
ALL_DRAWN = """() => {
  const plots = [...document.querySelectorAll('[data-figure]')];
  return plots.length > 0 && plots.every(node => node.querySelector('.main-svg'));
}"""


def setup() -> dict:
    from django.core.management import call_command

    started = time.monotonic()
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"collectstatic (compressing plotly.js with brotli and gzip): {time.monotonic() - started:.1f} s")
    call_command("seed_demo", force=True, verbosity=0)
    return {}


def cases(context: dict) -> list[Case]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="exec.claire"))

    def portfolio():
        assert client.get(PAGES["portfolio"]).status_code == 200

    return [Case("portfolio dashboard, server time (in-process)", portfolio, warmup=2, repeat=10)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false", "STATIC_COLLECTED": "true",
           "ALLOWED_HOSTS": "localhost", "SECURE_SSL_REDIRECT": "false", "CONN_MAX_AGE": "60"}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://localhost:{port}"  # a secure context, so the production cookies (Secure) are kept
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)


def draw(page, url: str) -> tuple[float, int]:
    """Milliseconds from navigation to the last chart drawn, and bytes received meanwhile."""
    received = []

    def count(request):
        sizes = request.sizes()
        received.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("requestfinished", count)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(ALL_DRAWN, timeout=60_000)
    elapsed = (time.perf_counter() - started) * 1000
    page.wait_for_load_state("load")
    page.remove_listener("requestfinished", count)
    return elapsed, sum(received)


def sign_in(context, base: str) -> None:
    from readiness.demo import DEMO_PASSWORD

    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "exec.claire")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/dashboards/**")


def browse(context: dict, results) -> dict:
    if not Path(CHROMIUM).exists():
        print("bench/browser.py needs Debian's chromium (apt-get install chromium); not measured.")
        return {"skipped": "chromium missing"}
    from playwright.sync_api import sync_playwright

    server, base = serve(context["database_url"])
    figures: dict[str, dict] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            outside = []
            for name, path in PAGES.items():
                cold, warm = [], []
                for run in range(COLD_RUNS + 1):  # the first is a warm-up of the server
                    # Signing in lands on the portfolio and fills that context's cache, so the measured
                    # context only takes its cookies: it starts with an empty cache.
                    signing_in = browser.new_context()
                    sign_in(signing_in, base)
                    state = signing_in.storage_state()
                    signing_in.close()
                    measuring = browser.new_context(viewport={"width": 1366, "height": 900}, storage_state=state)
                    page = measuring.new_page()
                    page.on("request", lambda request: outside.append(request.url)
                            if not request.url.startswith(base) else None)
                    measured = draw(page, base + path)
                    if run:
                        cold.append(measured)
                    for again in range(WARM_RUNS + 1 if run == COLD_RUNS else 0):
                        measured = draw(page, base + path)
                        if again:
                            warm.append(measured)
                    measuring.close()
                figures[name] = {
                    "cold_ms": round(statistics.median(ms for ms, _ in cold), 1),
                    "warm_ms": round(statistics.median(ms for ms, _ in warm), 1),
                    "bytes_cold": int(statistics.median(size for _, size in cold)),
                    "bytes_warm": int(statistics.median(size for _, size in warm)),
                }
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert outside == [], f"requests left the portal: {outside[:5]}"
    print(f"\nTime to the last chart drawn (median; cold {COLD_RUNS} runs, warm {WARM_RUNS}), gunicorn -w 2, "
          "DEBUG off, headless Chromium:")
    print(f"{'page':12}{'cold ms':>10}{'warm ms':>10}{'cold bytes':>12}{'warm bytes':>12}")
    for name, row in figures.items():
        print(f"{name:12}{row['cold_ms']:>10.1f}{row['warm_ms']:>10.1f}{row['bytes_cold']:>12}{row['bytes_warm']:>12}")
    warm_ms = max(row["warm_ms"] for row in figures.values())
    print(f"warm draw {warm_ms:.0f} ms (target < 1500); load average {os.getloadavg()[0]:.2f}")
    return {
        "cold_ms": max(row["cold_ms"] for row in figures.values()), "warm_ms": warm_ms,
        "bytes_cold": sum(row["bytes_cold"] for row in figures.values()),
        "bytes_warm": sum(row["bytes_warm"] for row in figures.values()),
        "pages": figures, "load_average": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    os.environ["STATIC_COLLECTED"] = "true"  # before Django reads its settings
    run_bench("browser", title="Dashboards in a browser (DEBUG off, PostgreSQL)", setup=setup, cases=cases,
              extra=browse)
