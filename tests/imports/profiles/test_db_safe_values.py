"""Issue 12, item 9 for import-profiles: values both databases accept, or a rejection with a reason."""

import pytest

from maillage.directory.models import Establishment
from tests.imports.profiles.helpers import SIRET_B, import_profiles, read_rejects, row, write_csv
from tests.imports.profiles.test_import import GOOD


@pytest.mark.parametrize(
    ("values", "column", "detail"),
    [
        ({"description": "Usinage\x00 de précision"}, "description", "NUL"),
        ({"name": "Usine\x00"}, "name", "NUL"),
        ({"capabilities": "fraisage\x00"}, "capabilities", "NUL"),
        ({"name": "U" * 300}, "name", "300 caractères pour 255 au plus"),
        ({"references": "C" * 250}, "references", "250 caractères pour 200 au plus"),
        ({"references": "Airbus: " + "P" * 400}, "references", "400 caractères pour 300 au plus"),
        (
            {"certifications": "EN9100 (organisme: " + "B" * 250 + ")"},
            "certifications",
            "250 caractères pour 200 au plus",
        ),
        ({"equipment": "3000000000 × presse hydraulique 300 t"}, "equipment", "3000000000"),
    ],
)
@pytest.mark.parametrize("wet", [False, True])
def test_values_a_database_would_refuse_are_rejected_dry_and_wet(
    setting, tmp_path, values, column, detail, wet
):
    bad = {**row(siret=SIRET_B, name="B"), **values}
    path = write_csv(tmp_path / "bad.csv", [GOOD, bad])
    report = import_profiles(path, *(["--wet-run"] if wet else []), rejects=tmp_path / "r.csv")
    assert report["rejected"] == {"invalid_value": 1}
    (reject,) = read_rejects(tmp_path / "r.csv")
    assert (reject["line"], reject["column"]) == ("3", column)
    assert detail in reject["detail"]
    if wet:
        assert Establishment.objects.count() == 1


def test_coordinates_that_are_not_finite_are_rejected(setting, tmp_path):
    bad = {**row(siret=SIRET_B, name="B"), "latitude": "nan", "longitude": "inf"}
    report = import_profiles(write_csv(tmp_path / "bad.csv", [bad]), "--wet-run", rejects=tmp_path / "r.csv")
    assert report["rejected"] == {"bad_coordinates": 1}
