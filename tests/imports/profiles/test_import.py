"""import-profiles: dry run, writes, rejections naming line and column, review queue, resume."""

import pytest
from django.core.management.base import CommandError

from maillage.directory.models import Establishment, Membership, Organisation
from maillage.imports.models import ImportRun, MappingDecision, MappingReview
from maillage.imports.profiles import pipeline
from maillage.imports.profiles.services import mapping_review_decide
from maillage.profiles.models import ProfileChange
from maillage.profiles.selectors import profile_snapshot
from maillage.profiles.snapshot import CertificationEntry, EquipmentEntry, SpecValue
from tests.imports.profiles.helpers import (
    SIRET_A,
    SIRET_B,
    SIRET_C,
    import_profiles,
    read_rejects,
    row,
    write_csv,
)

GOOD = row(
    siret=SIRET_A,
    name="Mécanique de l'Ill",
    naf="2562B",
    commune_insee="67482",
    headcount_band="12",
    description="Sous-traitance mécanique de précision.",
    capabilities="fraiseuse 5 axes; TIG alu; décolletage",
    certifications="EN9100 (organisme: Bureau Veritas, numéro: FR-1234, du: 01/04/2024, au: 2027-03-31)",
    equipment="2 × presse hydraulique 300 t; centre 5 axes 1200x800x600 mm",
    sectors="aéro; ferroviaire",
    references="Airbus: pylônes A350 (public); Safran",
)


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Establishment, Membership, ProfileChange, MappingReview, ImportRun)
    }


def test_dry_run_counts_everything_and_writes_nothing(setting, tmp_path):
    path = write_csv(
        tmp_path / "a.csv", [GOOD, row(siret=SIRET_B, name="B", capabilities="pièces mécaniques")]
    )
    before = counts()
    report = import_profiles(path, "--network", "pole-alsace")
    assert counts() == before
    assert report["wet_run"] is False
    assert (report["read"], report["establishments_created"], report["profiles_changed"]) == (2, 2, 1)
    assert report["values_to_review"] == 1 and report["rejected"] == {}


def test_wet_run_creates_the_establishment_membership_and_profile(setting, tmp_path):
    report = import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--network", "pole-alsace", "--wet-run")
    assert report["establishments_created"] == 1 and report["memberships_set"] == 1
    establishment = Establishment.objects.get(siret=SIRET_A)
    assert establishment.source == "spreadsheet" and establishment.commune_id == "67482"
    assert establishment.geo_precision == Establishment.GeoPrecision.COMMUNE
    assert establishment.memberships.get().status == Membership.Status.MEMBER
    snapshot = profile_snapshot(establishment)
    assert set(snapshot.capabilities) == {
        "proc.machining.milling.5axis",
        "proc.joining.welding.tig",
        "mat.aluminium",
        "proc.machining.bar_turning",
    }
    assert snapshot.sectors == ("sector.aeronautics", "sector.rail")
    (certification,) = snapshot.certifications
    assert certification.code == "cert.en9100" and certification.number == "FR-1234"
    assert str(certification.valid_from) == "2024-04-01" and str(certification.valid_until) == "2027-03-31"
    assert (
        EquipmentEntry(
            "equip.press.hydraulic", "presse hydraulique 300 t", 2, (SpecValue("force", 300.0, "tf"),)
        )
        in snapshot.equipment
    )
    centre = next(e for e in snapshot.equipment if e.code.endswith("5axis"))
    assert {(s.name, s.value) for s in centre.specs} == {
        ("travel_x", 1200),
        ("travel_y", 800),
        ("travel_z", 600),
    }
    assert {(r.client, r.visibility) for r in snapshot.references} == {
        ("Airbus", "public"),
        ("Safran", "members"),
    }
    assert ProfileChange.objects.filter(source="spreadsheet").exists()


def test_a_second_wet_run_changes_nothing(setting, tmp_path):
    path = write_csv(tmp_path / "a.csv", [GOOD])
    import_profiles(path, "--network", "pole-alsace", "--wet-run")
    changes = ProfileChange.objects.count()
    again = import_profiles(path, "--network", "pole-alsace", "--wet-run")
    assert (again["profiles_unchanged"], again["profiles_changed"], again["changes"]) == (1, 0, {})
    assert ProfileChange.objects.count() == changes


@pytest.mark.parametrize(
    ("values", "reason", "column", "detail"),
    [
        ({"siret": "12345678901234"}, "bad_siret", "siret", "clé de contrôle"),
        ({"siret": ""}, "empty_required", "siret", "SIRET vide"),
        ({"name": " "}, "empty_required", "name", "nom vide"),
        ({"naf": "99.99Z"}, "unknown_naf", "naf", "99.99Z"),
        ({"commune_insee": "99999"}, "unknown_commune", "commune_insee", "99999"),
        ({"latitude": "48,58", "longitude": "abc"}, "bad_coordinates", "longitude", "abc"),
        ({"latitude": "0", "longitude": "0"}, "bad_coordinates", "latitude", "hors de France"),
        ({"headcount_band": "77"}, "unknown_headcount_band", "headcount_band", "77"),
        ({"capabilities": "proc.machining.teleportation"}, "unknown_code", "capabilities", "code inconnu"),
        ({"sectors": "proc.machining"}, "unknown_code", "sectors", "type process"),
        ({"equipment": "presse hydraulique 300 kg"}, "bad_unit", "equipment", "unité de masse, pas de force"),
        ({"equipment": "presse hydraulique 300"}, "missing_unit", "equipment", "unité manquante"),
        ({"equipment": "presse [equip.press] (couleur: 3 m)"}, "bad_spec", "equipment", "couleur"),
        ({"certifications": "ISO 9001 (au: 31/02/2027)"}, "bad_date", "certifications", "31/02/2027"),
        (
            {"certifications": "ISO 9001 (du: 2025-01-01, au: 2024-01-01)"},
            "invalid_profile",
            "certifications",
            "précède",
        ),
    ],
)
def test_bad_rows_are_rejected_with_line_column_and_reason(setting, tmp_path, values, reason, column, detail):
    bad = {**row(siret=SIRET_B, name="B"), **values}
    path = write_csv(tmp_path / "bad.csv", [GOOD, bad])
    rejects = tmp_path / "rejets.csv"
    report = import_profiles(path, "--wet-run", rejects=rejects)
    assert report["rejected"] == {reason: 1}
    (rejected,) = read_rejects(rejects)
    assert (rejected["line"], rejected["column"], rejected["reason"]) == ("3", column, reason)
    assert detail in rejected["detail"]
    assert Establishment.objects.filter(siret=SIRET_A).exists()
    assert not Establishment.objects.filter(siret=SIRET_B).exists()


def test_duplicated_rows_keep_the_first_and_reject_the_others(setting, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [GOOD, row(siret=SIRET_B, name="B"), GOOD])
    rejects = tmp_path / "rejets.csv"
    report = import_profiles(path, "--wet-run", rejects=rejects)
    assert report["rejected"] == {"duplicate_row": 1}
    assert read_rejects(rejects)[0]["detail"] == f"SIRET {SIRET_A} déjà présent ligne 2"


def test_windows_1252_file_imports(setting, tmp_path):
    path = write_csv(tmp_path / "w.csv", [GOOD], encoding="cp1252")
    report = import_profiles(path, "--wet-run")
    assert report["encoding"] == "cp1252" and report["rejected"] == {}
    assert profile_snapshot(Establishment.objects.get(siret=SIRET_A)).description.startswith("Sous-traitance")


def test_low_confidence_values_go_to_review_and_the_decision_is_remembered(
    setting, tmp_path, django_user_model
):
    first = row(siret=SIRET_A, name="A", capabilities="BE intégré; usinage")
    second = row(siret=SIRET_B, name="B", capabilities="BE intégré")
    path = write_csv(tmp_path / "a.csv", [first, second])
    report = import_profiles(path, "--wet-run")
    assert report["values_to_review"] == 2
    reviews = MappingReview.objects.filter(status=MappingReview.Status.PENDING)
    assert reviews.count() == 2
    review = reviews.get(establishment__siret=SIRET_A)
    assert (review.column, review.raw_text, review.line, review.file_name) == (
        "capabilities",
        "BE intégré",
        2,
        "a.csv",
    )
    assert review.proposals and all({"code", "score"} <= set(p) for p in review.proposals)
    assert profile_snapshot(review.establishment).capabilities == ("proc.machining",)

    import_profiles(path, "--wet-run")
    assert MappingReview.objects.count() == 2  # the same pending value is not queued twice

    animator = django_user_model.objects.create_user(email="animatrice@example.org", password="x")
    mapping_review_decide(review=review, code="svc.design", actor=animator)
    assert MappingDecision.objects.get().node.code == "svc.design"
    assert not MappingReview.objects.filter(status=MappingReview.Status.PENDING).exists()
    assert MappingReview.objects.filter(decided_by=animator, status="mapped").count() == 2
    for siret in (SIRET_A, SIRET_B):
        assert "svc.design" in profile_snapshot(Establishment.objects.get(siret=siret)).capabilities

    again = import_profiles(write_csv(tmp_path / "b.csv", [first, second]), "--wet-run")
    assert (again["values_to_review"], again["profiles_changed"]) == (0, 0)


def test_a_dismissed_value_is_ignored_next_time(setting, tmp_path):
    path = write_csv(tmp_path / "a.csv", [row(siret=SIRET_A, name="A", capabilities="nous consulter")])
    import_profiles(path, "--wet-run")
    mapping_review_decide(review=MappingReview.objects.get(), code=None, actor=None)
    report = import_profiles(path, "--wet-run")
    assert (report["values_to_review"], report["values_dismissed"]) == (0, 1)


def test_only_the_columns_present_are_applied(setting, tmp_path):
    import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--wet-run")
    path = write_csv(
        tmp_path / "sectors.csv",
        [row(siret=SIRET_A, name="A", sectors="nucléaire")],
        columns=("siret", "name", "sectors"),
    )
    # Replacing the sectors removes two the member declared: only with the flag (issue 12, item 8).
    assert import_profiles(path, "--wet-run")["rejected"] == {"would_remove": 1}
    import_profiles(path, "--wet-run", "--allow-removals")
    snapshot = profile_snapshot(Establishment.objects.get(siret=SIRET_A))
    assert snapshot.sectors == ("sector.nuclear",)
    assert "proc.machining.bar_turning" in snapshot.capabilities and len(snapshot.certifications) == 1


def test_a_failed_wet_run_resumes_after_its_last_committed_batch(setting, tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "a.csv",
        [
            GOOD,
            row(siret=SIRET_B, name="B", sectors="naval"),
            row(siret=SIRET_C, name="C", sectors="spatial"),
        ],
    )
    original = pipeline._write

    def crash_on_c(prepared, *args):
        if prepared.siret == SIRET_C:
            raise RuntimeError("coupure")
        return original(prepared, *args)

    monkeypatch.setattr(pipeline, "_write", crash_on_c)
    with pytest.raises(CommandError, match="a.csv : erreur inattendue.*coupure"):
        import_profiles(path, "--wet-run", "--batch-size", "2")
    run = ImportRun.objects.get(kind=ImportRun.Kind.PROFILES)
    assert (run.status, run.last_committed_line) == (ImportRun.Status.FAILED, 3)
    assert set(Establishment.objects.values_list("siret", flat=True)) == {SIRET_A, SIRET_B}

    monkeypatch.setattr(pipeline, "_write", original)
    report = import_profiles(path, "--wet-run", "--batch-size", "2")
    assert report["resumed_from_line"] == 4 and report["read"] == 3
    assert report["establishments_created"] == 3
    assert ImportRun.objects.get().status == ImportRun.Status.SUCCEEDED
    assert profile_snapshot(Establishment.objects.get(siret=SIRET_C)).sectors == ("sector.space",)


def test_unknown_network_and_unreadable_file_stop_the_command(setting, tmp_path):
    with pytest.raises(CommandError, match="réseau inconnu"):
        import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--network", "nulle-part")
    (tmp_path / "x.ods").write_text("")
    with pytest.raises(CommandError, match="format non pris en charge"):
        import_profiles(tmp_path / "x.ods")


def test_certification_entry_values_survive_the_cell_grammar(setting, tmp_path):
    import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--wet-run")
    (certification,) = profile_snapshot(Establishment.objects.get(siret=SIRET_A)).certifications
    assert isinstance(certification, CertificationEntry) and certification.issuer == "Bureau Veritas"


def test_the_human_report_names_file_line_and_column(setting, tmp_path):
    import io

    from django.core.management import call_command

    path = write_csv(tmp_path / "a.csv", [GOOD, row(siret=SIRET_B, name="B", naf="99.99Z")])
    out = io.StringIO()
    call_command("import_profiles", str(path), "--rejects", str(tmp_path / "r.csv"), stdout=out)
    text = out.getvalue()
    assert "ESSAI À BLANC" in text and "code NAF inconnu (unknown_naf) : 1" in text
    assert "a.csv, ligne 3, colonne naf : « 99.99Z »" in text
