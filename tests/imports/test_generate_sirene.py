"""maillage generate-sirene writes files that import-sirene reads back exactly."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from stdnum.fr import siret as stdnum_siret

from maillage.directory.models import Establishment, Organisation
from maillage.imports.sirene.schema import ETABLISSEMENT_COLUMNS, UNITE_LEGALE_COLUMNS
from tests.imports.helpers import import_sirene, read_rejects
from tests.imports.referential import UNITES_LEGALES_SAMPLE

pytestmark = pytest.mark.usefixtures("referential")


def generate(tmp_path, rows, *extra):
    out = io.StringIO()
    call_command(
        "generate_sirene",
        "--rows", str(rows), "--out", str(tmp_path / "etab.csv"), "--seed", "3",
        "--naf-weights", str(UNITES_LEGALES_SAMPLE), "--json", *extra,
        stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def test_generated_file_has_the_official_layout_and_valid_sirets(tmp_path):
    report = generate(tmp_path, 2000, "--departments", "67,68")
    with open(report["path"], encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == ETABLISSEMENT_COLUMNS
    assert len(rows) == 2001 and all(len(r) == 54 for r in rows)
    sirets = [r[2] for r in rows[1:]]
    assert sirets == sorted(sirets) and len(set(sirets)) == 2000
    assert all(stdnum_siret.is_valid(s) for s in sirets)
    assert {r[22][:2] for r in rows[1:]} == {"67", "68"}
    assert {r[9] for r in rows[1:]} == {"true", "false"}
    with open(report["unites_legales_path"], encoding="utf-8", newline="") as handle:
        units = list(csv.reader(handle))
    assert tuple(units[0]) == UNITE_LEGALE_COLUMNS and len(units) - 1 == report["organisations"]


def test_generated_file_reimports_with_zero_rejections(tmp_path):
    report = generate(tmp_path, 3000, "--departments", "67,2A,971,974")
    result = import_sirene(
        report["path"], "--unites-legales", report["unites_legales_path"], "--wet-run", "--batch-size", "700",
        rejects=tmp_path / "r.csv",
    )  # fmt: skip
    assert result["rejected"] == {}
    assert (result["read"], result["to_create"]) == (3000, 3000)
    assert Establishment.objects.count() == 3000
    assert Organisation.objects.count() == report["organisations"]
    assert not Organisation.objects.filter(name__startswith="SIREN ").exists()
    assert Organisation.objects.filter(legal_category_id="1000").exclude(name="").exists()
    located = Establishment.objects.filter(geo_precision="address")
    assert located.count() > 2500 and located.filter(commune__insee_code__startswith="974").exists()
    again = import_sirene(
        report["path"],
        "--unites-legales",
        report["unites_legales_path"],
        "--wet-run",
        rejects=tmp_path / "r2.csv",
    )
    assert (again["to_create"], again["to_update"], again["unchanged"]) == (0, 0, 3000)


def test_zipped_generated_files_import(tmp_path):
    report = generate(tmp_path, 500, "--departments", "13", "--zip")
    assert report["path"].endswith(".zip")
    result = import_sirene(
        report["path"], "--unites-legales", report["unites_legales_path"], rejects=tmp_path / "r.csv"
    )
    assert result["rejected"] == {} and result["to_create"] == 500


def test_broken_rows_are_rejected_for_the_defect_they_carry(tmp_path):
    report = generate(tmp_path, 4000, "--departments", "67,68", "--broken-rate", "0.05")
    assert sum(report["broken"].values()) > 100
    result = import_sirene(report["path"], rejects=tmp_path / "r.csv")
    assert result["rejected"] == report["broken"]
    assert len(read_rejects(tmp_path / "r.csv")) == sum(report["broken"].values())
