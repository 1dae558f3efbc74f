"""Feed rows as CSV or JSON Lines, in chunks of text for a streamed answer.

CSV: a header of the dictionary's column names, ISO dates, UTC times ending in Z, true/false,
empty for null. JSON Lines: one object per row, typed (numbers are numbers, null is null)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from reports.feed_dictionary import BOOLEAN, Feed

ROWS_PER_CHUNK = 500


def _text(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _json(value, kind: str):
    if value is None:
        return None
    if kind == BOOLEAN:
        return bool(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return _text(value, kind)
    return value


def csv_chunks(feed: Feed, rows: Iterable[tuple]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(feed.names)
    kinds = [column.type for column in feed.columns]
    pending = 0
    for row in rows:
        writer.writerow([_text(value, kind) for value, kind in zip(row, kinds, strict=True)])
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def jsonl_chunks(feed: Feed, rows: Iterable[tuple]) -> Iterator[str]:
    names, kinds = feed.names, [column.type for column in feed.columns]
    lines = []
    for row in rows:
        lines.append(json.dumps({name: _json(value, kind) for name, value, kind in zip(names, row, kinds,
                                                                                       strict=True)},
                                separators=(",", ":"), ensure_ascii=False))
        if len(lines) == ROWS_PER_CHUNK:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"
