"""API test helpers: keys for the cast's partners (valid, revoked, expired) and a JSON client."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from clouds.models import PartnerAPIKey


def make_key(partner, name, *, revoked=False, expired=False) -> str:
    expiry = timezone.now() - dt.timedelta(days=1) if expired else None
    _, key = PartnerAPIKey.objects.create_key(name=name, partner=partner, revoked=revoked, expiry_date=expiry)
    return key


@pytest.fixture
def keys(world):
    return SimpleNamespace(
        own=make_key(world.partner_a, "partner-a-sync"),
        other=make_key(world.partner_b, "partner-b-sync"),
        revoked=make_key(world.partner_a, "partner-a-old", revoked=True),
        expired=make_key(world.partner_a, "partner-a-expired", expired=True),
    )


@pytest.fixture
def api():
    return APIClient()


def with_key(client: APIClient, key: str | None) -> APIClient:
    client.credentials(**({"HTTP_AUTHORIZATION": f"Api-Key {key}"} if key else {}))
    return client
