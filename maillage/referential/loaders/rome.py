"""France Travail ROME 4.0 « RefRomeCsv »: fiches and their professional domains.

``unix_referentiel_code_rome_v*.csv`` lists the fiches (``code_rome``, ``code_ogr``,
``libelle_rome``, ``code_rome_parent``); ``unix_cr_gd_dp_v*.csv`` places each fiche in its
grand domaine (letter) and domaine professionnel (letter + 2 digits). Both are quoted CSV.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from maillage.referential.loaders.base import SourceFile, check_code, check_text, csv_rows

FICHE_COLUMNS = ("code_rome", "code_ogr", "libelle_rome", "code_rome_parent")
DOMAIN_COLUMNS = (
    "code_rome",
    "code_grand_domaine",
    "libelle_grand_domaine",
    "code_domaine_professionel",  # sic: France Travail's spelling
    "libelle_domaine_professionel",
)
ROME_CODE = re.compile(r"[A-N]\d{4}")
_OGR_CODE = re.compile(r"\d{1,10}")
_GRAND_DOMAIN = re.compile(r"[A-N]")
_DOMAIN = re.compile(r"[A-N]\d{2}")


@dataclass(frozen=True, slots=True)
class RomeFicheRecord:
    line: int
    code: str
    ogr_code: str
    label: str
    parent: str | None


@dataclass(frozen=True, slots=True)
class RomeDomainRecord:
    line: int
    code: str
    grand_domain: str
    grand_domain_label: str
    domain: str
    domain_label: str


def parse_rome_fiches(source: SourceFile) -> Iterator[RomeFicheRecord]:
    for row in csv_rows(source, columns=FICHE_COLUMNS):
        code = check_code(source, row["code_rome"], ROME_CODE, line=row.line, field="code_rome")
        parent = row["code_rome_parent"]
        if parent:
            check_code(source, parent, ROME_CODE, line=row.line, field="code_rome_parent")
        yield RomeFicheRecord(
            row.line,
            code,
            check_code(source, row["code_ogr"], _OGR_CODE, line=row.line, field="code_ogr"),
            check_text(source, row["libelle_rome"], line=row.line, field="libelle_rome", max_length=255),
            # A main fiche names itself as its parent.
            parent if parent and parent != code else None,
        )


def parse_rome_domains(source: SourceFile) -> Iterator[RomeDomainRecord]:
    for row in csv_rows(source, columns=DOMAIN_COLUMNS):
        yield RomeDomainRecord(
            row.line,
            check_code(source, row["code_rome"], ROME_CODE, line=row.line, field="code_rome"),
            check_code(
                source, row["code_grand_domaine"], _GRAND_DOMAIN, line=row.line, field="code_grand_domaine"
            ),
            check_text(
                source,
                row["libelle_grand_domaine"],
                line=row.line,
                field="libelle_grand_domaine",
                max_length=255,
            ),
            check_code(
                source,
                row["code_domaine_professionel"],
                _DOMAIN,
                line=row.line,
                field="code_domaine_professionel",
            ),
            check_text(
                source,
                row["libelle_domaine_professionel"],
                line=row.line,
                field="libelle_domaine_professionel",
                max_length=255,
            ),
        )
