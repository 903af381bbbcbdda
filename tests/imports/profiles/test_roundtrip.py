"""export-profiles writes what import-profiles reads: exporting then importing changes nothing."""

import csv

import pytest

from maillage.directory.models import Establishment
from maillage.profiles.models import ProfileChange
from maillage.profiles.selectors import profile_snapshot
from maillage.profiles.services import profile_apply_snapshot
from maillage.profiles.snapshot import EquipmentEntry, ProfileSnapshot, SpecValue
from tests.imports.profiles.helpers import (
    SIRET_A,
    SIRET_B,
    SIRET_C,
    export_profiles,
    import_profiles,
    row,
    write_csv,
)
from tests.spreadsheets import assert_safe_workbook, read_csv


@pytest.fixture
def members(setting, tmp_path):
    rows = [
        row(
            siret=SIRET_A,
            name="Mécanique de l'Ill",
            naf="25.62B",
            commune_insee="67482",
            latitude="48.5734",
            longitude="7.7521",
            headcount_band="21",
            description="Usinage; tôlerie « fine ».",
            capabilities="usinage 5 axes; anodisation dure; inox",
            certifications=(
                "EN9100 (organisme: Bureau Veritas, numéro: FR-1, du: 2024-04-01, au: 2027-03-31); ISO 14001"
            ),
            equipment="3 × presse hydraulique 315 t; MMT 1000x700x600 mm; laser fibre 6 kW 3000x1500 mm",
            sectors="aéronautique; défense",
            references="Airbus: pylônes (public); Naval Group",
        ),
        row(
            siret=SIRET_B,
            name="Plasturgie du Rhin",
            capabilities="injection plastique bi-matière",
            sectors="auto",
        ),
        row(siret=SIRET_C, name="Sans profil"),
    ]
    report = import_profiles(
        write_csv(tmp_path / "members.csv", rows), "--network", "pole-alsace", "--wet-run"
    )
    assert report["rejected"] == {}
    # A profile edited elsewhere: an equipment without the member's words, a precise measure.
    establishment = Establishment.objects.get(siret=SIRET_B)
    snapshot = profile_snapshot(establishment)
    profile_apply_snapshot(
        establishment=establishment,
        snapshot=ProfileSnapshot(
            description=snapshot.description,
            capabilities=snapshot.capabilities,
            sectors=snapshot.sectors,
            equipment=(
                EquipmentEntry(
                    "equip.plastics.injection", "", 1, (SpecValue("clamping_force", 152.5, "tf"),)
                ),
            ),
        ),
        actor=None,
        source="member",
    )
    return {e.siret: profile_snapshot(e) for e in Establishment.objects.all()}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_is_a_no_op(members, tmp_path, suffix):
    path = export_profiles("pole-alsace", tmp_path / f"export{suffix}")
    changes = ProfileChange.objects.count()
    report = import_profiles(path, "--network", "pole-alsace", "--wet-run")
    assert report["rejected"] == {} and report["values_to_review"] == 0
    assert (report["profiles_changed"], report["establishments_created"], report["memberships_set"]) == (
        0,
        0,
        0,
    )
    assert report["profiles_unchanged"] == 3
    assert ProfileChange.objects.count() == changes
    assert {e.siret: profile_snapshot(e) for e in Establishment.objects.all()} == members


def test_export_is_readable_by_members(members, tmp_path):
    path = export_profiles("pole-alsace", tmp_path / "export.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = {r["siret"]: r for r in csv.DictReader(handle, delimiter=";")}
    assert sorted(rows) == sorted([SIRET_A, SIRET_B, SIRET_C])
    first = rows[SIRET_A]
    assert first["naf"] == "25.62B" and first["commune_insee"] == "67482"
    assert "Anodisation dure" in first["capabilities"] and "Aéronautique" in first["sectors"]
    assert (
        "EN 9100 (organisme: Bureau Veritas, numéro: FR-1, du: 2024-04-01, au: 2027-03-31)"
        in first["certifications"]
    )
    assert "3 × presse hydraulique 315 t [equip.press.hydraulic] (force: 315 tf)" in first["equipment"]
    assert "Airbus: pylônes (public)" in first["references"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_neutralises_formulas_but_keeps_negative_coordinates(members, tmp_path, suffix):
    Establishment.objects.filter(siret=SIRET_B).update(
        name='=HYPERLINK("http://evil.example","Plasturgie")', latitude=47.2, longitude=-1.5536
    )
    path = export_profiles("pole-alsace", tmp_path / f"export{suffix}")
    rows = read_csv(path.read_bytes()) if suffix == ".csv" else assert_safe_workbook(path.read_bytes())
    header = rows[0]
    row = next(row for row in rows if row[header.index("siret")] == SIRET_B)
    assert row[header.index("name")] == '\'=HYPERLINK("http://evil.example","Plasturgie")'
    assert row[header.index("longitude")] == "-1.5536"
