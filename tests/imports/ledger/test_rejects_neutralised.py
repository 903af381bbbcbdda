"""Every import's rejects file is opened in a spreadsheet by whoever fixes the source file:
what the file said comes back as text, never as a formula (CSV injection)."""

import csv

from tests.imports.ledger.test_import_ledger import ledger, run
from tests.imports.ledger.test_import_ledger import world as world

FORMULA = '=HYPERLINK("http://attaquant.example/","Cliquez")'


def test_ledger_rejects_file_neutralises_a_formula_in_a_rejected_value(world, tmp_path):
    rejects = tmp_path / "rejets.csv"
    path = ledger(tmp_path, world, extra=(f";W;{FORMULA};5;;2025",))
    run(path, world, "--rejects", str(rejects))
    with open(rejects, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    (rejected,) = [r for r in rows if r["reason"] == "unknown_commune"]
    assert rejected["value"].startswith("'=HYPERLINK(")
    assert not rejected["line"].startswith("'")
