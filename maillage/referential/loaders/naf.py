"""INSEE NAF rév. 2 « intitulés courts » (int_courts_naf_rev_2.csv): the five levels in one file.

``ligne;Code;<full label>;<65-char label>;<40-char label>``. The header spans two physical
lines (quoted cells with line breaks), blank ``n;;;;`` lines separate the blocks, and sections
are written ``SECTION A``. Codes come in tree order, so each code's parent is already known.
INSEE publishes the file in CP1252; a UTF-8 transcoding is accepted too.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.referential.loaders.base import SourceFile, check_text, csv_rows

CODE, LABEL, SHORT_LABEL = (
    "Code",
    "Intitulés de la NAF rév. 2, version finale",
    "Intitulés NAF rév. 2, en 65 caractères",
)
COLUMNS = (CODE, LABEL, SHORT_LABEL)
ENCODINGS = ("utf-8", "cp1252")

_SECTION = re.compile(r"SECTION ([A-U])")
_LEVELS = (  # level, pattern, length of the parent's code
    (2, re.compile(r"\d{2}"), None),
    (3, re.compile(r"\d{2}\.\d"), 2),
    (4, re.compile(r"\d{2}\.\d{2}"), 4),
    (5, re.compile(r"\d{2}\.\d{2}[A-Z]"), 5),
)


@dataclass(frozen=True, slots=True)
class NafRecord:
    line: int
    code: str
    level: int
    label: str
    short_label: str
    parent: str | None
    section: str


def _normalize_header(cell: str) -> str:
    return " ".join(cell.split())


def parse_naf(source: SourceFile) -> Iterator[NafRecord]:
    seen: dict[str, str] = {}  # code -> section
    section = None
    for row in csv_rows(
        source, columns=COLUMNS, delimiter=";", encodings=ENCODINGS, header_normalizer=_normalize_header
    ):
        code = row[CODE]
        if not code:
            continue  # separator line: only the running line number is filled
        label = check_text(source, row[LABEL], line=row.line, field=LABEL, max_length=255)
        short_label = check_text(source, row[SHORT_LABEL], line=row.line, field=SHORT_LABEL, max_length=65)
        if match := _SECTION.fullmatch(code):
            section = match.group(1)
            record = NafRecord(row.line, section, 1, label, short_label, None, section)
        else:
            matched = next(
                ((lvl, length) for lvl, pattern, length in _LEVELS if pattern.fullmatch(code)), None
            )
            if matched is None:
                raise source.error(
                    _("code NAF mal formé : %(code)r") % {"code": code}, line=row.line, field=CODE
                )
            level, parent_length = matched
            if section is None:
                raise source.error(_("code placé avant toute section"), line=row.line, field=CODE)
            parent = section if parent_length is None else code[:parent_length]
            if seen.get(parent) != section:
                raise source.error(
                    _("le parent %(parent)s de %(code)s ne le précède pas dans la section %(section)s")
                    % {"parent": parent, "code": code, "section": section},
                    line=row.line,
                    field=CODE,
                )
            record = NafRecord(row.line, code, level, label, short_label, parent, section)
        if record.code in seen:
            raise source.error(_("code en double : %(code)s") % {"code": code}, line=row.line, field=CODE)
        seen[record.code] = section
        yield record
