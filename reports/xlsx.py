"""Feed rows as an Excel workbook a program manager can filter: typed cells (dates are dates, scores
numbers, yes/no booleans), a frozen bold header, an autofilter over the rows, column widths, and
every text cell stored as text, so that "=HYPERLINK(...)" is shown, never run.

Written in openpyxl's write-only mode to a temporary file: memory stays flat whatever the rows."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.feed_dictionary import BOOLEAN, DATE, DATETIME, DECIMAL, INTEGER, Feed

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = {INTEGER: 12, DECIMAL: 12, DATE: 12, DATETIME: 20, BOOLEAN: 9}
TEXT_WIDTH = 24
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"


def _cell(sheet, value, kind: str) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if kind == DATETIME:
        # Excel has no time zones: the UTC wall time, said so in the header.
        cell = WriteOnlyCell(sheet, value=value.astimezone(dt.UTC).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if kind == DATE:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if kind == DECIMAL or isinstance(value, Decimal):
        return WriteOnlyCell(sheet, value=float(value))
    if kind in (INTEGER, BOOLEAN):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"  # text, even when it starts with "=": a formula is never stored
    return cell


def header_of(feed: Feed) -> list[str]:
    return [f"{column.name} (UTC)" if column.type == DATETIME else column.name for column in feed.columns]


def workbook(feed: Feed, rows: Iterable[tuple]) -> IO[bytes]:
    """The workbook in a temporary file, rewound; the caller closes it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(feed.name)
    sheet.freeze_panes = "A2"
    kinds = [column.type for column in feed.columns]
    for position, (column, title) in enumerate(zip(feed.columns, header_of(feed), strict=True), start=1):
        width = WIDTHS.get(column.type, TEXT_WIDTH)
        sheet.column_dimensions[get_column_letter(position)].width = max(width, len(title) + 2)
    bold = Font(bold=True)
    header = []
    for title in header_of(feed):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.data_type = bold, "s"
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value, kind) for value, kind in zip(row, kinds, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(kinds))}{count + 1}"
    target = tempfile.TemporaryFile()  # noqa: SIM115 (returned open: the FileResponse closes it)
    book.save(target)
    target.seek(0)
    return target
