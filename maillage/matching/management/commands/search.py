"""Search suppliers from the command line (docs/search.md).

    maillage search "QUERY" [--near PLACE] [--radius-km N] [--capability CODE]...
                    [--certification CODE]... [--limit N] [--network SLUG] [--as-typed]
                    [--no-relax] [--json]

PLACE is a commune INSEE code, a postal code, a commune name or ``LAT,LON``. ``--json`` prints
the same object as ``GET /api/v1/search`` (docs/search.md). Results meeting every requirement
come first; when none does, the closest, each with what it lacks (``--no-relax``: only what
the query matches). Bad input prints a French message naming the parameter on stderr and
exits with status 2.
"""

import json as jsonlib

from django.core.management.base import BaseCommand

from maillage.matching.errors import SearchQueryError
from maillage.matching.index import IndexMissingError
from maillage.matching.places import mentions_territory
from maillage.matching.search import (
    DEFAULT_LIMIT,
    SearchRequest,
    network_meant,
    results_public,
    search_run_with_place,
)

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Cherche les établissements capables de répondre à un besoin."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default="", help="Le besoin, en français ou en anglais.")
        parser.add_argument("--near", help="Lieu : code INSEE, code postal, nom de commune ou LAT,LON.")
        # Read as text and checked here, so that a bad value gets a French message (argparse's is English).
        parser.add_argument("--radius-km", dest="radius_km", help="Rayon en kilomètres autour du lieu.")
        parser.add_argument(
            "--capability", action="append", default=[], help="Code de savoir-faire exigé (répétable)."
        )
        parser.add_argument(
            "--certification", action="append", default=[], help="Code de certification exigé (répétable)."
        )
        parser.add_argument("--limit", default=str(DEFAULT_LIMIT), help="Nombre de résultats (1 à 100).")
        parser.add_argument(
            "--network", help="Réseau dont « sur notre territoire » désigne le territoire (identifiant)."
        )
        parser.add_argument("--as-typed", action="store_true", help="Sans correction d'orthographe.")
        parser.add_argument(
            "--no-relax",
            action="store_true",
            help="Sans proposer les plus proches quand personne ne répond à tout.",
        )
        parser.add_argument("--json", action="store_true", help="Sortie JSON.")

    def _fail(self, message: str):
        self.stderr.write(message)
        raise SystemExit(EXIT_BAD_INPUT)

    def handle(self, *args, query, near, radius_km, capability, certification, limit, json: bool, **options):
        network = network_meant(options["network"]) if mentions_territory(query) else None
        try:
            radius = float(radius_km.replace(",", ".")) if radius_km is not None else None
        except ValueError:
            self._fail(f"Erreur : --radius-km : nombre de kilomètres attendu (reçu « {radius_km} »).")
        try:
            count = int(limit)
        except ValueError:
            self._fail(f"Erreur : --limit : nombre entier attendu (reçu « {limit} »).")
        request = SearchRequest(
            q=query,
            near=near,
            radius_km=radius,
            capability=capability,
            certification=certification,
            limit=count,
            network=network,
            as_typed=options["as_typed"],
            relax=not options["no_relax"],
        )
        try:
            results, place = search_run_with_place(request)
        except SearchQueryError as error:
            option = "QUERY" if error.field == "q" else "--" + error.field.replace("_", "-")
            self._fail(f"Erreur : {option} : {error.message}")
        except IndexMissingError:
            self._fail("Erreur : index de recherche absent : lancez « maillage build-index ».")
        payload = results_public(results, place)
        if json:
            self.stdout.write(_dumps(payload))
            return
        if place is not None:
            radius = f", rayon {place.radius_km:g} km" if place.radius_km else ""
            where = f"territoire de {place.label}" if place.network else place.label
            self.stdout.write(f"Lieu compris : {where}{radius} (« {place.phrase} »).")
        self._understood(payload)
        self.stdout.write(
            f"{payload['total']} résultat(s), dont {payload['complete_total']} qui répondent à tout."
        )
        for rank, hit in enumerate(payload["results"], 1):
            distance = f" — {hit['distance_km']} km" if hit["distance_km"] is not None else ""
            self.stdout.write(f"{rank:>3}. {hit['name']} ({hit['siret']}){distance} — score {hit['score']}")
            self.stdout.write(f"     {hit['explanation']}")
            if hit["lacking"]:
                self.stdout.write(
                    "     Il lui manque : " + ", ".join(item["label"] for item in hit["lacking"])
                )

    def _understood(self, payload: dict) -> None:
        for item in payload["corrections"]:
            self.stdout.write(f"Résultats pour « {item['corrected']} » (écrit « {item['written']} »).")
        for item in payload["suggestions"]:
            self.stdout.write(f"Vouliez-vous dire « {item['suggested']} » ? (« {item['written']} » inconnu)")
        if payload["unknown_words"]:
            self.stdout.write("Mots ignorés : " + ", ".join(f"« {w} »" for w in payload["unknown_words"]))
        for step in payload["relaxed"]:
            self.stdout.write(step["message"])


def _dumps(payload) -> str:
    return jsonlib.dumps(payload, ensure_ascii=False)
