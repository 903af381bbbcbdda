"""Issue 12, item 9: the dry run predicts the wet run on both databases.

A NUL byte, a text longer than its column, a number out of its column's range are stored by
SQLite and refused by PostgreSQL: each must be a rejection with a reason, in the dry run as in
the wet run, on both (run this module on PostgreSQL too: scripts/throwaway_postgres.py).
"""

import csv

import pytest

from maillage.directory.models import Establishment, Organisation
from maillage.imports.sirene.schema import UNITE_LEGALE_COLUMNS
from tests.imports.helpers import COL, import_sirene, read_rejects, real_rows, variant, write_csv

pytestmark = pytest.mark.usefixtures("referential")


def nul_row():
    return variant(real_rows()[0], 7, denominationUsuelleEtablissement="USINE\x00DU NORD")


@pytest.mark.parametrize("wet", [False, True])
def test_a_nul_byte_in_an_establishment_name_is_a_rejection_dry_and_wet(tmp_path, wet):
    rows = real_rows()
    bad = nul_row()
    path = write_csv(tmp_path / "stock.csv", [*rows, bad])
    report = import_sirene(path, *(["--wet-run"] if wet else []), rejects=tmp_path / "r.csv")
    assert report["rejected"] == {"invalid_text": 1}
    assert report["to_create"] == len(rows)
    (reject,) = read_rejects(tmp_path / "r.csv")
    assert reject["siret"] == bad[COL["siret"]] and "denominationUsuelleEtablissement" in reject["detail"]
    assert "NUL" in reject["detail"]
    if wet:
        assert Establishment.objects.count() == len(rows)
        assert not Establishment.objects.filter(siret=bad[COL["siret"]]).exists()


@pytest.mark.parametrize(
    "column", ["enseigne1Etablissement", "libelleVoieEtablissement", "libelleCommuneEtablissement"]
)
def test_a_nul_byte_in_any_imported_text_is_a_rejection(tmp_path, column):
    bad = variant(real_rows()[0], 7, **{column: "A\x00B"})
    report = import_sirene(write_csv(tmp_path / "stock.csv", [bad]), "--wet-run", rejects=tmp_path / "r.csv")
    assert report["rejected"] == {"invalid_text": 1} and not Establishment.objects.exists()
    assert column in read_rejects(tmp_path / "r.csv")[0]["detail"]


def test_a_nul_byte_in_a_legal_unit_name_rejects_that_unit_line(tmp_path):
    rows = real_rows()
    path = write_csv(tmp_path / "stock.csv", rows)
    sirens = sorted({row[COL["siren"]] for row in rows})
    units = tmp_path / "ul.csv"
    with open(units, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(UNITE_LEGALE_COLUMNS)
        for siren in sirens:
            unit = dict.fromkeys(UNITE_LEGALE_COLUMNS, "")
            unit.update(
                siren=siren, etatAdministratifUniteLegale="A", denominationUniteLegale=f"SOCIETE {siren}"
            )
            if siren == sirens[0]:
                unit["denominationUniteLegale"] = "SOCIETE\x00NUL"
            writer.writerow(unit.values())
    report = import_sirene(path, "--unites-legales", units, "--wet-run", rejects=tmp_path / "r.csv")
    assert report["rejected"] == {"malformed_unite_legale": 1}
    assert "denominationUniteLegale" in read_rejects(tmp_path / "r.csv")[0]["detail"]
    assert Organisation.objects.filter(siren=sirens[1], name=f"SOCIETE {sirens[1]}").exists()
    assert "\x00" not in Organisation.objects.get(siren=sirens[0]).name
