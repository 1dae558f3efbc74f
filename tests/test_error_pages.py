"""Outside DEBUG, errors are the portal's own pages (JSON under /api/); a database outage is a 503."""

from unittest.mock import patch

import pytest
from django.db import OperationalError, connection
from django.test import Client


@pytest.fixture
def signed_in(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.executive)
    return client


def test_not_found_is_the_portals_page(signed_in):
    response = signed_in.get("/no-such-page/")
    assert response.status_code == 404 and "Readiness portal" in response.content.decode()
    assert "Not found" in response.content.decode()


def test_forbidden_is_the_portals_page(signed_in, world):
    item = world.cloud_a.checklists.get(is_active=True).items.first()
    response = signed_in.post(f"/items/{item.pk}/edit/", {"status": "done", "version": 1})
    assert response.status_code == 403 and "see this, but not change it" in response.content.decode()


def test_a_crash_is_the_portals_page(signed_in, monkeypatch):
    import readiness.views.home as home

    monkeypatch.setattr(home, "visible_clouds", lambda user: 1 / 0)
    response = signed_in.get("/")
    assert response.status_code == 500 and "Something went wrong on our side" in response.content.decode()


def database_down(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.parametrize("path", ["/", "/clouds/cloud-a/", "/dashboards/", "/risks/"])
def test_database_down_gives_a_branded_503_page(signed_in, path):
    with patch.object(connection, "cursor", database_down):
        response = signed_in.get(path)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "temporarily unavailable" in response.content.decode()


def test_database_down_gives_a_json_503_in_the_api(world):
    from tests.api.conftest import make_key

    key = make_key(world.partner_a, "outage")
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Api-Key {key}")
    with patch.object(connection, "cursor", database_down):
        response = client.get("/api/v1/items/?cloud=cloud-a")
    assert response.status_code == 503 and response.json()["detail"].startswith("The database is unavailable")


def test_database_down_while_signing_in_is_a_503_too(world):
    client = Client(raise_request_exception=False)
    with patch.object(connection, "cursor", database_down):
        response = client.post("/accounts/login/", {"username": "executive", "password": "x"})
    assert response.status_code == 503


def test_a_deadlock_with_the_database_up_is_a_500_not_an_outage(signed_in, monkeypatch):
    import readiness.views.home as home

    def deadlock(user):
        raise OperationalError("deadlock detected")

    monkeypatch.setattr(home, "visible_clouds", deadlock)
    response = signed_in.get("/")
    assert response.status_code == 500 and "Something went wrong on our side" in response.content.decode()
