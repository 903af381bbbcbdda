"""Write profile spreadsheets (CSV in any encoding, XLSX) and run the import and export commands."""

import csv
import io
import json
import re
import zipfile
from pathlib import Path

from django.core.management import call_command

from maillage.directory.synthetic import siret_make
from maillage.imports.profiles.reader import COLUMNS

SIREN_A, SIREN_B, SIREN_C = "732829320", "552100554", "542051180"
SIRET_A = siret_make(SIREN_A, 1)
SIRET_B = siret_make(SIREN_B, 2)
SIRET_C = siret_make(SIREN_C, 3)


def row(**values) -> dict:
    return {column: values.get(column, "") for column in COLUMNS}


def write_csv(path: Path, rows: list[dict], *, delimiter=";", encoding="utf-8", columns=COLUMNS) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, columns, delimiter=delimiter, lineterminator="\r\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], *, merge: str | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def add_cached_values(path: Path, values: dict[str, str]) -> None:
    """Give formula cells the value a spreadsheet program would have saved with them.

    openpyxl writes formulas without results; Excel and LibreOffice store both.
    """
    with zipfile.ZipFile(path) as source:
        files = {name: source.read(name) for name in source.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"].decode()
    for ref, value in values.items():
        sheet = re.sub(
            rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
            lambda m, ref=ref, value=value: f'<c r="{ref}"{m[1]} t="str"><f>{m[2]}</f><v>{value}</v>',
            sheet,
        )
    files["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in files.items():
            target.writestr(name, data)


def import_profiles(path: Path, *args, rejects: Path | None = None) -> dict:
    """Run the command; rejects go next to the file unless told otherwise."""
    out = io.StringIO()
    extra = ["--rejects", str(rejects or path.with_name(path.stem + "-rejets.csv"))]
    call_command("import_profiles", str(path), *map(str, args), *extra, "--json", stdout=out)
    return json.loads(out.getvalue())


def export_profiles(network: str, path: Path) -> Path:
    call_command("export_profiles", "--network", network, "--out", str(path), stdout=io.StringIO())
    return path


def read_rejects(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
