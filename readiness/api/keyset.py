"""Keyset (cursor) pagination over (updated_at, id), stable while rows change during a sync."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def encode_cursor(updated_at: dt.datetime, pk: int) -> str:
    raw = json.dumps([updated_at.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[dt.datetime, int]:
    try:
        padded = value + "=" * (-len(value) % 4)
        stamp, pk = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        moment = parse_datetime(stamp)
        if (moment is None or moment.tzinfo is None or not _plausible(moment) or not isinstance(pk, int)
                or isinstance(pk, bool) or not 0 < pk < 2**63):
            raise ValueError
        return moment, pk
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        raise ValidationError({"cursor": ["Invalid cursor; use the `next` link of the previous page."]}) from None


def page_size_from(params) -> int:
    raw = params.get("page_size")
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"Use a whole number from 1 to {MAX_PAGE_SIZE}."]})
    return int(raw)


def updated_since_from(params) -> dt.datetime | None:
    raw = params.get("updated_since")
    if raw in (None, ""):
        return None
    # A "+hh:mm" offset sent unencoded arrives as " hh:mm"; take it as meant.
    raw = raw.replace(" ", "+")
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({"updated_since": ["Use ISO-8601, e.g. 2026-11-27T08:00:00+00:00."]})
    if moment.tzinfo is None:
        raise ValidationError({"updated_since": ["Give a UTC offset (e.g. +00:00 or Z); naive times are ambiguous."]})
    if not _plausible(moment):
        raise ValidationError({"updated_since": ["Use a UTC offset between -14:00 and +14:00 and a year after 1970."]})
    return moment


def _plausible(moment: dt.datetime) -> bool:
    """Offsets real clocks use, and years the database and every client can represent."""
    offset = moment.utcoffset()
    if offset is None or abs(offset) > dt.timedelta(hours=14) or not 1971 <= moment.year <= 9998:
        return False
    return 1970 <= moment.astimezone(dt.UTC).year <= 9998


def paginate(queryset: QuerySet, request, *, path: str) -> tuple[list, str | None]:
    """One page ordered by (updated_at, id), and the link to the next (None on the last page)."""
    params = request.query_params
    size = page_size_from(params)
    queryset = queryset.order_by("updated_at", "id")
    cursor = params.get("cursor")
    if cursor:
        stamp, pk = decode_cursor(cursor)
        queryset = queryset.filter(Q(updated_at__gt=stamp) | Q(updated_at=stamp, id__gt=pk))
    rows = list(queryset[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    query = {key: params.getlist(key) for key in params if key != "cursor"}
    query["cursor"] = [encode_cursor(last.updated_at, last.pk)]
    return rows, request.build_absolute_uri(f"{path}?{urlencode(query, doseq=True)}")


class KeysetPagination(BasePagination):
    """Describes the keyset pages to the OpenAPI schema; `paginate` does the work."""

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "description": "The next page, or null on the last one."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "From the previous page's `next`."},
            {"name": "page_size", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
             "description": f"1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."},
        ]
