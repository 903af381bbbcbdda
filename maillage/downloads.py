"""Every CSV and XLSX that Maillage hands out is written here, so that none carries a live formula.

CSV: UTF-8 with a byte order mark (spreadsheet programs then read the accents right) and ``;``
(the separator French spreadsheets expect). XLSX: text cells are written as text (data type
``s``), numbers as numbers, dates as dates.

Formula injection (OWASP "CSV injection"): a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return becomes a formula when a spreadsheet opens the file (or when
someone edits the cell, or saves the XLSX as CSV), and a supplier name read from an outside
ledger reached an export as ``=HYPERLINK(…)``. Such a cell is prefixed with a single quote, in
both formats, the same for every export. Genuine numbers are left alone: a number is written as
a number, and a text that is only a number (``-1.6778``, a longitude kept as text) is no formula.

This module imports nothing from Maillage, so that every layer may write its exports with it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
BOM = "\ufeff"
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Also as regular expressions, for the rejects files written by polars (SIRENE import).
FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$"
_PLAIN_NUMBER = re.compile(PLAIN_NUMBER[1:-1])
# Control characters that the XLSX format cannot hold (openpyxl refuses them).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: a quote before a formula's first character."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def neutralised(row: dict) -> dict:
    """A record for a CSV the user opens in a spreadsheet (an import's rejects file): its text
    values neutralised, since they hold what the imported file said, formulas included."""
    return {key: neutralise(value) if isinstance(value, str) else value for key, value in row.items()}


def _value(value):
    """A cell's value: numbers, dates and empty cells as they are, anything else as safe text."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    return neutralise(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([_value(cell) for cell in header])
    for row in rows:
        writer.writerow([_value(cell) for cell in row])
    return BOM + buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return csv_text(header, rows).encode("utf-8")


def workbook():
    """A new workbook (its first sheet is ``book.active``); fill it with ``append``."""
    from openpyxl import Workbook

    return Workbook()


def append(sheet, row: Sequence) -> list:
    """Appends ``row`` to ``sheet``, text as text and neutralised; returns the row's cells."""
    from openpyxl.cell import Cell

    cells = []
    for value in row:
        cell = Cell(sheet)
        value = _value(value)
        if isinstance(value, str):
            cell.value = _ILLEGAL_XML.sub("", value)
            cell.data_type = "s"
        else:
            cell.value = value
        cells.append(cell)
    sheet.append(cells)
    return cells


def xlsx_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_xlsx(header: Sequence[str], rows: Iterable[Sequence], *, title: str) -> bytes:
    """A workbook of one sheet named ``title``: a header row, then ``rows``."""
    book = workbook()
    sheet = book.active
    sheet.title = title[:31]
    append(sheet, header)
    for row in rows:
        append(sheet, row)
    return xlsx_bytes(book)


def table(fmt: str, header: Sequence[str], rows: Iterable[Sequence], *, title: str) -> bytes:
    """``header`` and ``rows`` as a ``csv`` or ``xlsx`` file."""
    if fmt == "csv":
        return csv_bytes(header, rows)
    if fmt == "xlsx":
        return table_xlsx(header, rows, title=title)
    raise ValueError(f"unknown download format: {fmt!r}")


def response(body: bytes | str, *, filename: str, content_type: str | None = None) -> HttpResponse:
    """A download: ``Content-Disposition: attachment``, and no content sniffing by the browser."""
    if content_type is None:
        content_type = CONTENT_TYPES[filename.rsplit(".", 1)[-1].lower()]
    answer = HttpResponse(body, content_type=content_type)
    answer["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    answer["X-Content-Type-Options"] = "nosniff"
    return answer
