"""Read the files of ``maillage.downloads`` back, asserting that no cell is a live formula."""

import csv
import io
import re

from openpyxl import load_workbook

from maillage import downloads

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+33 3 88", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def assert_inert(text: str) -> None:
    """A text cell starts with no formula character, unless it is only a number (``-1.55``)."""
    assert not text.startswith(downloads.FORMULA_STARTS) or re.fullmatch(r"[+-]?\d+(\.\d+)?", text), text


def assert_safe_workbook(data: bytes) -> list[list]:
    """Every cell of every sheet: no formula; returns the sheets' values, row by row."""
    book = load_workbook(io.BytesIO(data))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert_inert(cell.value)
            values.append([cell.value for cell in row])
    return values


def read_csv(data: bytes | str) -> list[list[str]]:
    if isinstance(data, bytes):
        assert data.startswith(b"\xef\xbb\xbf"), "the CSV carries a UTF-8 BOM"
        data = data.decode("utf-8")
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data[1:], newline=""), delimiter=";"))
    for row in rows:
        for cell in row:
            assert_inert(cell)
    return rows
