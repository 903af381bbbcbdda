"""Build small StockEtablissement files from the 7 real rows, and run the command."""

import csv
import io
import json
from pathlib import Path

from django.core.management import call_command

from maillage.directory.synthetic import siret_make
from maillage.imports.sirene.schema import ETABLISSEMENT_COLUMNS
from tests.imports.referential import STOCK_EXTRACT

COL = {name: i for i, name in enumerate(ETABLISSEMENT_COLUMNS)}


def real_rows() -> list[list[str]]:
    with open(STOCK_EXTRACT, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == ETABLISSEMENT_COLUMNS
    return rows[1:]


def variant(row: list[str], sequence: int, **changes: str) -> list[str]:
    """A copy of a real row with a new valid SIRET (same SIREN) and some fields changed."""
    out = list(row)
    siret = siret_make(out[COL["siren"]], sequence)
    out[COL["siret"]], out[COL["nic"]] = siret, siret[9:]
    for name, value in changes.items():
        out[COL[name]] = value
    return out


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ETABLISSEMENT_COLUMNS)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def import_sirene(*args, rejects: Path | None = None) -> dict:
    out = io.StringIO()
    extra = ["--rejects", str(rejects)] if rejects else []
    call_command("import_sirene", *map(str, args), *extra, "--json", stdout=out)
    return json.loads(out.getvalue())


def read_rejects(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
