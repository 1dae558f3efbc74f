"""Metric files: CSV with the header `cloud,metric,day,value`, one value per line, imported all or
nothing through operations.ingest (the same rules as the API); every bad line is named with its
line number and field, and importing the same file again changes nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

from clouds.trial_write import write_unless
from operations.ingest import MAX_FILE_ROWS, IngestRefused, IngestResult, upsert_values

COLUMNS = ("cloud", "metric", "day", "value")
EXAMPLE = "cloud,metric,day,value\nfrance,initial_response_sla_met,2026-11-30,96.4\nfrance,backlog,2026-11-30,142\n"


class MetricFileRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was imported.")


def import_metrics(data: bytes, *, actor: Any) -> IngestResult:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MetricFileRefused([f"file: not UTF-8 (byte {exc.start + 1}); save it as UTF-8 CSV."]) from None
    if "\x00" in text:
        raise MetricFileRefused(["file: contains NUL bytes; it is not a CSV text file."])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[str] = []
    lines: list[int] = []
    rows: list[dict] = []
    try:
        header = next(reader, None)
        if header is None:
            raise MetricFileRefused(["file: empty; the first line is cloud,metric,day,value."])
        if tuple(header) != COLUMNS:
            raise MetricFileRefused([f"line 1: the header must be exactly {','.join(COLUMNS)}."])
        for cells in reader:
            if not any(cells):
                continue
            if len(cells) != len(COLUMNS):
                errors.append(f"line {reader.line_num}: expected {len(COLUMNS)} columns, found {len(cells)}.")
                continue
            lines.append(reader.line_num)
            rows.append(dict(zip(COLUMNS, cells, strict=True)))
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: not readable as CSV ({exc}).")
    if not errors and not rows:
        raise MetricFileRefused(["file: no values in the file."])
    numbered: list[tuple[int, str]] = [(_line_of(error), error) for error in errors]
    result = None
    if rows:
        # The well-formed lines are checked (and written) even when others are malformed, so that every
        # problem is reported at once; the writes are then rolled back.
        try:
            result = write_unless(bool(errors), lambda: upsert_values(rows, actor=actor, max_rows=MAX_FILE_ROWS))
        except IngestRefused as exc:
            if not exc.errors:
                raise MetricFileRefused([exc.detail]) from None
            numbered += [(lines[error.index], f"line {lines[error.index]}, {name}: {' '.join(messages)}")
                         for error in exc.errors for name, messages in error.fields.items()]
    if numbered:
        raise MetricFileRefused([text for _, text in sorted(numbered, key=lambda pair: pair[0])])
    return result


def _line_of(error: str) -> int:
    number = error.removeprefix("line ").split(":")[0].split(",")[0]
    return int(number) if number.isdigit() else 0
