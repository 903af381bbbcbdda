"""A small real referential for import tests, read from the shared data files.

The full referential is loaded by ``maillage load-referential``; tests only need the NAF, the
headcount bands, a few legal categories and the communes of some departments, which this
module bulk-creates in a fraction of a second.
"""

import csv
import json

from maillage.referential.models import Commune, Epci, HeadcountBand, LegalCategory, NafCode
from tests.shared_data import shared_path

DATA = shared_path("data")
STOCK_EXTRACT = DATA / "sirene/stock_etablissement_extrait_format_2025.csv"
UNITES_LEGALES_SAMPLE = DATA / "sirene/index_egalite_sirens_unites_legales.csv"
COMMUNES_CSV = DATA / "communes/communes_2026_geo_epci.csv"
NAF_CSV = DATA / "naf/naf2008_5_niveaux_libelles.csv"
# The 7-row extract lives in 04, 13, 62 and 80; the others serve filters and overseas tests.
DEPARTMENTS = ("04", "13", "62", "67", "68", "80", "2A", "971", "972", "973", "974", "976")


def load_naf() -> None:
    rows: dict[str, NafCode] = {}
    with open(NAF_CSV, encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            parent = None
            for level in range(1, 6):
                code = line[f"id_{level}"]
                rows.setdefault(
                    code,
                    NafCode(
                        code=code,
                        level=level,
                        label=line[f"label_{level}"],
                        parent_id=parent,
                        section=line["id_1"],
                    ),
                )
                parent = code
    NafCode.objects.bulk_create(sorted(rows.values(), key=lambda n: n.level))


def load_bands() -> None:
    with open(DATA / "sirene/tranches_effectifs_sirene.csv", encoding="utf-8", newline="") as handle:
        HeadcountBand.objects.bulk_create(
            HeadcountBand(
                code=r["code"],
                label=r["libelle"],
                min_employees=int(r["effectif_min"]) if r["effectif_min"] else None,
                max_employees=int(r["effectif_max"]) if r["effectif_max"] else None,
            )
            for r in csv.DictReader(handle)
        )
    LegalCategory.objects.bulk_create(
        [
            LegalCategory(code="1000", label="Entrepreneur individuel", level=3),
            LegalCategory(
                code="5499", label="Société à responsabilité limitée (sans autre indication)", level=3
            ),
            LegalCategory(code="5710", label="SAS, société par actions simplifiée", level=3),
        ]
    )


def load_communes(departments=DEPARTMENTS) -> None:
    communes, epcis = [], {}
    with open(COMMUNES_CSV, encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["departement"] not in departments:
                continue
            if r["epci_siren"]:
                epcis[r["epci_siren"]] = Epci(siren=r["epci_siren"], name=r["epci_nom"], kind=r["epci_type"])
            communes.append(
                Commune(
                    insee_code=r["code_insee"],
                    name=r["nom"],
                    epci_id=r["epci_siren"] or None,
                    population=int(r["population"] or 0),
                    latitude=float(r["latitude"]) if r["latitude"] else None,
                    longitude=float(r["longitude"]) if r["longitude"] else None,
                    postal_codes=r["codes_postaux"].split(),
                )
            )
    Epci.objects.bulk_create(epcis.values())
    Commune.objects.bulk_create(communes)
    cog = json.loads((DATA / "communes/decoupage_administratif_2026/communes.json").read_text())
    Commune.objects.bulk_create(
        Commune(
            insee_code=c["code"],
            name=c["nom"],
            kind=Commune.Kind.MUNICIPAL_DISTRICT,
            parent_id=c["commune"],
            population=c.get("population"),
        )
        for c in cog
        if c["type"] == "arrondissement-municipal" and c["departement"] in departments
    )


def load_minimal_referential(departments=DEPARTMENTS) -> None:
    load_naf()
    load_bands()
    load_communes(departments)
