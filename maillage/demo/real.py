"""Readers of the real companies and sites that the demo territory brings in.

Each reader yields :class:`RealOrganisation` / :class:`RealSite` records or
:class:`Rejection` (file, line, field, reason); it only parses and filters, the builder writes.
What "fits" the demo: an industrial activity (NAF sections C, D, E and the engineering and
R&D groups 71.1, 71.2, 72.1) located in Alsace (departments 67 and 68) — the network's own
territory is a subset, checked by the builder against the commune referential.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from maillage.directory.synthetic import naf_section

INDUSTRIAL_SECTIONS = frozenset("CDE")
INDUSTRIAL_GROUPS = ("71.1", "71.2", "72.1")
ALSACE_DEPARTMENTS = frozenset({"67", "68"})

# Paths inside the data directory (the referential source directory by default).
SIRENE_EXTRACT = Path("sirene/stock_etablissement_extrait_format_2025.csv")
INDEX_EGALITE_SIRENS = Path("sirene/index_egalite_sirens_unites_legales.csv")
INDEX_EGALITE_NAMES = Path("sirene/index_egalite_fh_2022.csv")
BITD_SITES = Path("entreprises_bitd/etablissements.csv")


class DemoDataError(Exception):
    """A real data file is missing or not in the expected format."""


@dataclass(frozen=True)
class Rejection:
    path: Path
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}, ligne {self.line}, champ {self.field} : {self.reason}"


@dataclass(frozen=True)
class RealOrganisation:
    """A real legal unit whose sites are not known (only its department)."""

    siren: str
    name: str
    naf: str
    headcount_band: str
    size_category: str
    creation_date: date | None
    department: str


@dataclass(frozen=True)
class RealSite:
    """A real establishment with a real SIRET and a real commune."""

    siret: str
    organisation_name: str
    name: str
    naf: str | None
    headcount_band: str | None
    insee_code: str | None
    commune_name: str
    department: str
    latitude: float | None
    longitude: float | None
    geo_precision: str  # "address" or "commune"
    street: str
    postal_code: str
    is_head_office: bool
    origin: str

    @property
    def siren(self) -> str:
        return self.siret[:9]


def is_industrial(naf: str | None) -> bool:
    if not naf:
        return False
    return naf_section(naf) in INDUSTRIAL_SECTIONS or naf.startswith(INDUSTRIAL_GROUPS)


def _rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; line 1 is the header, so the first row is line 2."""
    if not path.is_file():
        raise DemoDataError(f"{path} : fichier introuvable (option --data-dir).")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _require(path: Path, header: list[str], fields: set[str]) -> None:
    missing = fields - set(header)
    if missing:
        raise DemoDataError(f"{path} : colonnes manquantes {', '.join(sorted(missing))}.")


def _header(path: Path, delimiter: str = ",") -> list[str]:
    if not path.is_file():
        raise DemoDataError(f"{path} : fichier introuvable (option --data-dir).")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle, delimiter=delimiter), [])


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def index_egalite_organisations(data_dir: Path) -> Iterator[RealOrganisation | Rejection]:
    """Industrial legal units of Bas-Rhin: the 2022 SIRENE extract joined to the index's names.

    The index lists a company once per year and UES; the most recent year's name wins, and a
    "name" that is only digits (the index sometimes holds a SIRET there) is not a name.
    """
    names_path = data_dir / INDEX_EGALITE_NAMES
    _require(names_path, _header(names_path, ";"), {"Raison Sociale", "SIREN", "Année", "Département"})
    names: dict[str, tuple[str, str, str]] = {}
    for _line, row in _rows(names_path, ";"):
        name, siren, year = row["Raison Sociale"], row["SIREN"], row["Année"]
        if not siren or not name or name.replace(" ", "").isdigit():
            continue
        if siren not in names or year > names[siren][0]:
            names[siren] = (year, name, row["Département"])

    units_path = data_dir / INDEX_EGALITE_SIRENS
    _require(units_path, _header(units_path), {"siren", "activite_principale", "tranche_effectifs"})
    for line, row in _rows(units_path):
        siren = row["siren"]
        if siren not in names or names[siren][2] != "Bas-Rhin":
            continue
        if not is_industrial(row["activite_principale"]):
            continue
        if not stdnum_siren.is_valid(siren):
            yield Rejection(units_path, line, "siren", f"SIREN invalide {siren!r}")
            continue
        yield RealOrganisation(
            siren=siren,
            name=names[siren][1],
            naf=row["activite_principale"],
            headcount_band=row["tranche_effectifs"],
            size_category=row.get("categorie_entreprise", ""),
            creation_date=_date(row.get("date_creation", "")),
            department="67",
        )


def bitd_sites(data_dir: Path) -> Iterator[RealSite | Rejection]:
    """Defence-industry sites in Alsace that carry a real SIRET (located at the commune centre)."""
    path = data_dir / BITD_SITES
    _require(
        path, _header(path), {"siret", "ville", "code_departement", "entreprise", "latitude", "longitude"}
    )
    for line, row in _rows(path):
        if row["code_departement"] not in ALSACE_DEPARTMENTS:
            continue
        siret = row["siret"]
        if not siret:
            yield Rejection(path, line, "siret", "site sans SIRET connu : non repris")
            continue
        if not stdnum_siret.is_valid(siret):
            yield Rejection(path, line, "siret", f"SIRET invalide {siret!r}")
            continue
        naf = row.get("ape_sirene") or None
        if naf is not None and not is_industrial(naf):
            continue
        yield RealSite(
            siret=siret,
            organisation_name=row.get("raison_sociale_sirene") or row["entreprise"],
            name=row.get("entite") or row["entreprise"],
            naf=naf,
            headcount_band=None,
            insee_code=None,
            commune_name=row["ville"],
            department=row["code_departement"],
            latitude=float(row["latitude"]) if row["latitude"] else None,
            longitude=float(row["longitude"]) if row["longitude"] else None,
            geo_precision="commune",
            street="",
            postal_code="",
            is_head_office=row.get("est_siege_unite_legale_sirene") == "true",
            origin="bitd",
        )


def sirene_extract_sites(data_dir: Path) -> Iterator[RealSite | Rejection]:
    """Active industrial establishments of Alsace in the SIRENE stock extract (format 2025)."""
    path = data_dir / SIRENE_EXTRACT
    _require(
        path,
        _header(path),
        {
            "siret",
            "codeCommuneEtablissement",
            "activitePrincipaleEtablissement",
            "etatAdministratifEtablissement",
        },
    )
    for line, row in _rows(path):
        insee = row["codeCommuneEtablissement"]
        naf = row["activitePrincipaleEtablissement"]
        if insee[:2] not in ALSACE_DEPARTMENTS or row["etatAdministratifEtablissement"] != "A":
            continue
        # Old rows use the NAP nomenclature, whose codes look like NAF codes but are not.
        if row.get("nomenclatureActivitePrincipaleEtablissement") != "NAFRev2" or not is_industrial(naf):
            continue
        if not stdnum_siret.is_valid(row["siret"]):
            yield Rejection(path, line, "siret", f"SIRET invalide {row['siret']!r}")
            continue
        latitude = longitude = None
        x, y = (
            row.get("coordonneeLambertAbscisseEtablissement"),
            row.get("coordonneeLambertOrdonneeEtablissement"),
        )
        if x and y:
            longitude, latitude = _lambert93_to_wgs84(float(x), float(y))
        street = " ".join(
            part
            for part in (
                row.get("numeroVoieEtablissement"),
                row.get("typeVoieEtablissement"),
                row.get("libelleVoieEtablissement"),
            )
            if part
        )
        name = row.get("enseigne1Etablissement") or row.get("denominationUsuelleEtablissement") or ""
        yield RealSite(
            siret=row["siret"],
            # The establishment stock has no legal name: the unit's name is in StockUniteLegale.
            organisation_name=name or f"Unité légale {row['siret'][:9]}",
            name=name,
            naf=naf,
            headcount_band=row.get("trancheEffectifsEtablissement") or None,
            insee_code=insee,
            commune_name=row.get("libelleCommuneEtablissement", ""),
            department=insee[:2],
            latitude=latitude,
            longitude=longitude,
            geo_precision="address" if latitude is not None else "commune",
            street=street,
            postal_code=row.get("codePostalEtablissement", ""),
            is_head_office=row.get("etablissementSiege") == "true",
            origin="sirene",
        )


def _lambert93_to_wgs84(x: float, y: float) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(x, y)
