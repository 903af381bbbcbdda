"""``maillage load-referential`` on the real files: facts, idempotence, obsolete rows, dry run."""

import csv
import statistics
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.directory.models import Network, Organisation
from maillage.referential.models import (
    Commune,
    CpvCode,
    Department,
    Epci,
    HeadcountBand,
    LegalCategory,
    NafCode,
    PostalCode,
    Region,
    RomeCode,
)
from maillage.referential.services import referential_load

pytestmark = pytest.mark.django_db

ALL_MODELS = (
    Region,
    Department,
    Epci,
    Commune,
    PostalCode,
    NafCode,
    HeadcountBand,
    LegalCategory,
    RomeCode,
    CpvCode,
)


def counts():
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def counts_line(output: str, label: str) -> list[int]:
    """created, updated, unchanged, deleted, kept obsolete from the command's table."""
    line = next(line for line in output.splitlines() if line.startswith(label + "  "))
    return [int(value) for value in line[len(label) :].split()]


def run(*args, **options) -> str:
    out = StringIO()
    call_command("load_referential", *args, stdout=out, **options)
    return out.getvalue()


def test_first_load_creates_every_row_and_reports_what_it_could_not_place(loaded):
    by_model = {m.label: m for m in loaded.models}
    assert by_model["communes"].created == Commune.objects.count() > 36000
    assert counts()["Region"] == 26
    assert counts()["Department"] == 109
    assert counts()["Epci"] == 1255
    assert counts()["NafCode"] == 1728
    assert counts()["CpvCode"] == 9454
    assert counts()["RomeCode"] == 1584
    assert counts()["LegalCategory"] == 306
    assert counts()["HeadcountBand"] == 16
    without = Commune.objects.current().filter(latitude__isnull=True).count()
    assert any(note.startswith(f"{without} communes sans point La Poste") for note in loaded.notes)
    assert 12 <= without < 120  # 12 in the derived file, which also used the 2022 export


def test_haguenau_belongs_to_its_agglomeration_with_postal_code_67500(loaded):
    haguenau = Commune.objects.get(insee_code="67180")
    assert haguenau.name == "Haguenau"
    assert haguenau.kind == Commune.Kind.CURRENT
    assert haguenau.epci_id == "200067874"
    assert haguenau.epci.kind == Epci.Kind.CA
    assert haguenau.department.name == "Bas-Rhin"
    assert haguenau.region.name == "Grand Est"
    assert haguenau.postal_codes == ["67500"]
    assert PostalCode.objects.filter(code="67500", commune=haguenau).exists()
    assert haguenau.population > 30000


def test_marseille_arrondissement_points_to_its_city(loaded):
    district = Commune.objects.get(insee_code="13204")
    assert district.kind == Commune.Kind.MUNICIPAL_DISTRICT
    assert district.parent_id == "13055"
    assert district.epci_id == district.parent.epci_id  # SIRENE places establishments there
    assert Commune.objects.get(insee_code="13055").children.count() == 16


def test_delegated_communes_are_kept_with_their_commune_nouvelle(loaded):
    delegated = Commune.objects.filter(kind=Commune.Kind.DELEGATED).select_related("parent")
    assert delegated.count() > 1000
    assert all(c.parent.kind == Commune.Kind.CURRENT for c in delegated[:200])


def test_paris_point_is_the_mean_of_its_arrondissements_la_poste_points(loaded, data_dir):
    paris = Commune.objects.get(insee_code="75056")
    assert Commune.objects.filter(parent=paris).count() == 20
    with open(data_dir / "communes/laposte_hexasmal_2020_brut.csv", encoding="utf-8", newline="") as handle:
        points = [
            tuple(map(float, row["coordonnees_gps"].split(",")))
            for row in csv.DictReader(handle, delimiter=";")
            if row["Code_commune_INSEE"].startswith("751") and row["coordonnees_gps"]
        ]
    assert len(points) > 20
    assert paris.latitude == pytest.approx(statistics.fmean(p[0] for p in points), abs=1e-6)
    assert paris.longitude == pytest.approx(statistics.fmean(p[1] for p in points), abs=1e-6)


def test_coordinates_match_the_derived_file_built_from_the_same_la_poste_points(loaded, data_dir):
    ours = {c[0]: c[1:] for c in Commune.objects.current().values_list("insee_code", "latitude", "longitude")}
    compared = 0
    with open(data_dir / "communes/communes_2026_geo_epci.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["coord_source"] == "laposte_2022_giloop" or not row["latitude"]:
                continue  # the derived file filled these from another export: a check, not a source
            latitude, longitude = ours[row["code_insee"]]
            assert latitude == pytest.approx(float(row["latitude"]), abs=2e-6), row["code_insee"]
            assert longitude == pytest.approx(float(row["longitude"]), abs=2e-6), row["code_insee"]
            compared += 1
    assert compared > 34800


def test_epci_and_commune_memberships_match_the_derived_file(loaded, data_dir):
    ours = dict(Commune.objects.current().values_list("insee_code", "epci_id"))
    with open(data_dir / "communes/communes_2026_geo_epci.csv", encoding="utf-8", newline="") as handle:
        theirs = {row["code_insee"]: row["epci_siren"] or None for row in csv.DictReader(handle)}
    assert ours == theirs


def test_naf_tree(loaded):
    code = NafCode.objects.get(code="25.62B")
    assert code.parent_id == "25.62"
    assert code.section == "C"
    assert code.level == NafCode.Level.SUBCLASS
    assert code.parent.parent.parent.parent_id == "C"
    assert NafCode.objects.filter(level=NafCode.Level.SECTION).count() == 21


def test_cpv_rome_and_sirene_codes(loaded):
    machine_tools = CpvCode.objects.get(code="42600000")
    assert (machine_tools.check_digit, machine_tools.parent_id) == ("2", "42000000")
    assert CpvCode.objects.get(code="42000000").parent is None
    rome = RomeCode.objects.get(code="H2903")
    assert rome.label == "Tourneur-fraiseur / Tourneuse-fraiseuse"
    assert (rome.professional_domain, rome.grand_domain_label) == ("H29", "Industrie")
    assert RomeCode.objects.get(code="H2918").parent_id == "H2903"
    assert LegalCategory.objects.get(code="5710").parent.parent_id == "5"
    assert HeadcountBand.objects.get(code="21").min_employees == 50


def test_second_run_changes_nothing_and_says_so(loaded):
    before = counts()
    output = run(wet_run=True)
    assert "Aucun changement" in output
    assert counts() == before
    report = referential_load(source=loaded.source, wet_run=True)
    assert not report.changed
    assert all(m.created == m.updated == m.deleted == 0 for m in report.models)


def test_a_row_changed_by_hand_is_restored_and_counted_as_updated(loaded):
    NafCode.objects.filter(code="25.62B").update(label="Libellé modifié")
    Commune.objects.filter(insee_code="67180").update(latitude=None, epci=None)
    report = referential_load(source=loaded.source, only=["naf", "communes"], wet_run=True)
    by_model = {m.label: m for m in report.models}
    assert by_model["codes NAF"].updated == 1
    assert by_model["communes"].updated == 1
    assert NafCode.objects.get(code="25.62B").label == "Mécanique industrielle"
    assert Commune.objects.get(insee_code="67180").epci_id == "200067874"


def test_obsolete_rows_are_deleted_unless_something_references_them(loaded):
    bas_rhin = Department.objects.get(code="67")
    gone = Commune.objects.create(insee_code="67999", name="Disparue", department=bas_rhin)
    PostalCode.objects.create(code="67999", commune=gone)
    used = Commune.objects.create(insee_code="67998", name="Fusionnée", department=bas_rhin)
    Network.objects.create(slug="nord", name="Nord").communes.add(used)
    parent = NafCode.objects.create(code="99.9", level=3, label="Ancien groupe", section="U", parent_id="99")
    NafCode.objects.create(code="99.99", level=4, label="Ancienne classe", section="U", parent=parent)
    old = NafCode.objects.create(
        code="99.98", level=4, label="Classe encore utilisée", section="U", parent=parent
    )
    Organisation.objects.create(siren="732829320", name="Utilise un ancien NAF", naf=old)

    output = run("--only", "communes,naf", wet_run=True)

    assert not Commune.objects.filter(insee_code="67999").exists()
    assert not PostalCode.objects.filter(code="67999").exists()
    assert Commune.objects.filter(insee_code="67998").exists()
    assert not NafCode.objects.filter(code="99.99").exists()
    # The class still used keeps its parent group.
    assert set(NafCode.objects.filter(code__startswith="99.9").values_list("code", flat=True)) == {
        "99.9",
        "99.98",
    }
    assert counts_line(output, "communes")[3:] == [1, 1]  # deleted, kept obsolete
    assert counts_line(output, "codes postaux")[3:] == [1, 0]
    assert counts_line(output, "codes NAF")[3:] == [1, 2]
    assert "gardées" in output


def test_dry_run_reports_the_changes_but_writes_nothing(loaded):
    NafCode.objects.filter(code="25.62B").update(label="Libellé modifié")
    HeadcountBand.objects.filter(code="NN").delete()
    before = counts()
    output = run("--only", "naf,headcount-bands")
    assert "Simulation" in output
    assert counts() == before
    assert NafCode.objects.get(code="25.62B").label == "Libellé modifié"
    assert counts_line(output, "codes NAF")[:3] == [0, 1, 1727]
    assert counts_line(output, "tranches d'effectifs")[:3] == [1, 0, 15]


def test_unknown_dataset_is_refused_with_the_valid_names(loaded):
    with pytest.raises(CommandError, match="communes, naf"):
        run("--only", "communes,nafs")


def test_no_progress_bar_when_stderr_is_not_a_terminal(loaded, capsys):
    run("--only", "headcount-bands")
    assert capsys.readouterr().err == ""
