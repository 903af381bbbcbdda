"""Write a synthetic SIRENE stock (StockEtablissement + StockUniteLegale) in INSEE's format.

    maillage generate-sirene --rows 100000 --out var/StockEtablissement_test.csv --seed 1 \
        --departments 67,68 [--zip] [--broken-rate 0.01]

Communes come from the database referential (or ``--communes-file``, a
``communes_2026_geo_epci.csv``), NAF codes and headcount bands are weighted by a real list of
companies (``--naf-weights``, by default ``sirene/index_egalite_sirens_unites_legales.csv`` of
MAILLAGE_REFERENTIAL_SOURCE). Every row is fictitious; the identifiers are valid.
"""

import csv
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from maillage.directory.synthetic import HeadcountSampler, NafSampler
from maillage.imports.sirene.generator import CommuneTable, generate
from maillage.referential.models import Commune, NafCode


def _csv_list(value: str) -> list[str]:
    return [part.strip().upper() for part in value.split(",") if part.strip()]


def _department(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def communes_from_file(path: Path, departments: list[str] | None) -> CommuneTable:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [
            (
                r["code_insee"],
                r["nom"],
                int(r["population"] or 0),
                float(r["latitude"]) if r["latitude"] else None,
                float(r["longitude"]) if r["longitude"] else None,
                (r["codes_postaux"].split() or [""])[0],
            )
            for r in csv.DictReader(handle)
            if not departments or r["departement"] in departments
        ]
    return CommuneTable.from_rows(rows)


def communes_from_db(departments: list[str] | None) -> CommuneTable:
    rows = [
        (code, name, population, lat, lon, (postal or [""])[0])
        for code, name, population, lat, lon, postal in Commune.objects.current().values_list(
            "insee_code", "name", "population", "latitude", "longitude", "postal_codes"
        )
        if not departments or _department(code) in departments
    ]
    return CommuneTable.from_rows(rows)


class Command(BaseCommand):
    help = "Écrit un faux stock SIRENE au format officiel de l'INSEE (établissements et unités légales)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, required=True, help="nombre d'établissements")
        parser.add_argument("--out", type=Path, required=True, help="fichier StockEtablissement à écrire")
        parser.add_argument("--unites-legales-out", type=Path, help="fichier StockUniteLegale à écrire")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--departments", type=_csv_list, help="ex. 67,68")
        parser.add_argument("--zip", action="store_true", help="archives .zip comme celles de l'INSEE")
        parser.add_argument(
            "--broken-rate", type=float, default=0.0, help="part de lignes volontairement fausses"
        )
        parser.add_argument("--communes-file", type=Path, help="communes_2026_geo_epci.csv (sinon : la base)")
        parser.add_argument(
            "--naf-weights", type=Path, help="CSV siren,activite_principale,tranche_effectifs"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["rows"] < 1:
            raise CommandError("--rows doit être positif")
        if not 0 <= options["broken_rate"] < 1:
            raise CommandError("--broken-rate doit être compris entre 0 et 1")
        departments = options["departments"]
        try:
            communes = (
                communes_from_file(options["communes_file"], departments)
                if options["communes_file"]
                else communes_from_db(departments)
            )
        except ValueError as exc:
            raise CommandError(
                "Aucune commune avec population et coordonnées : chargez le référentiel "
                "(maillage load-referential --wet-run) ou passez --communes-file."
            ) from exc
        weights = options["naf_weights"] or (
            Path(settings.MAILLAGE_REFERENTIAL_SOURCE or ".")
            / "sirene/index_egalite_sirens_unites_legales.csv"
        )
        if not weights.is_file():
            raise CommandError(f"{weights} : fichier de pondération NAF introuvable (--naf-weights)")
        try:
            known = set(NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", flat=True))
        except DatabaseError:  # no database needed when every source is a file
            known = set()
        naf = NafSampler.from_unites_legales_csv(weights, known=known or None)
        headcount = HeadcountSampler.from_unites_legales_csv(weights, small_share=0.85)
        out = options["out"]
        suffix = ".zip" if options["zip"] else ".csv"
        if options["zip"] and out.suffix != ".zip":
            out = out.with_suffix(".zip")
        units_out = options["unites_legales_out"] or out.with_name(f"StockUniteLegale_{out.stem}{suffix}")
        out.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        report = generate(
            rows=options["rows"],
            out=out,
            unites_legales_out=units_out,
            communes=communes,
            naf=naf,
            headcount=headcount,
            seed=options["seed"],
            broken_rate=options["broken_rate"],
            zip_output=options["zip"],
        )
        seconds = time.perf_counter() - started
        summary = {
            **report.__dict__,
            "seconds": round(seconds, 3),
            "rows_per_second": round(report.rows / seconds),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"{report.rows:,} établissements ({report.organisations:,} unités légales) écrits dans {out} "
                f"et {units_out} en {seconds:.1f} s ; lignes faussées : {report.broken or 0}"
            )
