"""Hostile files (issue 12, item 7): each is refused early, naming the file and the limit.

The files are generated here, in tmp_path. Each is read in a child process under a 2 GB
address-space limit (``tests/imports/hostile.py``), so that a regression fails the test instead
of taking the machine down; the bounds asserted are generous on purpose (the measured figures
are in the commit message and the report of issue 12).
"""

import os
import re
import zipfile

import pytest

from maillage.imports.profiles.reader import COLUMNS
from tests.imports.hostile import deflate_zip, run_bounded

SECONDS, PEAK_MB = 30, 500
HEADER = list(COLUMNS)

READ_PROFILES = """
from pathlib import Path
from maillage.errors import MaillageError
from maillage.imports.profiles.reader import SpreadsheetError, read_sheet
try:
    sheet = read_sheet(Path(sys.argv[1]))
    print("lignes", sum(1 for _ in sheet.rows))
except (SpreadsheetError, MaillageError) as exc:
    print(exc)
    sys.exit(3)
"""

READ_SIRENE = """
from pathlib import Path
from maillage.errors import MaillageError
from maillage.imports.sirene import reader
path = Path(sys.argv[1])
try:
    stream = reader.open_binary(path)
    header, size = reader.read_header(stream, path)
    lines = 0
    batches = reader.iter_batches(stream, batch_size=50_000, start_line=2, start_offset=size, file=path)
    for batch in batches:
        lines += len(batch.lines)
    print("lignes", lines)
except (reader.SireneFileError, MaillageError) as exc:
    print(exc)
    sys.exit(3)
"""


def assert_refused(result, *, file: str, limit: str) -> None:
    print(f"{file}: {result}")  # the measured figures, with -s
    assert result.returncode == 3, str(result)
    assert file in result.stdout and limit in result.stdout, str(result)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.seconds < SECONDS and result.peak_mb < PEAK_MB, str(result)


def xlsx_with_far_cell(path, *, declared: str | None = None):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["73282932000074", "Usine"])
    sheet["XFD1048576"] = "x"
    book.save(path)
    if declared:
        with zipfile.ZipFile(path) as source:
            files = {name: source.read(name) for name in source.namelist()}
        sheet_xml = files["xl/worksheets/sheet1.xml"].decode()
        files["xl/worksheets/sheet1.xml"] = re.sub(
            r'<dimension ref="[^"]*"', f'<dimension ref="{declared}"', sheet_xml
        ).encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in files.items():
                target.writestr(name, data)
    return path


def test_xlsx_with_one_cell_at_xfd1048576_is_refused_from_its_dimension(tmp_path):
    path = xlsx_with_far_cell(tmp_path / "adherents.xlsx")
    assert path.stat().st_size < 10_000
    assert_refused(run_bounded(READ_PROFILES, str(path)), file="adherents.xlsx", limit="MAX_SHEET_ROWS")


def test_xlsx_that_hides_its_size_behind_a_small_dimension_is_refused_while_streaming(tmp_path):
    path = xlsx_with_far_cell(tmp_path / "menteur.xlsx", declared="A1:M2")
    assert_refused(run_bounded(READ_PROFILES, str(path)), file="menteur.xlsx", limit="MAX_SHEET_ROWS")


def test_profile_csv_with_a_huge_line_is_refused(tmp_path):
    path = tmp_path / "adherents.csv"
    with open(path, "wb") as out:
        out.write(";".join(HEADER).encode() + b"\n73282932000074;")
        for _ in range(200):
            out.write(b"x" * (1 << 20))
        out.write(b"\n")
    assert_refused(run_bounded(READ_PROFILES, str(path)), file="adherents.csv", limit="MAX_LINE_BYTES")


def test_sirene_zip_with_one_800_mb_line_is_refused(tmp_path):
    path = deflate_zip(
        tmp_path / "StockEtablissement_utf8.zip",
        "StockEtablissement_utf8.csv",
        [(b"siren,nic,siret\n", 1), (b"x" * (8 << 20), 100)],
    )
    assert_refused(
        run_bounded(READ_SIRENE, str(path)), file="StockEtablissement_utf8.zip", limit="MAILLAGE_IMPORT_MAX_"
    )


def test_sirene_zip_with_a_long_incompressible_line_is_refused_by_the_line_length(tmp_path):
    noise = os.urandom(1 << 19).hex().encode()  # 1 MiB that deflate cannot shrink
    path = deflate_zip(
        tmp_path / "StockEtablissement_utf8.zip",
        "StockEtablissement_utf8.csv",
        [(b"siren,nic,siret\n", 1), (noise, 64), (b"\n", 1)],
    )
    assert_refused(
        run_bounded(READ_SIRENE, str(path)), file="StockEtablissement_utf8.zip", limit="MAX_LINE_BYTES"
    )


def test_sirene_plain_csv_with_a_long_line_is_refused_by_the_line_length(tmp_path):
    path = tmp_path / "StockEtablissement_utf8.csv"
    with open(path, "wb") as out:
        out.write(b"siren,nic,siret\n")
        for _ in range(64):
            out.write(b"y" * (1 << 20))
        out.write(b"\n")
    assert_refused(
        run_bounded(READ_SIRENE, str(path)), file="StockEtablissement_utf8.csv", limit="MAX_LINE_BYTES"
    )


def test_sirene_header_line_is_bounded_too(tmp_path):
    path = tmp_path / "StockEtablissement_utf8.csv"
    with open(path, "wb") as out:
        for _ in range(64):
            out.write(b"siren," * (1 << 17))
    assert_refused(
        run_bounded(READ_SIRENE, str(path)), file="StockEtablissement_utf8.csv", limit="MAX_LINE_BYTES"
    )


def test_sirene_zip_of_1_26_billion_empty_lines_is_refused(tmp_path):
    path = deflate_zip(
        tmp_path / "StockEtablissement_utf8.zip",
        "StockEtablissement_utf8.csv",
        [(b"siren,nic,siret\n", 1), (b"\n" * (16 << 20), 76)],
    )
    assert_refused(
        run_bounded(READ_SIRENE, str(path)), file="StockEtablissement_utf8.zip", limit="MAX_COMPRESSION_RATIO"
    )


@pytest.mark.parametrize("name", ["adherents.xlsx", "adherents.xlsm"])
def test_a_spreadsheet_named_xlsx_that_is_not_a_zip_is_refused_clearly(tmp_path, name):
    path = tmp_path / name
    path.write_text("siret;name\n73282932000074;Usine\n")
    result = run_bounded(READ_PROFILES, str(path))
    assert result.returncode == 3 and f"{name} : ce n’est pas un fichier XLSX" in result.stdout, str(result)


def test_sirene_plain_file_of_empty_lines_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "StockEtablissement_utf8.csv"
    with open(path, "wb") as out:
        out.write(b"siren,nic,siret\n")
        for _ in range(3):
            out.write(b"\n" * (16 << 20))
    result = run_bounded(READ_SIRENE, str(path))
    print(f"{path.name}: {result}")
    assert result.returncode == 0 and f"lignes {3 * (16 << 20)}" in result.stdout, str(result)
    assert result.seconds < SECONDS and result.peak_mb < PEAK_MB, str(result)
