"""Hostile purchase ledgers (generated here): bounded memory and time, no traceback, DB-safe values.

The bombs are read in a child process capped at 2 GB (``tests/imports/hostile.py``), which
reports its peak memory and time; the other files go through the command, dry then wet, whose
rejections must be the same on SQLite and PostgreSQL.
"""

import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from maillage.imports.models import ImportRun
from maillage.relations.models import PurchaseLine
from tests.imports.hostile import run_bounded
from tests.imports.ledger.test_import_ledger import HEADER, ledger, run, world  # noqa: F401

READ = """
from pathlib import Path
from maillage.imports.ledger.pipeline import read_ledger
try:
    print(sum(1 for _ in read_ledger(Path(sys.argv[1]))), "lignes")
except ValueError as exc:
    print(exc)
"""


def read_bounded(path):
    result = run_bounded(READ, str(path))
    assert result.returncode == 0, str(result)
    assert result.seconds < 30 and result.peak_mb < 500, str(result)
    return result.stdout


def test_xlsx_with_a_cell_at_xfd1048576_is_refused_early(tmp_path):
    path = tmp_path / "achats-xfd.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["SIRET fournisseur", "Fournisseur", "Montant HT", "Année"])
    sheet.append(["", "Usinage Known", 1200, 2025])
    sheet["XFD1048576"] = "égaré"
    book.save(path)
    assert path.stat().st_size < 10_000
    out = read_bounded(path)
    assert "achats-xfd.xlsx" in out and "MAILLAGE_IMPORT_MAX_SHEET" in out, out


def test_xlsx_whose_cell_inflates_to_a_gigabyte_is_refused(tmp_path):
    plain = tmp_path / "plain.xlsx"
    book = Workbook()
    book.active.append(["Fournisseur", "Montant HT", "Année"])
    book.active.append(["X", 1, 2025])
    book.save(plain)
    path = tmp_path / "achats-bombe.xlsx"
    sheet_name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != sheet_name:
                bomb.writestr(info, source.read(info))
        with bomb.open(sheet_name, "w") as member:
            member.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            )
            chunk = b"a" * (1 << 20)
            for _ in range(1024):
                member.write(chunk)
            member.write(b"</t></is></c></row></sheetData></worksheet>")
    assert path.stat().st_size < 5_000_000
    out = read_bounded(path)
    assert "achats-bombe.xlsx" in out and "MAILLAGE_IMPORT_MAX" in out, out


def test_xlsx_that_is_not_a_zip_is_a_command_error(world, tmp_path):  # noqa: F811
    path = tmp_path / "faux.xlsx"
    path.write_text(HEADER + "\n;X;;10;usinage;2025\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"faux\.xlsx : .*(zip|XLSX)"):
        run(path, world)


def test_csv_with_a_3_mb_field_is_a_command_error_naming_file_and_line(world, tmp_path):  # noqa: F811
    path = ledger(tmp_path, world, (";" + "N" * 3_000_000 + ";;10;usinage;2025",))
    with pytest.raises(CommandError, match=r"achats\.csv, ligne 7 : .*MAILLAGE_IMPORT_MAX_LINE_BYTES"):
        run(path, world)


def test_csv_with_a_200_kb_name_rejects_that_line_only(world, tmp_path):  # noqa: F811
    path = ledger(tmp_path, world, (";" + "N" * 200_000 + ";;10;usinage;2025",))
    report = run(path, world)
    assert report["counts"]["read"] == 5 and report["rejected"] == {"bad_text": 1}
    (reject,) = report["first_rejects"]
    assert (reject["file"], reject["line"], reject["field"]) == ("achats.csv", "7", "fournisseur")
    assert "200000 caractères pour 255 au plus" in reject["detail"]


@pytest.mark.parametrize(
    ("cells", "field", "reason"),
    [
        (";Lointaine;;1e308;usinage;2025", "montant", "bad_amount"),
        (";Lointaine;;1e13;usinage;2025", "montant", "bad_amount"),
        (";Lointaine;;10000000000000;usinage;2025", "montant", "bad_amount"),
        (";Lointaine;;1e-400;usinage;2025", "montant", "bad_amount"),
        (";Lointaine;;NaN;usinage;2025", "montant", "bad_amount"),
        (";Loin\x00taine;;10;usinage;2025", "fournisseur", "bad_text"),
        (";Lointaine;;10;usi\x00nage;2025", "categorie", "bad_text"),
    ],
)
def test_values_the_databases_refuse_are_rejected_by_the_dry_and_the_wet_run(
    world,  # noqa: F811
    tmp_path,
    cells,
    field,
    reason,
):
    path = ledger(tmp_path, world, (cells,))
    dry = run(path, world)
    wet = run(path, world, "--wet-run")
    for report in (dry, wet):
        assert report["rejected"] == {reason: 1}, report
        (reject,) = report["first_rejects"]
        assert (reject["file"], reject["line"], reject["field"]) == ("achats.csv", "7", field)
    assert dry["counts"] == wet["counts"]
    assert PurchaseLine.objects.count() == 5
    assert ImportRun.objects.get(kind="ledger").status == ImportRun.Status.SUCCEEDED


def test_an_interrupted_wet_run_is_recorded_as_failed(world, tmp_path, monkeypatch):  # noqa: F811
    from maillage.imports.ledger import pipeline

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "relations_refresh_amounts", interrupted)
    with pytest.raises(CommandError, match="interrompu"):
        call_command(
            "import_ledger", str(ledger(tmp_path, world)), "--buyer", world["buyer"].siret, "--wet-run"
        )
    failed = ImportRun.objects.get(kind="ledger")
    assert failed.status == ImportRun.Status.FAILED and "interrompu" in failed.error


def test_a_directory_named_like_a_ledger_is_a_command_error(world, tmp_path):  # noqa: F811
    path = tmp_path / "dossier.csv"
    path.mkdir()
    with pytest.raises(CommandError, match=r"dossier\.csv"):
        run(path, world)


def test_an_unexpected_error_reaches_the_user_as_a_message_and_fails_the_run(
    world,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    from maillage.imports.ledger import pipeline

    def broken(self, row, key):
        raise RuntimeError("panne")

    monkeypatch.setattr(pipeline.RowParser, "parse", broken)
    with pytest.raises(CommandError, match=r"achats\.csv : .*erreur inattendue.*RuntimeError : panne"):
        run(ledger(tmp_path, world), world, "--wet-run")
    failed = ImportRun.objects.get(kind="ledger")
    assert failed.status == ImportRun.Status.FAILED and "panne" in failed.error


def test_lines_whose_relation_total_would_overflow_its_column_are_rejected(world, tmp_path):  # noqa: F811
    # each line fits PurchaseLine.amount; their sum (the relation's yearly amount) would not
    extra = (";Lointaine;;600000000000;usinage;2025", ";Lointaine;;600000000000;usinage;2025")
    path = ledger(tmp_path, world, extra)
    dry = run(path, world)
    wet = run(path, world, "--wet-run")
    for report in (dry, wet):
        assert report["rejected"] == {"bad_amount": 1}, report
        (reject,) = report["first_rejects"]
        assert (reject["line"], reject["field"]) == ("8", "montant")
        assert "total" in reject["detail"]
    assert dry["counts"] == wet["counts"] and wet["counts"]["read"] == 6
