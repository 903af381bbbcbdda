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
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from maillage.engine.text import fold

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


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpreadsheetError(
            f"{path.name}, ligne {line} : encodage illisible (ni UTF-8 ni Windows-1252)"
        ) from exc


def _read_csv(path: Path) -> Sheet:
    text, encoding = _decode(path.read_bytes(), path)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
                if len(record) > len(names) and any(cell.strip() for cell in record[len(names) :]):
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


def _read_xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        values_book = load_workbook(path, data_only=True, read_only=False)
        formulas_book = load_workbook(path, data_only=False, read_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SpreadsheetError(f"{path.name} : classeur XLSX illisible ({exc})") from exc
    sheet, formulas = values_book.worksheets[0], formulas_book.worksheets[0]
    merged_lines: dict[int, str] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == 1:
            raise SpreadsheetError(
                f"{path.name}, ligne 1 : cellules fusionnées {merged.coord} dans l'en-tête"
            )
        if merged.max_row > merged.min_row:
            for line in range(merged.min_row, merged.max_row + 1):
                merged_lines[line] = merged.coord
    header = [cell.value for cell in sheet[1]] if sheet.max_row >= 1 else []
    if not any(header):
        raise SpreadsheetError(f"{path.name} : feuille vide")
    names, ignored = _header(header, path)

    def rows() -> Iterator[Row]:
        for line, (cells, formula_cells) in enumerate(
            zip(
                sheet.iter_rows(min_row=2, max_col=len(names)),
                formulas.iter_rows(min_row=2, max_col=len(names)),
                strict=True,
            ),
            start=2,
        ):
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

    return Sheet(path, [n for n in names if n], ignored, rows(), "xlsx", "")
