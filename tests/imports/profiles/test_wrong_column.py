"""Values written in another column than their type's are filed where they belong, and said."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.directory.models import Establishment
from maillage.imports.models import MappingReview
from maillage.imports.profiles.cells import CellError, CellReader
from maillage.imports.profiles.services import mapping_review_decide
from maillage.profiles.models import Certification, Equipment, ProfileChange
from maillage.profiles.selectors import profile_snapshot
from maillage.profiles.snapshot import CertificationEntry, EquipmentEntry, SpecValue
from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.mapping import TaxonomyMapper
from tests.imports.profiles.helpers import SIRET_A, import_profiles, row, write_csv
from tests.shared_data import shared_path

LABELLED = Path(__file__).resolve().parents[2] / "taxonomy" / "mapping_labelled.csv"
BITD_CAPABILITIES = shared_path("data", "entreprises_bitd", "entreprise_capacites.csv")
WATERJET_CELL = "découpe jet d'eau 5 axes 3000 bars"
LINE = row(
    siret=SIRET_A,
    name="Mécanique Alsacienne",
    naf="2562B",
    capabilities=f"ISO13485; fraisage; presse 250 t; {WATERJET_CELL}; aéronautique; ISO 9001 en cours",
    certifications="EN9100",
    equipment="tour CN; anodisation",
    sectors="",
)


def notes(report) -> dict[str, dict]:
    return {note["text"]: note for note in report["refiled"]}


def test_values_in_the_wrong_column_are_filed_where_they_belong(setting, tmp_path):
    report = import_profiles(write_csv(tmp_path / "adherents.csv", [LINE]), "--wet-run")
    assert report["rejected"] == {}
    snapshot = profile_snapshot(Establishment.objects.get(siret=SIRET_A))
    assert set(snapshot.certifications) == {
        CertificationEntry("cert.en9100"),
        CertificationEntry("cert.iso13485"),
    }
    assert set(snapshot.capabilities) == {
        "proc.machining.milling",
        "proc.sheet_metal.cutting.waterjet",  # the process before its machine's figures
        "proc.surface.anodising",  # written among the machines
    }
    assert snapshot.sectors == ("sector.aeronautics",)
    assert set(snapshot.equipment) == {
        EquipmentEntry("equip.press", "presse 250 t", 1, (SpecValue("force", 250.0, "tf"),)),
        EquipmentEntry("equip.machine_tool.lathe", "tour CN"),
    }
    # The figures wait as a machine, the certification « en cours » as a certification.
    waiting = {(r.column, r.written_column, r.item) for r in MappingReview.objects.filter(status="pending")}
    assert waiting == {
        ("equipment", "capabilities", WATERJET_CELL),
        ("certifications", "capabilities", "ISO 9001 en cours"),
    }
    assert report["values_refiled"] == 6 and report["values_to_review"] == 2


def test_the_report_says_per_line_and_column_where_each_value_went(setting, tmp_path):
    report = import_profiles(write_csv(tmp_path / "adherents.csv", [LINE]))
    found = notes(report)
    assert (
        found["ISO13485"] | {"line": 2, "column": "capabilities", "filed_in": ["certifications"]}
        == found["ISO13485"]
    )
    assert found["ISO13485"]["detail"] == (
        "« ISO13485 » reconnu comme certification ISO 13485, rangé parmi les certifications"
    )
    assert found["presse 250 t"]["detail"] == (
        "« presse 250 t » reconnu comme équipement Presse (force nominale 250 tf), "
        "rangé parmi les équipements"
    )
    assert found["anodisation"]["column"] == "equipment"
    assert found["anodisation"]["detail"] == (
        "« anodisation » reconnu comme savoir-faire Anodisation, rangé parmi les savoir-faire"
    )
    waterjet = found[WATERJET_CELL]
    assert waterjet["filed_in"] == ["capabilities", "equipment"] and waterjet["pending"]
    assert waterjet["detail"].startswith(
        f"« {WATERJET_CELL} » : « découpe jet d'eau » reconnu comme savoir-faire Découpe jet d'eau, "
        "rangé parmi les savoir-faire ; « 5 axes 3000 bars » lu comme équipement "
        "(proposé : Machine de découpe jet d'eau), en attente de validation parmi les équipements"
    )
    assert "cherchable dès maintenant comme ses propres mots" in waterjet["detail"]

    out = io.StringIO()
    path = tmp_path / "adherents.csv"
    call_command("import_profiles", str(path), "--rejects", str(tmp_path / "r.csv"), stdout=out)
    text = out.getvalue()
    assert "valeurs rangées dans une autre colonne" in text and "RANGÉES AILLEURS : 6 valeur(s)" in text
    assert (
        "adherents.csv, ligne 2, colonne savoir-faire : « ISO13485 » reconnu comme certification "
        "ISO 13485, rangé parmi les certifications"
    ) in text
    assert "adherents.csv, ligne 2, colonne équipements : « anodisation » reconnu comme savoir-faire" in text


def test_a_dry_run_reports_the_refiled_values_and_writes_nothing(setting, tmp_path):
    report = import_profiles(write_csv(tmp_path / "adherents.csv", [LINE]))
    assert report["values_refiled"] == 6 and not report["wet_run"]
    assert not Certification.objects.exists() and not Equipment.objects.exists()
    assert not MappingReview.objects.exists() and not ProfileChange.objects.exists()


def test_a_sheet_without_the_column_adds_the_refiled_value_and_keeps_the_others(setting, tmp_path):
    import_profiles(
        write_csv(tmp_path / "a.csv", [row(siret=SIRET_A, name="A", certifications="EN9100 (numéro: FR-1)")]),
        "--wet-run",
    )
    columns = ("siret", "name", "capabilities")
    path = write_csv(
        tmp_path / "b.csv", [row(siret=SIRET_A, name="A", capabilities="ISO 9001; fraisage")], columns=columns
    )
    report = import_profiles(path, "--wet-run")
    assert report["rejected"] == {} and report["removal_lines"] == 0
    snapshot = profile_snapshot(Establishment.objects.get(siret=SIRET_A))
    assert {c.code for c in snapshot.certifications} == {"cert.en9100", "cert.iso9001"}
    assert import_profiles(path, "--wet-run")["profiles_unchanged"] == 1  # the same file again: nothing


def test_a_value_written_in_both_columns_is_one_value(setting, tmp_path):
    line = row(siret=SIRET_A, name="A", capabilities="EN 9100; fraisage", certifications="EN9100")
    report = import_profiles(write_csv(tmp_path / "a.csv", [line]), "--wet-run")
    assert report["rejected"] == {}
    assert profile_snapshot(Establishment.objects.get(siret=SIRET_A)).certifications == (
        CertificationEntry("cert.en9100"),
    )


def test_a_second_run_of_the_same_file_changes_nothing(setting, tmp_path):
    path = write_csv(tmp_path / "adherents.csv", [LINE])
    import_profiles(path, "--wet-run")
    again = import_profiles(path, "--wet-run")
    assert (again["profiles_changed"], again["profiles_unchanged"], again["rejected"]) == (0, 1, {})
    assert MappingReview.objects.count() == 2


def test_the_machine_accepted_by_an_animator_gets_its_figures(setting, tmp_path):
    path = write_csv(tmp_path / "adherents.csv", [LINE])
    import_profiles(path, "--wet-run")
    review = MappingReview.objects.get(column="equipment")
    mapping_review_decide(review=review, code="equip.sheet_metal.waterjet", actor=None)
    establishment = Establishment.objects.get(siret=SIRET_A)
    assert (
        EquipmentEntry(
            "equip.sheet_metal.waterjet", WATERJET_CELL, 1, (SpecValue("pump_pressure", 3000.0, "bar"),)
        )
        in profile_snapshot(establishment).equipment
    )
    assert "proc.sheet_metal.cutting.waterjet" in profile_snapshot(establishment).capabilities
    again = import_profiles(path, "--wet-run")  # the decision is remembered: nothing moves
    assert (again["profiles_unchanged"], again["values_to_review"], again["rejected"]) == (1, 1, {})


@pytest.fixture(scope="module")
def cells():
    return CellReader(TaxonomyMapper.from_records(list(read_taxonomy().nodes.values())))


@pytest.mark.parametrize(
    ("column", "text", "filed"),
    [
        ("capabilities", "iso 13485:2016", [("certifications", "cert.iso13485")]),
        ("capabilities", "EN9100", [("certifications", "cert.en9100")]),
        (
            "capabilities",
            "centre d'usinage 5 axes DMG",
            [("equipment", "equip.machine_tool.machining_centre.5axis")],
        ),
        ("capabilities", "presse plieuse 100 t", [("equipment", "equip.sheet_metal.press_brake")]),
        ("capabilities", "presse", [("capabilities", "proc.forming.stamping")]),  # accepted: stays
        (
            "capabilities",
            "découpe laser 3 kW",
            [("capabilities", "proc.sheet_metal.cutting.laser"), ("equipment", "equip.sheet_metal.laser")],
        ),
        ("equipment", "soudure TIG", [("capabilities", "proc.joining.welding.tig")]),
        ("equipment", "fraiseuse 5 axes", [("equipment", "equip.machine_tool.machining_centre.5axis")]),
        ("equipment", "cellule de soudage robotisée", [("equipment", "equip.welding.robot")]),
    ],
)
def test_each_item_is_read_in_the_column_of_its_type(cells, column, text, filed):
    assert [(item.column, code) for item in cells.read(text, column) for code in item.result.codes] == filed


def test_the_labelled_spellings_of_each_column_mostly_stay_where_they_are(cells):
    """Members' spellings of a type, written in that type's column: only two process names
    written among the machines (the mapper leaves their machines to a review) move."""
    with open(LABELLED, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    moved = set()
    for labelled in rows:
        try:
            items = cells.read(labelled["text"], labelled["column"])
        except CellError:
            continue
        if any(item.refiled or item.part for item in items):
            moved.add((labelled["column"], labelled["text"]))
    assert moved == {("equipment", "érosion à fil"), ("equipment", "jet d'eau")}


def test_real_capability_phrases_of_defence_companies_stay_capabilities(cells):
    """The 156 capabilities the 30 companies of the real BITD panel wrote (« Guerre des mines »,
    « Construction de sous-marins »): none is a market, a machine or a certification."""
    with open(BITD_CAPABILITIES, encoding="utf-8-sig", newline="") as handle:
        texts = [line["capacite"] for line in csv.DictReader(handle)]
    assert len(texts) == 156
    moved = [
        (text, item.column) for text in texts for item in cells.read(text.replace(";", ","), "capabilities")
        if item.refiled or item.part
    ]  # fmt: skip
    assert moved == []
