"""maillage import-sirene on the real 7-row extract and on small hand-made variants of it."""

import zipfile

import pytest
from django.core.management import CommandError

from maillage.directory.models import Establishment, Organisation
from maillage.engine.geo import haversine_km
from maillage.imports.models import ImportRun
from maillage.imports.sirene.schema import Reason
from maillage.referential.models import Commune
from tests.imports.helpers import COL, import_sirene, read_rejects, real_rows, variant, write_csv
from tests.imports.referential import STOCK_EXTRACT

pytestmark = pytest.mark.usefixtures("referential")


def distance_km(lat1, lon1, lat2, lon2):
    return float(haversine_km(lat1, lon1, lat2, lon2))


def test_real_extract_imports_all_seven_rows(tmp_path):
    report = import_sirene(STOCK_EXTRACT, "--wet-run", rejects=tmp_path / "r.csv")
    assert (report["read"], report["to_create"], report["rejected"]) == (7, 7, {})
    assert Establishment.objects.count() == 7
    assert Organisation.objects.count() == 5
    # The closed NAP establishment is kept, closed and without NAF.
    nap = Establishment.objects.get(siret="00541022000015")
    assert (nap.naf_id, nap.is_active) == (None, False)
    # No coordinates in the file: the commune's point stands in.
    assert nap.geo_precision == "commune"
    food = Establishment.objects.get(siret="00542012000015")
    assert (food.naf_id, food.headcount_band_id, food.is_head_office) == ("10.81Z", "01", False)
    assert food.street == "RUE DE LA FONTAINE" and food.postal_code == "80120"


def test_marseille_arrondissement_maps_to_marseille_within_1_5_km(tmp_path):
    import_sirene(STOCK_EXTRACT, "--wet-run", rejects=tmp_path / "r.csv")
    marseille = Establishment.objects.get(siret="00032517500065")
    commune = Commune.objects.get(insee_code="13055")
    assert marseille.commune_id == "13055"
    assert marseille.geo_precision == "address"
    assert distance_km(marseille.latitude, marseille.longitude, commune.latitude, commune.longitude) < 1.5


def test_dry_run_writes_nothing(tmp_path):
    report = import_sirene(STOCK_EXTRACT, rejects=tmp_path / "r.csv")
    assert report["wet_run"] is False and report["to_create"] == 7
    assert not Establishment.objects.exists()
    assert not Organisation.objects.exists()
    assert not ImportRun.objects.exists()


def test_rerun_of_the_same_file_changes_nothing(tmp_path):
    import_sirene(STOCK_EXTRACT, "--wet-run", "--batch-size", "3", rejects=tmp_path / "r.csv")
    before = {e.siret: e.updated_at for e in Establishment.objects.all()}
    report = import_sirene(STOCK_EXTRACT, "--wet-run", rejects=tmp_path / "r2.csv")
    assert (report["to_create"], report["to_update"], report["unchanged"]) == (0, 0, 7)
    assert {e.siret: e.updated_at for e in Establishment.objects.all()} == before
    assert ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).count() == 2


def test_establishment_closed_in_a_new_stock_is_marked_closed(tmp_path):
    rows = real_rows()
    import_sirene(write_csv(tmp_path / "m1.csv", rows), "--wet-run", rejects=tmp_path / "r.csv")
    rows[3][COL["etatAdministratifEtablissement"]] = "F"
    report = import_sirene(write_csv(tmp_path / "m2.csv", rows), "--wet-run", rejects=tmp_path / "r2.csv")
    assert (report["to_update"], report["unchanged"]) == (1, 6)
    assert Establishment.objects.get(siret=rows[3][COL["siret"]]).is_active is False


def test_active_only_skips_closed_rows_unless_already_known(tmp_path):
    rows = real_rows()
    report = import_sirene(
        write_csv(tmp_path / "m1.csv", rows), "--active-only", "--wet-run", rejects=tmp_path / "r.csv"
    )
    assert report["filtered_out"] == 1 and not Establishment.objects.filter(is_active=False).exists()
    rows[3][COL["etatAdministratifEtablissement"]] = "F"
    report = import_sirene(
        write_csv(tmp_path / "m2.csv", rows), "--active-only", "--wet-run", rejects=tmp_path / "r2.csv"
    )
    assert report["to_update"] == 1
    assert Establishment.objects.get(siret=rows[3][COL["siret"]]).is_active is False


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        (["--departments", "80"], {"00541022000015", "00542002100056", "00542012000015"}),
        (["--departments", "62,04"], {"00542012000023", "00542012000031", "00544011000061"}),
        (["--naf-sections", "C"], {"00032517500065", "00542012000015"}),
        (["--epci", "200054807"], {"00032517500065"}),  # Aix-Marseille-Provence
        (["--active-only", "--departments", "80"], {"00542002100056", "00542012000015"}),
    ],
)
def test_filters_keep_the_expected_establishments(tmp_path, options, kept):
    report = import_sirene(STOCK_EXTRACT, *options, "--wet-run", rejects=tmp_path / "r.csv")
    assert set(Establishment.objects.values_list("siret", flat=True)) == kept
    assert report["filtered_out"] == 7 - len(kept)


def test_corsica_and_overseas_departments_filter_by_commune_code(tmp_path):
    base = real_rows()[4]
    rows = [
        variant(base, 101, codeCommuneEtablissement="2A004", coordonneeLambertAbscisseEtablissement="",
                coordonneeLambertOrdonneeEtablissement=""),
        variant(base, 102, codeCommuneEtablissement="2B033", coordonneeLambertAbscisseEtablissement="",
                coordonneeLambertOrdonneeEtablissement=""),
        # Saint-Denis de La Réunion, UTM 40S coordinates.
        variant(base, 103, codeCommuneEtablissement="97411", coordonneeLambertAbscisseEtablissement="338500",
                coordonneeLambertOrdonneeEtablissement="7690500"),
    ]  # fmt: skip
    path = write_csv(tmp_path / "dom.csv", rows)
    report = import_sirene(path, "--departments", "2A,974", "--wet-run", rejects=tmp_path / "r.csv")
    assert report["rejected"] == {} and report["filtered_out"] == 1
    reunion = Establishment.objects.get(commune_id="97411")
    assert reunion.geo_precision == "address" and -21.0 < reunion.latitude < -20.8
    assert Establishment.objects.get(commune_id="2A004").geo_precision == "commune"


def test_every_rejection_reason_is_reported_with_its_line(tmp_path):
    rows = real_rows()
    food = rows[3]
    broken = [
        variant(food, 201)[:-1],  # line 9: 53 columns
        variant(food, 202),  # line 10: bad encoding, written below
        variant(food, 203, siret="00542012000999"),  # line 11
        variant(food, 204, activitePrincipaleEtablissement="99.99Z"),  # line 12
        variant(food, 205, codeCommuneEtablissement="80000"),  # line 13
        variant(food, 206, coordonneeLambertAbscisseEtablissement="60536l.4"),  # line 14
        variant(food, 207, coordonneeLambertAbscisseEtablissement="9605361.4"),  # line 15: off the map
        variant(food, 208, dateCreationEtablissement="1989-02-30"),  # line 16
        variant(food, 209, nomenclatureActivitePrincipaleEtablissement="NAF1993",
                activitePrincipaleEtablissement="15.8A"),  # line 17: old nomenclature, kept
    ]  # fmt: skip
    path = write_csv(tmp_path / "broken.csv", rows + broken)
    data = path.read_bytes().split(b"\n")
    data[9] = data[9].replace(b"RUE,DE LA FONTAINE", b"RUE,DE LA FONTAINE \xe9")
    path.write_bytes(b"\n".join(data))
    rejects_path = tmp_path / "rejects.csv"
    report = import_sirene(path, "--wet-run", rejects=rejects_path)
    expected = {
        "9": Reason.WRONG_COLUMN_COUNT,
        "10": Reason.BAD_ENCODING,
        "11": Reason.BAD_SIRET,
        "12": Reason.UNKNOWN_NAF,
        "13": Reason.UNKNOWN_COMMUNE,
        "14": Reason.MALFORMED_COORDINATES,
        "15": Reason.MALFORMED_COORDINATES,
        "16": Reason.MALFORMED_DATE,
    }
    rejects = read_rejects(rejects_path)
    assert {r["line"]: r["reason"] for r in rejects} == expected
    assert {r["line"]: r["siret"] for r in rejects}["11"] == "00542012000999"
    assert "codeCommuneEtablissement=80000" in next(r["detail"] for r in rejects if r["line"] == "13")
    assert sum(report["rejected"].values()) == 8
    assert Establishment.objects.count() == 8
    old = Establishment.objects.get(siret=broken[-1][COL["siret"]])
    assert old.naf_id is None


def test_repeated_siret_keeps_the_last_line(tmp_path):
    rows = real_rows()
    again = list(rows[0])
    again[COL["enseigne1Etablissement"]] = "NOUVELLE ENSEIGNE"
    report = import_sirene(
        write_csv(tmp_path / "d.csv", [*rows, again]), "--wet-run", rejects=tmp_path / "r.csv"
    )
    assert report["rejected"] == {Reason.DUPLICATE_SIRET: 1}
    assert Establishment.objects.get(siret=again[COL["siret"]]).trade_name == "NOUVELLE ENSEIGNE"


def test_zipped_file_imports_like_the_csv(tmp_path):
    archive = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(STOCK_EXTRACT, arcname="StockEtablissement_utf8.csv")
    report = import_sirene(archive, "--wet-run", "--batch-size", "2", rejects=tmp_path / "r.csv")
    assert (report["read"], report["to_create"]) == (7, 7)
    assert Establishment.objects.count() == 7


def test_wrong_header_stops_with_the_file_and_line(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("siren,nic,siret\n1,2,3\n")
    with pytest.raises(CommandError, match=r"old\.csv, ligne 1"):
        import_sirene(path)


def test_unknown_epci_is_refused():
    with pytest.raises(CommandError, match="EPCI inconnu"):
        import_sirene(STOCK_EXTRACT, "--epci", "999999999")
