"""Issue 12, item 8: a short line must not erase a profile; removals need --allow-removals."""

import io
import json

from django.core.management import call_command

from maillage.directory.models import Establishment
from maillage.profiles.selectors import profile_snapshot
from tests.imports.profiles.helpers import SIRET_A, SIRET_B, import_profiles, read_rejects, row, write_csv
from tests.imports.profiles.test_import import GOOD

HEADER = ";".join(GOOD)


def declared():
    return profile_snapshot(Establishment.objects.get(siret=SIRET_A))


def test_a_short_line_is_rejected_and_erases_nothing(setting, tmp_path):
    import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--wet-run")
    before = declared()
    path = tmp_path / "short.csv"
    path.write_text(f"{HEADER}\n{SIRET_A};Mécanique de l'Ill;2562B;67482\n", encoding="utf-8")
    report = import_profiles(path, "--wet-run", rejects=tmp_path / "r.csv")
    assert report["rejected"] == {"wrong_column_count": 1} and report["profiles_changed"] == 0
    (reject,) = read_rejects(tmp_path / "r.csv")
    assert (reject["line"], reject["reason"]) == ("2", "wrong_column_count")
    assert "4 champs pour 13 colonnes" in reject["detail"]
    assert declared() == before and before.certifications and before.sectors and before.description


def test_a_short_line_missing_only_unnamed_columns_is_fine(setting, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f"siret;name;notes;\n{SIRET_A};A;x\n", encoding="utf-8")
    report = import_profiles(path, "--wet-run")
    assert report["rejected"] == {} and report["establishments_created"] == 1


def test_a_line_that_would_remove_declared_values_is_rejected_naming_them(setting, tmp_path):
    import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--wet-run")
    before = declared()
    emptier = {**GOOD, "certifications": "", "sectors": "aéro", "description": ""}
    report = import_profiles(
        write_csv(tmp_path / "b.csv", [emptier]), "--wet-run", rejects=tmp_path / "r.csv"
    )
    assert report["rejected"] == {"would_remove": 1} and report["profiles_changed"] == 0
    (reject,) = read_rejects(tmp_path / "r.csv")
    assert reject["column"] == "description, certifications, sectors"
    assert "--allow-removals" in reject["detail"] and "cert.en9100" in reject["detail"]
    assert declared() == before
    (removal,) = report["removals"]
    assert (removal["line"], removal["applied"]) == (2, False)
    assert set(removal["fields"]) == {"description", "certifications", "sectors"}


def test_allow_removals_applies_them_and_reports_them(setting, tmp_path):
    import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--wet-run")
    emptier = {**GOOD, "certifications": "", "capabilities": "décolletage"}
    report = import_profiles(write_csv(tmp_path / "b.csv", [emptier]), "--wet-run", "--allow-removals")
    assert report["rejected"] == {} and report["profiles_changed"] == 1
    assert declared().certifications == () and declared().capabilities == ("proc.machining.bar_turning",)
    (removal,) = report["removals"]
    assert removal["applied"] is True and set(removal["fields"]) == {"capabilities", "certifications"}


def test_adding_needs_no_flag(setting, tmp_path):
    import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--wet-run")
    more = {**GOOD, "sectors": "aéro; ferroviaire; naval"}
    report = import_profiles(write_csv(tmp_path / "b.csv", [more]), "--wet-run")
    assert report["rejected"] == {} and report["removals"] == []
    assert "sector.naval" in declared().sectors


def test_the_dry_run_lists_removals_before_the_counts(setting, tmp_path):
    import_profiles(write_csv(tmp_path / "a.csv", [GOOD]), "--wet-run")
    lines = [{**GOOD, "references": ""}, row(siret=SIRET_B, name="B")]
    out = io.StringIO()
    path = write_csv(tmp_path / "b.csv", lines)
    call_command("import_profiles", str(path), "--rejects", str(tmp_path / "r.csv"), stdout=out)
    text = out.getvalue().splitlines()
    assert "ESSAI À BLANC" in text[0]
    assert text[1].startswith("  SUPPRESSIONS")
    assert "b.csv, ligne 2" in text[2] and "references" in text[2] and "Airbus" in text[2]
    assert text.index(next(t for t in text if "lignes lues" in t)) > 2
    out = io.StringIO()
    call_command("import_profiles", str(path), "--json", "--rejects", str(tmp_path / "r.csv"), stdout=out)
    assert json.loads(out.getvalue())["removals"][0]["fields"]["references"]
