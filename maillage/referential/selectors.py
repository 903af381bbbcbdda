"""Reads of the referential for other apps: resolve what a person or a file calls a commune."""

import re
from dataclasses import dataclass, field
from typing import Literal

from maillage.referential.models import Commune, PostalCode
from maillage.referential.text import normalize_name

_INSEE = re.compile(r"\d{5}|2[AB]\d{3}", re.IGNORECASE)
_POSTAL = re.compile(r"\d{5}")
# "Saint-Denis (93)", "Saint-Denis (974)": a department code in brackets narrows a name.
_DEPARTMENT_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<department>\d{2,3}|2[AB])\)\s*$", re.IGNORECASE)
MAX_CANDIDATES = 50


@dataclass(frozen=True)
class CommuneResolution:
    """``commune`` is set when the text designates one commune; ``candidates`` lists every match.

    ``matched_by`` says how: ``"insee"``, ``"postal_code"``, ``"insee|postal_code"`` (both
    readings matched), ``"name"``, ``"postal_code+name"``, or ``""`` when nothing matched.
    """

    commune: Commune | None
    candidates: list[Commune] = field(default_factory=list)
    matched_by: str = ""

    @property
    def is_ambiguous(self) -> bool:
        return self.commune is None and len(self.candidates) > 1


def _base():
    return Commune.objects.select_related("department", "parent")


def _most_specific(communes: list[Commune]) -> list[Commune]:
    """Drop a city when one of its arrondissements also matched (75001 → Paris 1er, not Paris)."""
    parents = {c.parent_id for c in communes if c.kind == Commune.Kind.MUNICIPAL_DISTRICT}
    return [c for c in communes if c.insee_code not in parents]


def _by_postal_code(code: str) -> list[Commune]:
    ids = PostalCode.objects.filter(code=code).values("commune_id")
    return _most_specific(list(_base().filter(insee_code__in=ids).order_by("name")))


def _by_name(search_name: str, department: str | None = None) -> list[Commune]:
    queryset = _base().filter(search_name=search_name)
    if department:
        queryset = queryset.filter(department_id=department.upper())
    # Current communes and arrondissements first; a delegated or associated commune (a
    # former commune's name) only when no current one bears the name.
    found = list(
        queryset.exclude(kind__in=[Commune.Kind.DELEGATED, Commune.Kind.ASSOCIATED]).order_by("insee_code")
    )
    return found or list(queryset.order_by("insee_code"))


def _resolved(candidates: list[Commune], matched_by: str) -> CommuneResolution:
    candidates = candidates[:MAX_CANDIDATES]
    commune = candidates[0] if len(candidates) == 1 else None
    return CommuneResolution(commune, candidates, matched_by if candidates else "")


def commune_resolve(text: str, *, prefer: Literal["insee", "postal_code"] | None = None) -> CommuneResolution:
    """Resolve an INSEE code (``67180``, ``2A004``), a postal code (``67500``), a name
    (accents, case, hyphens and « St »/« Saint » ignored), ``"Name (67)"`` or ``"67500 Name"``.

    Five digits can be both: ``67500`` is Urmatt's INSEE code and Haguenau's postal code.
    When the two readings designate different communes the result is ambiguous (INSEE match
    first among the candidates) unless ``prefer`` is ``"insee"`` or ``"postal_code"``.
    """
    text = " ".join((text or "").split())
    if not text:
        return CommuneResolution(None)
    if _INSEE.fullmatch(text):
        by_insee = list(_base().filter(insee_code=text.upper()))
        by_postal = _by_postal_code(text) if _POSTAL.fullmatch(text) else []
        if prefer == "insee" and by_insee:
            return _resolved(by_insee, "insee")
        if prefer == "postal_code" and by_postal:
            return _resolved(by_postal, "postal_code")
        if by_insee and not [c for c in by_postal if c.insee_code != by_insee[0].insee_code]:
            return _resolved(by_insee, "insee")
        if not by_insee:
            return _resolved(by_postal, "postal_code")
        others = [c for c in by_postal if c.insee_code != by_insee[0].insee_code]
        return CommuneResolution(None, [*by_insee, *others][:MAX_CANDIDATES], "insee|postal_code")

    tokens = text.split()
    postal_codes = [token for token in tokens if _POSTAL.fullmatch(token)]
    if len(postal_codes) == 1 and len(tokens) > 1:
        rest = normalize_name(" ".join(token for token in tokens if token != postal_codes[0]))
        in_postal_code = _by_postal_code(postal_codes[0])
        matches = [
            c for c in in_postal_code if c.search_name == rest or (c.parent and c.parent.search_name == rest)
        ]
        if matches:
            return _resolved(matches, "postal_code+name")
        # The name contradicts the postal code: offer the postal code's communes, pick none.
        return CommuneResolution(
            None, in_postal_code[:MAX_CANDIDATES], "postal_code" if in_postal_code else ""
        )

    department = None
    if match := _DEPARTMENT_SUFFIX.match(text):
        text, department = match.group("name"), match.group("department")
    return _resolved(_by_name(normalize_name(text), department), "name")
