"""Strict readers for settings that come from the environment.

Each helper raises ImproperlyConfigured on a value it cannot understand, so a
typo in a deployment fails at start-up instead of silently falling back.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str | None:
    """The variable's value stripped of whitespace, or `default` when unset or empty."""
    environ = os.environ if environ is None else environ
    value = environ.get(name, "").strip()
    return value if value else default


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """A boolean written as 1/0, true/false, yes/no or on/off (any case)."""
    raw = env_str(name, environ=environ)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None,
            environ: Mapping[str, str] | None = None) -> int:
    """An integer, optionally with a lower bound."""
    raw = env_str(name, environ=environ)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_decimal(name: str, default: str, *, minimum: Decimal | None = None,
                environ: Mapping[str, str] | None = None) -> Decimal:
    """A decimal number such as 0.1."""
    raw = env_str(name, default, environ=environ)
    assert raw is not None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not value.is_finite() or (minimum is not None and value < minimum):
        raise ImproperlyConfigured(f"{name}={raw!r} must be a finite number of at least {minimum}.")
    return value


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; blank entries are an error, not silently dropped."""
    raw = env_str(name, environ=environ)
    if raw is None:
        return list(default)
    items = [part.strip() for part in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={raw!r} has an empty entry; separate values with single commas.")
    return items


def env_origins(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    """A list of origins such as https://portal.example.gov (scheme and host, no path)."""
    origins = env_list(name, default, environ=environ)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ImproperlyConfigured(
                f"{name} entry {origin!r} is not an origin; write it as https://host[:port]."
            )
    return origins


def env_database(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A Django DATABASES entry from a URL (postgres://... or sqlite:///path)."""
    raw = env_str(name, default, environ=environ)
    assert raw is not None
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in ("postgres", "postgresql", "pgsql", "sqlite"):
        raise ImproperlyConfigured(
            f"{name} must start with postgres:// or sqlite:///, got {raw.split('://', 1)[0]!r}."
        )
    try:
        config = dj_database_url.parse(raw)
    except Exception as exc:  # the library raises several types for a malformed URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if not config.get("NAME") or config["NAME"] == ":memory:":
        raise ImproperlyConfigured(f"{name} names no database file or database (an in-memory one loses all data).")
    return config


def env_log_level(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """A logging level name: DEBUG, INFO, WARNING, ERROR or CRITICAL."""
    raw = env_str(name, default, environ=environ)
    assert raw is not None
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a log level; use DEBUG, INFO, WARNING, ERROR or CRITICAL.")
    return level


def env_redis_url(name: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    """A redis:// or rediss:// URL, or None when unset."""
    raw = env_str(name, environ=environ)
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ImproperlyConfigured(f"{name}={raw!r} must look like redis://host:6379/0.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} has an invalid port.") from None
    return raw


def env_time_zone(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """An IANA time zone name such as Europe/Paris."""
    raw = env_str(name, default, environ=environ)
    assert raw is not None
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a known time zone (e.g. Europe/Paris).") from None
    return raw
