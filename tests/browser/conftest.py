"""Real browser tests: pytest-playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop; Django's ORM calls from the test body are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def sign_in(live_server):
    """Sign a browser context in as `user` (a session made server-side, no typing)."""
    from django.test import Client

    def sign(context, user):
        client = Client()  # one per user: logging another user in would end this session
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        return context

    return sign


@pytest.fixture
def outside_requests():
    """Collects every request a page makes to a host other than the test server."""
    seen: list[str] = []

    def watch(page):
        page.on("request", lambda request: seen.append(request.url)
                if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost") else None)
        return seen

    return watch
