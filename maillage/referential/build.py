"""Turn parsed records into the rows of each referential model, checking cross-file references.

Pure Python, no database access: everything is parsed and validated here before the
service opens its transaction, so a broken file leaves the database untouched.
"""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.referential import sources
from maillage.referential.loaders.base import SourceFile
from maillage.referential.loaders.cog import parse_communes, parse_departments, parse_epcis, parse_regions
from maillage.referential.loaders.cpv import cpv_parent, parse_cpv
from maillage.referential.loaders.laposte import parse_postal_points
from maillage.referential.loaders.naf import parse_naf
from maillage.referential.loaders.rome import parse_rome_domains, parse_rome_fiches
from maillage.referential.loaders.sirene import parse_headcount_bands, parse_legal_categories
from maillage.referential.models import (
    Commune,
    CpvCode,
    Department,
    Epci,
    HeadcountBand,
    LegalCategory,
    NafCode,
    PostalCode,
    Region,
    RomeCode,
)
from maillage.referential.text import normalize_name

# Paris, Lyon and Marseille: La Poste lists only their arrondissements.
MUNICIPAL_DISTRICT_CITIES = {"75056", "69123", "13055"}
COORDINATE_DECIMALS = 6  # about 0.1 m: stable across runs and databases


@dataclass
class Table:
    """The complete wanted content of one model: rows by key, values by attribute name."""

    model: type[models.Model]
    rows: dict[Any, dict[str, Any]]
    # Natural key for models whose primary key is a surrogate (PostalCode).
    key_fields: tuple[str, ...] | None = None


@dataclass
class Built:
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _unique(source: SourceFile, records: Iterable, key: Callable, what: str = "code") -> dict:
    result = {}
    for record in records:
        value = key(record)
        if value in result:
            raise source.error(
                _("code en double : %(code)s (déjà ligne %(line)d)")
                % {"code": value, "line": result[value].line},
                line=record.line,
                field=what,
            )
        result[value] = record
    return result


def _check_reference(source: SourceFile, record, value, known, field_name: str) -> None:
    if value is not None and value not in known:
        raise source.error(
            _("référence inconnue : %(value)s") % {"value": value}, line=record.line, field=field_name
        )


def _median_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def _communes(communes_file, departments, regions) -> tuple[dict[str, Any], dict[str, Any], int]:
    """Current communes and arrondissements by code, the delegated and associated communes kept,
    and how many of those were shadowed by their commune nouvelle's code."""
    current: dict[str, Any] = {}
    others = []  # delegated and associated communes
    for record in parse_communes(communes_file):
        _check_reference(communes_file, record, record.department, departments, "departement")
        _check_reference(communes_file, record, record.region, regions, "region")
        if record.kind in (Commune.Kind.CURRENT, Commune.Kind.MUNICIPAL_DISTRICT):
            if record.code in current:
                raise communes_file.error(
                    _("code en double : %(code)s") % {"code": record.code}, line=record.line, field="code"
                )
            current[record.code] = record
        else:
            others.append(record)
    for record in current.values():
        _check_reference(communes_file, record, record.parent, current, "commune")
        if record.parent is not None and current[record.parent].kind != Commune.Kind.CURRENT:
            raise communes_file.error(
                _("la commune parente n’est pas une commune"), line=record.line, field="commune"
            )
    # A commune nouvelle often keeps the code of one of its delegated communes: the code is
    # the primary key, so such a delegated commune cannot have a row of its own.
    kept_others = {}
    for record in others:
        _check_reference(communes_file, record, record.parent, current, "chefLieu")
        if record.code not in current and record.code not in kept_others:
            kept_others[record.code] = record
    shadowed = len(others) - len(kept_others)

    return current, kept_others, shadowed


def _epci_of(epcis_file, epcis, current) -> dict[str, str]:
    epci_of: dict[str, str] = {}
    for epci in epcis.values():
        for member in epci.members:
            if member not in current:
                raise epcis_file.error(
                    _("commune membre inconnue : %(code)s") % {"code": member},
                    line=epci.line,
                    field="membres",
                )
            if member in epci_of:
                raise epcis_file.error(
                    _("commune %(code)s déjà membre de l’EPCI %(epci)s")
                    % {"code": member, "epci": epci_of[member]},
                    line=epci.line,
                    field="membres",
                )
            epci_of[member] = epci.siren
    for code, record in current.items():
        if record.kind == Commune.Kind.MUNICIPAL_DISTRICT and record.parent in epci_of:
            # SIRENE places establishments in arrondissements: give them their city's EPCI.
            epci_of[code] = epci_of[record.parent]

    return epci_of


def _postal_points(laposte_file, current, kept_others):
    """La Poste's points by INSEE code, the (postal code, commune) pairs, the unresolved codes."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    postal_pairs: set[tuple[str, str]] = set()
    successor = {former: record.code for record in current.values() for former in record.former_codes}
    unresolved_postal: set[str] = set()
    for point in parse_postal_points(laposte_file):
        if point.latitude is not None:
            points[point.insee_code].append((point.latitude, point.longitude))
        # La Poste 2020 still lists communes merged since: file their postal codes under today's commune.
        if point.insee_code in current:
            target = point.insee_code
        elif point.insee_code in kept_others:
            target = kept_others[point.insee_code].parent
        else:
            target = successor.get(point.insee_code)
        if target is None:
            unresolved_postal.add(point.insee_code)
        else:
            postal_pairs.add((point.postal_code, target))

    return points, postal_pairs, unresolved_postal


def _coordinates(current, kept_others, points) -> dict[str, tuple[float, float] | None]:
    coordinates: dict[str, tuple[float, float] | None] = {}
    for code, record in current.items():
        point = _median_point(points.get(code, []))
        if point is None and record.former_codes:
            point = _median_point([p for former in record.former_codes for p in points.get(former, [])])
        coordinates[code] = point
    for city in MUNICIPAL_DISTRICT_CITIES & current.keys():
        # Mean of every La Poste point of the arrondissements, as in the derived
        # communes_2026_geo_epci.csv: La Poste files these cities by arrondissement only.
        district_points = [p for c, r in current.items() if r.parent == city for p in points.get(c, [])]
        if district_points:
            coordinates[city] = (
                statistics.fmean(p[0] for p in district_points),
                statistics.fmean(p[1] for p in district_points),
            )
    for code in kept_others:
        coordinates[code] = _median_point(points.get(code, []))

    return coordinates


def build_communes(source: sources.Source) -> Built:
    regions_file, departments_file = source.file(sources.REGIONS), source.file(sources.DEPARTMENTS)
    epcis_file, communes_file = source.file(sources.EPCIS), source.file(sources.COMMUNES)
    laposte_file = source.file(sources.LAPOSTE)

    regions = _unique(regions_file, parse_regions(regions_file), lambda r: r.code)
    departments = _unique(departments_file, parse_departments(departments_file), lambda r: r.code)
    for department in departments.values():
        _check_reference(departments_file, department, department.region, regions, "region")
    epcis = _unique(epcis_file, parse_epcis(epcis_file), lambda r: r.siren)

    current, kept_others, shadowed = _communes(communes_file, departments, regions)

    epci_of = _epci_of(epcis_file, epcis, current)

    points, postal_pairs, unresolved_postal = _postal_points(laposte_file, current, kept_others)

    coordinates = _coordinates(current, kept_others, points)

    commune_rows = {}
    for code, record in [*current.items(), *kept_others.items()]:
        point = coordinates[code]
        commune_rows[code] = {
            "insee_code": code,
            "name": record.name,
            "search_name": normalize_name(record.name)[:100],
            "kind": record.kind,
            "parent_id": record.parent,
            "department_id": record.department,
            "region_id": record.region,
            "epci_id": epci_of.get(code),
            "population": record.population,
            "latitude": round(point[0], COORDINATE_DECIMALS) if point else None,
            "longitude": round(point[1], COORDINATE_DECIMALS) if point else None,
            "postal_codes": list(record.postal_codes),
        }
        for postal_code in record.postal_codes:
            target = (
                code
                if record.kind in (Commune.Kind.CURRENT, Commune.Kind.MUNICIPAL_DISTRICT)
                else record.parent
            )
            postal_pairs.add((postal_code, target))

    without_point = sorted(
        c for c, r in current.items() if r.kind == Commune.Kind.CURRENT and not coordinates[c]
    )
    notes = [
        ngettext(
            "%(count)d commune sans point La Poste, donc sans coordonnées (%(sample)s)",
            "%(count)d communes sans point La Poste, donc sans coordonnées (%(sample)s)",
            len(without_point),
        )
        % {
            "count": len(without_point),
            "sample": ", ".join(without_point[:8]) + ("…" if len(without_point) > 8 else ""),
        },
        _("%(count)d communes déléguées ou associées non conservées : même code que leur commune nouvelle")
        % {"count": shadowed},
    ]
    if unresolved_postal:
        notes.append(
            _("codes INSEE La Poste sans commune en 2026, codes postaux ignorés : %(codes)s")
            % {"codes": ", ".join(sorted(unresolved_postal))}
        )
    built = Built(notes=notes)
    built.tables = [
        Table(Region, {r.code: {"code": r.code, "name": r.name} for r in regions.values()}),
        Table(
            Department,
            {d.code: {"code": d.code, "name": d.name, "region_id": d.region} for d in departments.values()},
        ),
        Table(
            Epci,
            {
                e.siren: {"siren": e.siren, "name": e.name, "kind": e.kind, "population": e.population}
                for e in epcis.values()
            },
        ),
        Table(Commune, commune_rows),
        Table(
            PostalCode,
            {pair: {"code": pair[0], "commune_id": pair[1]} for pair in sorted(postal_pairs)},
            key_fields=("code", "commune_id"),
        ),
    ]
    return built


def build_naf(source: sources.Source) -> Built:
    naf_file = source.file(sources.NAF)
    records = _unique(naf_file, parse_naf(naf_file), lambda r: r.code)
    rows = {
        r.code: {
            "code": r.code,
            "level": r.level,
            "label": r.label,
            "short_label": r.short_label,
            "parent_id": r.parent,
            "section": r.section,
        }
        for r in records.values()
    }
    return Built([Table(NafCode, rows)])


def build_headcount_bands(source: sources.Source) -> Built:
    bands_file = source.file(sources.HEADCOUNT_BANDS)
    records = _unique(bands_file, parse_headcount_bands(bands_file), lambda r: r.code)
    rows = {
        r.code: {
            "code": r.code,
            "label": r.label,
            "min_employees": r.min_employees,
            "max_employees": r.max_employees,
        }
        for r in records.values()
    }
    return Built([Table(HeadcountBand, rows)])


def build_legal_categories(source: sources.Source) -> Built:
    categories_file = source.file(sources.LEGAL_CATEGORIES)
    records = _unique(categories_file, parse_legal_categories(categories_file), lambda r: r.code)
    rows = {
        r.code: {"code": r.code, "label": r.label, "level": r.level, "parent_id": r.parent}
        for r in records.values()
    }
    return Built([Table(LegalCategory, rows)])


def build_rome(source: sources.Source) -> Built:
    fiches_file, domains_file = source.file(sources.ROME_FICHES), source.file(sources.ROME_DOMAINS)
    fiches = _unique(fiches_file, parse_rome_fiches(fiches_file), lambda r: r.code, "code_rome")
    domains = _unique(domains_file, parse_rome_domains(domains_file), lambda r: r.code, "code_rome")
    for fiche in fiches.values():
        _check_reference(fiches_file, fiche, fiche.parent, fiches, "code_rome_parent")
    for domain in domains.values():
        _check_reference(domains_file, domain, domain.code, fiches, "code_rome")
    rows = {}
    for code, fiche in fiches.items():
        domain = domains.get(code)
        rows[code] = {
            "code": code,
            "ogr_code": fiche.ogr_code,
            "label": fiche.label,
            "parent_id": fiche.parent,
            "grand_domain": domain.grand_domain if domain else "",
            "grand_domain_label": domain.grand_domain_label if domain else "",
            "professional_domain": domain.domain if domain else "",
            "professional_domain_label": domain.domain_label if domain else "",
        }
    notes = []
    if missing := len(fiches) - len(domains.keys() & fiches.keys()):
        notes.append(_("%(count)d fiches ROME sans domaine professionnel") % {"count": missing})
    return Built([Table(RomeCode, rows)], notes)


def build_cpv(source: sources.Source) -> Built:
    cpv_file = source.file(sources.CPV)
    records = {r.code: r for r in parse_cpv(cpv_file)}
    rows = {
        code: {
            "code": code,
            "check_digit": r.check_digit,
            "label": r.label,
            "parent_id": cpv_parent(code, records),
        }
        for code, r in records.items()
    }
    return Built([Table(CpvCode, rows)])


@dataclass(frozen=True)
class Dataset:
    build: Callable[[sources.Source], Built]
    models: tuple[type[models.Model], ...]


# Name accepted by ``--only`` -> dataset, in the order the models depend on each other.
DATASETS: dict[str, Dataset] = {
    "communes": Dataset(build_communes, (Region, Department, Epci, Commune, PostalCode)),
    "naf": Dataset(build_naf, (NafCode,)),
    "headcount-bands": Dataset(build_headcount_bands, (HeadcountBand,)),
    "legal-categories": Dataset(build_legal_categories, (LegalCategory,)),
    "rome": Dataset(build_rome, (RomeCode,)),
    "cpv": Dataset(build_cpv, (CpvCode,)),
}
