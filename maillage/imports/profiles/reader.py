"""Rows of a profile spreadsheet, CSV or XLSX, with their line numbers.

CSV: UTF-8 (with or without BOM) or, when the bytes are not UTF-8, Windows-1252 — what Excel
writes on a French Windows; the separator is the one of ``;``, ``,`` or tab that the header
uses most. XLSX (openpyxl): the first sheet; a formula is read as the value Excel last
computed and saved with the file (a formula without a saved value is a rejection of its line);
a merged cell that spans several lines is a rejection of those lines (filling it down would
attach a value to lines the member may not have meant), and one in the header stops the file.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from maillage.engine.text import fold
from maillage.imports import limits

COLUMNS = (
    "siret",
    "name",
    "naf",
    "commune_insee",
    "latitude",
    "longitude",
    "headcount_band",
    "description",
    "capabilities",
    "certifications",
    "equipment",
    "sectors",
    "references",
)
REQUIRED = ("siret", "name")
# Identifiers that Excel turns into numbers and strips of their leading zeros.
ZERO_PADDED = {"siret": 14, "commune_insee": 5}


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read: nothing is imported."""


@dataclass
class Row:
    line: int
    values: dict[str, str]
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (reason, column, detail)


@dataclass
class Sheet:
    path: Path
    columns: list[str]
    ignored_columns: list[str]
    rows: Iterator[Row]
    encoding: str = ""
    delimiter: str = ""


def _header(raw: list, path: Path) -> tuple[list[str | None], list[str]]:
    names, ignored = [], []
    for cell in raw:
        name = "_".join(fold(str(cell or "")).replace("-", " ").split())
        if name in COLUMNS:
            if name in names:
                raise SpreadsheetError(f"{path.name}, ligne 1 : colonne « {name} » en double")
            names.append(name)
        else:
            names.append(None)
            if str(cell or "").strip():
                ignored.append(str(cell).strip())
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise SpreadsheetError(
            f"{path.name}, ligne 1 : colonnes obligatoires absentes : {', '.join(missing)} "
            f"(colonnes reconnues : {', '.join(COLUMNS)})"
        )
    return names, ignored


def read_sheet(path: Path) -> Sheet:
    if not path.exists():
        raise SpreadsheetError(f"{path} : fichier introuvable")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if path.suffix.lower() in (".csv", ".txt"):
        return _read_csv(path)
    raise SpreadsheetError(f"{path.name} : format non pris en charge (CSV ou XLSX)")


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when every line decodes so, else Windows-1252; lines are bounded."""
    encoding = "utf-8"
    with open(path, "rb") as handle:
        for number, raw in enumerate(limits.iter_bounded_lines(handle, file=path), start=1):
            if encoding == "utf-8":
                try:
                    raw.decode("utf-8")
                    continue
                except UnicodeDecodeError:
                    encoding = "cp1252"
            try:
                raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise SpreadsheetError(
                    f"{path.name}, ligne {number} : encodage illisible (ni UTF-8 ni Windows-1252)"
                ) from exc
    return encoding


def _text_lines(path: Path, encoding: str) -> Iterator[str]:
    """Decoded lines of the file, each within ``MAILLAGE_IMPORT_MAX_LINE_BYTES``, BOM removed."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(limits.iter_bounded_lines(handle, file=path), start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield raw.decode(encoding)


def _read_csv(path: Path) -> Sheet:
    """Streamed: two passes over the file (its encoding, then its rows), one line in memory."""
    encoding = _encoding(path)
    lines = _text_lines(path, encoding)
    first = next(lines, "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise SpreadsheetError(f"{path.name} : fichier vide") from exc
    names, ignored = _header(header, path)

    def rows() -> Iterator[Row]:
        line = reader.line_num + 1
        try:
            for record in reader:
                start, line = line, reader.line_num + 1
                if not any(cell.strip() for cell in record):
                    continue
                row = Row(start, {})
                # Too many fields, or too few for a recognised column: reading the missing ones
                # as empty would erase what the member declared there.
                extra = len(record) > len(names) and any(cell.strip() for cell in record[len(names) :])
                missing = [name for name in names[len(record) :] if name]
                if extra or missing:
                    row.problems.append(
                        ("wrong_column_count", "", f"{len(record)} champs pour {len(names)} colonnes")
                    )
                for name, cell in zip(names, record, strict=False):
                    if name:
                        row.values[name] = cell.strip()
                yield row
        except csv.Error as exc:
            raise SpreadsheetError(f"{path.name}, ligne {line} : {exc}") from exc

    return Sheet(path, [n for n in names if n], ignored, rows(), encoding, delimiter)


def _cell_text(value, column: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and column in ZERO_PADDED:
        value = int(value)
    if isinstance(value, int) and column in ZERO_PADDED:
        return str(value).zfill(ZERO_PADDED[column])
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _merged_ranges(book, sheet) -> list:
    """The merged ranges of a read-only sheet (openpyxl reads them only in full mode).

    The sheet's XML is streamed, its rows cleared as they pass: memory stays flat.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet.cell_range import CellRange

    ranges = []
    with book._archive.open(sheet._worksheet_path) as source:
        for _, element in iterparse(source):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and element.get("ref"):
                ranges.append(CellRange(element.get("ref")))
            if tag in ("row", "mergeCell"):
                element.clear()
    return ranges


def _read_xlsx(path: Path) -> Sheet:
    """The first sheet, streamed in read-only mode within the bounds of ``maillage.imports.limits``.

    Two read-only workbooks are read side by side: one gives the values the spreadsheet program
    saved, the other tells formulas apart. Neither holds more than one row at a time.
    """
    values_book = limits.open_xlsx(path, data_only=True)
    formulas_book = limits.open_xlsx(path, data_only=False, checked=True)
    sheet, formulas = values_book.worksheets[0], formulas_book.worksheets[0]
    max_rows = limits.limit("MAX_SHEET_ROWS")
    merged_lines: dict[int, str] = {}
    for merged in _merged_ranges(values_book, sheet):
        if merged.min_row == 1:
            raise SpreadsheetError(
                f"{path.name}, ligne 1 : cellules fusionnées {merged.coord} dans l'en-tête"
            )
        if merged.max_row > merged.min_row:
            for line in range(merged.min_row, min(merged.max_row, max_rows) + 1):
                merged_lines[line] = merged.coord
    header_rows = limits.iter_sheet_rows(sheet, file=path)
    line, cells = next(header_rows, (0, ()))
    header_rows.close()
    header = [cell.value for cell in cells] if line == 1 else []
    while header and header[-1] in (None, ""):
        header.pop()
    if not header:
        raise SpreadsheetError(f"{path.name} : feuille vide")
    limits.check_sheet_dimensions(None, len(header), file=path)
    names, ignored = _header(header, path)

    def rows() -> Iterator[Row]:
        try:
            yield from _xlsx_rows(path, names, sheet, formulas, merged_lines)
        finally:
            values_book.close()
            formulas_book.close()

    return Sheet(path, [n for n in names if n], ignored, rows(), "xlsx", "")


def _xlsx_rows(path: Path, names: list, sheet, formulas, merged_lines: dict[int, str]) -> Iterator[Row]:
    values_rows = limits.iter_sheet_rows(sheet, file=path, min_row=2, max_col=len(names))
    formula_rows = limits.iter_sheet_rows(formulas, file=path, min_row=2, max_col=len(names))
    for (line, cells), (_, formula_cells) in zip(values_rows, formula_rows, strict=True):
        row = Row(line, {})
        for name, cell, formula_cell in zip(names, cells, formula_cells, strict=False):
            if name is None:
                continue
            formula = isinstance(formula_cell.value, str) and formula_cell.value.startswith("=")
            if formula and cell.value is None:
                row.problems.append(
                    (
                        "formula_without_value",
                        name,
                        f"formule {formula_cell.value} sans valeur calculée enregistrée "
                        "(ouvrez et enregistrez le fichier dans un tableur)",
                    )
                )
            row.values[name] = _cell_text(cell.value, name)
        if line in merged_lines:
            row.problems.append(
                (
                    "merged_cells",
                    "",
                    f"cellules fusionnées {merged_lines[line]} sur plusieurs lignes : "
                    "défusionnez-les et recopiez la valeur sur chaque ligne",
                )
            )
        if not any(row.values.values()) and not row.problems:
            continue
        yield row
