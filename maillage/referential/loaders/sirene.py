"""SIRENE code lists: headcount bands (« tranches d’effectifs ») and legal categories.

``tranches_effectifs_sirene.csv``: ``code,libelle,effectif_min,effectif_max`` (codes ``NN``,
``00``…``53``). ``categories_juridiques.tsv``: ``code£label`` with no header, levels 1, 2
and 3 written with 1, 2 and 4 digits; a level's parent is the code's first 1 or 2 digits.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.referential.loaders.base import SourceFile, check_code, check_text, csv_rows, parse_int

HEADCOUNT_COLUMNS = ("code", "libelle", "effectif_min", "effectif_max")
LEGAL_CATEGORY_COLUMNS = ("code", "libellé")
_HEADCOUNT_CODE = re.compile(r"NN|\d{2}")
_LEGAL_CATEGORY_CODE = re.compile(r"\d|\d{2}|\d{4}")
_LEGAL_CATEGORY_PARENT = {1: None, 2: 1, 4: 2}  # code length -> parent's code length


@dataclass(frozen=True, slots=True)
class HeadcountBandRecord:
    line: int
    code: str
    label: str
    min_employees: int | None
    max_employees: int | None


@dataclass(frozen=True, slots=True)
class LegalCategoryRecord:
    line: int
    code: str
    label: str
    level: int
    parent: str | None


def parse_headcount_bands(source: SourceFile) -> Iterator[HeadcountBandRecord]:
    for row in csv_rows(source, columns=HEADCOUNT_COLUMNS):
        low = parse_int(source, row["effectif_min"], line=row.line, field="effectif_min")
        high = parse_int(source, row["effectif_max"], line=row.line, field="effectif_max")
        if low is not None and high is not None and low > high:
            raise source.error(_("minimum supérieur au maximum"), line=row.line, field="effectif_max")
        yield HeadcountBandRecord(
            row.line,
            check_code(source, row["code"], _HEADCOUNT_CODE, line=row.line, field="code"),
            check_text(source, row["libelle"], line=row.line, field="libelle", max_length=255),
            low,
            high,
        )


def parse_legal_categories(source: SourceFile) -> Iterator[LegalCategoryRecord]:
    seen: set[str] = set()
    for row in csv_rows(source, columns=LEGAL_CATEGORY_COLUMNS, delimiter="£", header=False):
        code = check_code(source, row["code"], _LEGAL_CATEGORY_CODE, line=row.line, field="code")
        parent_length = _LEGAL_CATEGORY_PARENT[len(code)]
        parent = code[:parent_length] if parent_length else None
        if parent is not None and parent not in seen:
            raise source.error(
                _("catégorie parente %(parent)s absente ou placée après") % {"parent": parent},
                line=row.line,
                field="code",
            )
        seen.add(code)
        yield LegalCategoryRecord(
            row.line,
            code,
            check_text(source, row["libellé"], line=row.line, field="libellé", max_length=255),
            {1: 1, 2: 2, 4: 3}[len(code)],
            parent,
        )
