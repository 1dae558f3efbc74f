"""CSV roster import: every line becomes one person in the API's shape (people.staff_input) and
the whole file goes through people.staff_writes.upsert_staff, all or nothing. Every bad line is
reported with its line number and field; importing the same file again changes nothing.

The columns (a header line with exactly these names, in any order; employer, citizenships,
clouds, active, screenings and trainings may be left out):

    external_id, full_name, employer, roles, citizenships, clouds, active, screenings, trainings

Lists inside a cell are separated by ";" (roles, citizenships, clouds). A screening is
"type:completed_on" or "type:completed_on:expires_on", a training "course:completed_on" or
"course:completed_on:expires_on", several separated by ";". `active` is true or false (empty:
true). An empty employer means your own partner for partner staff, the provider otherwise.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from clouds.trial_write import write_unless
from people.staff_input import StaffInput, flatten_errors
from people.staff_writes import StaffWriteRefused, UpsertRefused, UpsertResult, upsert_staff

COLUMNS = ("external_id", "full_name", "employer", "roles", "citizenships", "clouds", "active", "screenings",
           "trainings")
REQUIRED_COLUMNS = ("external_id", "full_name", "roles")
LIST_COLUMNS = ("roles", "citizenships", "clouds")
EXAMPLE = ("external_id,full_name,employer,roles,citizenships,clouds,active,screenings,trainings\n"
           "emp-0042,Camille Martin,,support_engineer;duty_manager,FR,france,true,"
           "cloud_background_check:2025-03-01,sovereign-boundary:2025-02-10\n")


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}" if self.line else f"{self.field}: {self.message}"


class RosterRefused(Exception):
    """The file was not imported; `errors` names every problem found."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was imported.")


MAX_FILE_ROWS = 5000


def import_roster(data: bytes, *, actor: Any, source: str) -> UpsertResult:
    """Import a CSV file (UTF-8); raises RosterRefused with every error, having written nothing.

    The rules (employers, clouds, ids) run on the well-formed lines even when other lines are
    malformed, so that every problem is reported at once; the writes are then rolled back.
    """
    lines, rows, errors = parse_roster(data)
    result = None
    if rows:
        try:
            result = write_unless(bool(errors), lambda: upsert_staff(rows=rows, actor=actor, source=source,
                                                                     max_rows=MAX_FILE_ROWS))
        except UpsertRefused as exc:
            errors += [LineError(lines[error.index], name, message)
                       for error in exc.errors for name, message in flatten_errors(error.fields)]
        except StaffWriteRefused as exc:
            errors += [LineError(0, name, " ".join(messages)) for name, messages in exc.errors.items()]
    if errors:
        raise RosterRefused(sorted(errors, key=lambda error: error.line))
    return result


def parse_roster(data: bytes) -> tuple[list[int], list[dict], list[LineError]]:
    """The file's well-formed rows in the API's shape, each one's line number, and the problems of the
    others. A file that cannot be read at all (encoding, header) raises RosterRefused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterRefused([LineError(0, "file", f"Not UTF-8 (byte {exc.start + 1}). Save the file as UTF-8 "
                                                  "CSV.")]) from None
    if "\x00" in text:
        raise RosterRefused([LineError(0, "file", "The file contains NUL bytes; it is not a CSV text file.")])
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise RosterRefused([LineError(1, "header", f"Not readable as CSV: {exc}.")]) from None
    errors = _check_header(header)
    if errors:
        raise RosterRefused(errors)
    lines, rows = [], []
    ended = reader.line_num  # a record starts on the line after the previous one ended (cells may hold newlines)
    try:
        for record in reader:
            line, ended = ended + 1, reader.line_num
            if None in record or any(value is None for value in record.values()):
                errors.append(LineError(line, "line", f"Expected {len(header)} columns, as in the header."))
                continue
            if not any(record.values()):
                continue  # a blank line
            row, cell_errors = _row(record)
            errors += [LineError(line, name, message) for name, message in cell_errors]
            if cell_errors:
                continue
            parsed = StaffInput(data=row)
            if not parsed.is_valid():
                errors += [LineError(line, name, message) for name, message in flatten_errors(parsed.errors)]
                continue
            lines.append(line)
            rows.append(parsed.validated_data)
    except csv.Error as exc:
        errors.append(LineError(reader.line_num, "line", f"Not readable as CSV: {exc}."))
    if not errors and not rows:
        raise RosterRefused([LineError(0, "file", "No people in the file.")])
    if len(rows) + len(errors) > MAX_FILE_ROWS:
        raise RosterRefused([LineError(0, "file", f"At most {MAX_FILE_ROWS} people per file; split it.")])
    return lines, rows, errors


def _check_header(header: list[str] | None) -> list[LineError]:
    if not header:
        return [LineError(1, "header", "The file is empty; the first line names the columns: "
                                       + ",".join(COLUMNS) + ".")]
    errors = [LineError(1, "header", f"Unknown column {name!r}; the columns are " + ", ".join(COLUMNS) + ".")
              for name in header if name not in COLUMNS]
    errors += [LineError(1, "header", f"Column {name!r} appears more than once.")
               for name in sorted({name for name in header if header.count(name) > 1})]
    errors += [LineError(1, "header", f"Column {name!r} is missing.") for name in REQUIRED_COLUMNS
               if name not in header]
    return errors


def _row(record: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    row: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for name, cell in record.items():
        if name in LIST_COLUMNS:
            row[name] = cell.split(";") if cell else []
        elif name == "employer":
            if cell:
                row[name] = cell
        elif name == "active":
            if cell not in ("", "true", "false"):
                errors.append((name, f"Use true or false, not {cell!r}."))
            elif cell:
                row[name] = cell == "true"  # empty: a new person is active, an existing one stays as is
        elif name in ("screenings", "trainings"):
            records, problem = parse_records(cell, "type" if name == "screenings" else "course")
            if problem:
                errors.append((name, problem))
            row[name] = records
        else:
            row[name] = cell
    return row, errors


def parse_records(cell: str, kind: str) -> tuple[list[dict], str | None]:
    records = []
    for part in cell.split(";") if cell else []:
        pieces = part.split(":")
        if len(pieces) not in (2, 3):
            return [], f"{part!r} is not {kind}:completed_on or {kind}:completed_on:expires_on."
        record = {kind: pieces[0], "completed_on": pieces[1]}
        if len(pieces) == 3:
            record["expires_on"] = pieces[2]
        records.append(record)
    return records, None
