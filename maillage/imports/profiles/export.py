"""Write the profiles of a network in the spreadsheet format that ``import-profiles`` reads.

Free-text columns are written with the taxonomy's French labels when a label maps back to
the same node in its column, else with the code; equipment carries its code and its measures
explicitly. Importing the written file therefore changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from maillage import downloads
from maillage.directory.models import Establishment, Membership, Network
from maillage.imports.profiles.cells import (
    format_certifications,
    format_codes,
    format_equipment,
    format_references,
)
from maillage.imports.profiles.reader import COLUMNS
from maillage.profiles.selectors import profile_snapshot
from maillage.taxonomy.mapping import TaxonomyMapper


def _coordinate(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def export_rows(network: Network) -> list[dict[str, str]]:
    mapper = TaxonomyMapper.from_database()
    establishments = (
        Establishment.objects.filter(memberships__network=network)
        .exclude(memberships__network=network, memberships__status=Membership.Status.FORMER)
        .select_related("organisation")
        .distinct()
        .order_by("siret")
    )
    rows = []
    for establishment in establishments:
        snapshot = profile_snapshot(establishment)
        rows.append(
            {
                "siret": establishment.siret,
                "name": establishment.name or establishment.organisation.name,
                "naf": establishment.naf_id or "",
                "commune_insee": establishment.commune_id or "",
                "latitude": _coordinate(establishment.latitude),
                "longitude": _coordinate(establishment.longitude),
                "headcount_band": establishment.headcount_band_id or "",
                "description": snapshot.description,
                "capabilities": format_codes(snapshot.capabilities, "capabilities", mapper),
                "certifications": format_certifications(snapshot.certifications, mapper),
                "equipment": format_equipment(snapshot.equipment),
                "sectors": format_codes(snapshot.sectors, "sectors", mapper),
                "references": format_references(snapshot.references),
            }
        )
    return rows


def write_rows(rows: list[dict[str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = [[row[column] for column in COLUMNS] for row in rows]
    if path.suffix.lower() == ".xlsx":
        book = downloads.workbook()
        sheet = book.active
        sheet.title = "profils"
        downloads.append(sheet, COLUMNS)
        for row in table:
            # Identifiers stay text, so that a spreadsheet program keeps their leading zeros.
            for cell in downloads.append(sheet, row):
                cell.number_format = "@"
        path.write_bytes(downloads.xlsx_bytes(book))
        return
    path.write_bytes(downloads.csv_bytes(COLUMNS, table))
