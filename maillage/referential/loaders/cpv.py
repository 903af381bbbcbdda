"""EU Common Procurement Vocabulary (CPV 2008, regulation (EC) 213/2008), French labels.

``CODE,FR`` with codes such as ``42600000-2``: 8 significant digits, a dash, a check digit.
The hierarchy is in the digits: a code's parent is the code with its last non-zero digit
zeroed, walking further up when that code does not exist (the tree skips some levels).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.referential.loaders.base import SourceFile, check_code, check_text, csv_rows

COLUMNS = ("CODE", "FR")
_CODE = re.compile(r"\d{8}-\d")


@dataclass(frozen=True, slots=True)
class CpvRecord:
    line: int
    code: str
    check_digit: str
    label: str


def cpv_ancestors(code: str) -> Iterator[str]:
    """``42612000`` → ``42610000``, ``42600000``, ``42000000``: the divisions (2 digits) are roots."""
    digits = code.rstrip("0")
    while len(digits) > 2:
        # The division keeps both digits even when the second is a zero (30000000).
        digits = digits[:-1].rstrip("0").ljust(2, "0")
        yield digits.ljust(8, "0")


def cpv_parent(code: str, known: set[str] | dict) -> str | None:
    return next((ancestor for ancestor in cpv_ancestors(code) if ancestor in known), None)


def parse_cpv(source: SourceFile) -> Iterator[CpvRecord]:
    seen: set[str] = set()
    for row in csv_rows(source, columns=COLUMNS):
        code, check_digit = check_code(source, row["CODE"], _CODE, line=row.line, field="CODE").split("-")
        if code in seen:
            raise source.error(_("code en double : %(code)s") % {"code": code}, line=row.line, field="CODE")
        seen.add(code)
        yield CpvRecord(
            row.line,
            code,
            check_digit,
            check_text(source, row["FR"], line=row.line, field="FR", max_length=400),
        )
