"""Etalab « découpage administratif » (COG INSEE, EPCI DGCL): regions, departments, EPCI, communes.

The files are the JSON arrays of the npm package ``@etalab/decoupage-administratif``
(one object per line). Commune objects come in four types; arrondissements municipaux
point to their commune with ``commune``, delegated and associated communes with ``chefLieu``.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.referential.loaders.base import SourceFile, check_code, check_text, json_array

REGION_CODE = re.compile(r"\d{2,3}")
DEPARTMENT_CODE = re.compile(r"\d{2,3}|2[AB]")
INSEE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")
POSTAL_CODE = re.compile(r"\d{5}")
SIREN = re.compile(r"\d{9}")
EPCI_KINDS = {"CC", "CA", "CU", "METRO", "MET69"}
COMMUNE_KINDS = {"commune-actuelle", "arrondissement-municipal", "commune-deleguee", "commune-associee"}


@dataclass(frozen=True, slots=True)
class RegionRecord:
    line: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DepartmentRecord:
    line: int
    code: str
    name: str
    region: str


@dataclass(frozen=True, slots=True)
class EpciRecord:
    line: int
    siren: str
    name: str
    kind: str
    population: int | None
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommuneRecord:
    line: int
    code: str
    name: str
    kind: str
    parent: str | None
    department: str
    region: str
    population: int | None
    postal_codes: tuple[str, ...]
    former_codes: tuple[str, ...]


def _name(source: SourceFile, item, *, max_length: int) -> str:
    return check_text(source, item.get(source, "nom"), line=item.line, field="nom", max_length=max_length)


def _code(source: SourceFile, item, key: str, pattern: re.Pattern) -> str:
    return check_code(source, item.get(source, key), pattern, line=item.line, field=key)


def _population(source: SourceFile, item, key: str) -> int | None:
    value = item.get(source, key, required=False, kind=int)
    if value is not None and value < 0:
        raise source.error(_("population négative"), line=item.line, field=key)
    return value


def parse_regions(source: SourceFile) -> Iterator[RegionRecord]:
    for item in json_array(source):
        yield RegionRecord(
            item.line, _code(source, item, "code", REGION_CODE), _name(source, item, max_length=100)
        )


def parse_departments(source: SourceFile) -> Iterator[DepartmentRecord]:
    for item in json_array(source):
        yield DepartmentRecord(
            item.line,
            _code(source, item, "code", DEPARTMENT_CODE),
            _name(source, item, max_length=100),
            _code(source, item, "region", REGION_CODE),
        )


def parse_epcis(source: SourceFile) -> Iterator[EpciRecord]:
    for item in json_array(source):
        kind = item.get(source, "type")
        if kind not in EPCI_KINDS:
            raise source.error(
                _("type d’EPCI inconnu : %(kind)r") % {"kind": kind}, line=item.line, field="type"
            )
        members = []
        for member in item.get(source, "membres", kind=list):
            code = member.get("code") if isinstance(member, dict) else None
            if not isinstance(code, str) or not INSEE_CODE.fullmatch(code):
                raise source.error(
                    _("membre sans code INSEE valide : %(member)r") % {"member": member},
                    line=item.line,
                    field="membres",
                )
            members.append(code)
        yield EpciRecord(
            item.line,
            _code(source, item, "code", SIREN),
            _name(source, item, max_length=200),
            kind,
            # Municipal population: the notion of the communes' ``population`` (DGCL's vintage
            # may lag INSEE's by a year, so the sums differ slightly).
            _population(source, item, "populationMunicipale"),
            tuple(members),
        )


def parse_communes(source: SourceFile) -> Iterator[CommuneRecord]:
    for item in json_array(source):
        kind = item.get(source, "type")
        if kind not in COMMUNE_KINDS:
            raise source.error(
                _("type de commune inconnu : %(kind)r") % {"kind": kind}, line=item.line, field="type"
            )
        parent = None
        if kind == "arrondissement-municipal":
            parent = _code(source, item, "commune", INSEE_CODE)
        elif kind != "commune-actuelle":
            parent = _code(source, item, "chefLieu", INSEE_CODE)
        postal_codes = item.get(source, "codesPostaux", required=False, kind=list) or []
        former_codes = item.get(source, "anciensCodes", required=False, kind=list) or []
        for key, values in (("codesPostaux", postal_codes), ("anciensCodes", former_codes)):
            pattern = POSTAL_CODE if key == "codesPostaux" else INSEE_CODE
            for value in values:
                if not isinstance(value, str) or not pattern.fullmatch(value):
                    raise source.error(
                        _("code mal formé : %(value)r") % {"value": value}, line=item.line, field=key
                    )
        yield CommuneRecord(
            line=item.line,
            code=_code(source, item, "code", INSEE_CODE),
            name=_name(source, item, max_length=100),
            kind=kind,
            parent=parent,
            department=_code(source, item, "departement", DEPARTMENT_CODE),
            region=_code(source, item, "region", REGION_CODE),
            population=_population(source, item, "population"),
            postal_codes=tuple(sorted(set(postal_codes))),
            former_codes=tuple(former_codes),
        )
