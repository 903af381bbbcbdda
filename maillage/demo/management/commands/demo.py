"""Build the demo territory "Industries Alsace du Nord" (``make demo`` runs it after ``migrate``).

    maillage demo [--data-dir DIR] [--seed N] [--generated N]

Idempotent: a second run writes nothing and says so. Loads the referential first when it is
empty, then brings in the real companies of the shared data files that fit the territory,
completes with seeded fictitious establishments (flagged ``is_generated``), members and
three demo accounts whose passwords are printed at the end. The demo writes by design: there
is no dry run (it never touches records it did not create).
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from maillage.demo import real
from maillage.demo.accounts import demo_accounts_ensure
from maillage.demo.activity import demo_activity_ensure, demo_member_accounts_order
from maillage.demo.builder import DEFAULT_SEED, GENERATED_COUNT, demo_build
from maillage.demo.checks import demo_coherence_violations
from maillage.demo.events import demo_season_ensure
from maillage.demo.territory import TerritoryError
from maillage.matching.index import current_build
from maillage.referential.models import Commune, Epci, HeadcountBand, NafCode

DEFAULT_URL = "http://127.0.0.1:8000/"


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def referential_source() -> str:
    return str(settings.MAILLAGE_REFERENTIAL_SOURCE or "")


class Command(BaseCommand):
    help = "Construit le territoire de démonstration « Industries Alsace du Nord » (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            help="Dossier des données réelles (par défaut : la source du référentiel, "
            "réglage MAILLAGE_REFERENTIAL_SOURCE).",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Graine des données générées.")
        parser.add_argument(
            "--generated", type=int, default=GENERATED_COUNT, help="Nombre d'établissements fictifs."
        )
        parser.add_argument(
            "--url", default=DEFAULT_URL, help="Adresse où le site sera servi (affichée avec les comptes)."
        )

    def handle(self, *args, data_dir=None, seed, generated, url, verbosity=1, **options):
        source = referential_source()
        if data_dir is None:
            if not source or source.startswith(("http://", "https://")):
                raise CommandError(
                    "Indiquez --data-dir : la source du référentiel n'est pas un dossier local."
                )
            data_dir = Path(source)
        if not data_dir.is_dir():
            raise CommandError(f"{data_dir} : dossier de données introuvable (option --data-dir).")

        clock = {"start": _now(), "lap": _now()}
        timings: dict[str, tuple[float, float]] = {}

        def lap(phase: str) -> None:
            now = _now()
            timings[phase] = (now[0] - clock["lap"][0], now[1] - clock["lap"][1])
            clock["lap"] = now

        if self._referential_missing():
            self.stdout.write("Référentiel absent : chargement depuis la source par défaut…")
            call_command("load_referential", wet_run=True, verbosity=verbosity, stdout=self.stdout)
            if self._referential_missing():
                raise CommandError("Le référentiel est toujours vide après load-referential.")
        lap("référentiel")
        # The capability vocabulary ships with the code: loading it is idempotent and cheap.
        call_command("load_taxonomy", wet_run=True, verbosity=0, stdout=self.stdout)
        lap("taxonomie")
        try:
            network, report, members = demo_build(data_dir=data_dir, seed=seed, generated=generated)
        except (real.DemoDataError, TerritoryError) as exc:
            raise CommandError(str(exc)) from exc
        timings |= report.timings
        clock["lap"] = _now()
        speakers = demo_member_accounts_order(network, members)
        if len(speakers) < 2:
            raise CommandError("Trop peu d'adhérents fictifs pour rattacher les comptes de démonstration.")
        logins, report.accounts_written = demo_accounts_ensure(network, speakers)
        lap("comptes")
        # The search reads an index: a full build the first time, then profile edits refresh it.
        if current_build() is None:
            call_command("build_index", verbosity=0, stdout=self.stdout)
            self.stdout.write("Index de recherche construit.")
        lap("index")
        member_login = next(login for login in logins if login.establishment_siret)
        activity = demo_activity_ensure(network, author_email=member_login.email, seed=seed)
        lap("activité")
        self.stdout.write(
            f"Registres d'achats importés : {activity.ledgers} ({activity.ledger_lines} lignes, "
            f"sans doublon d'une exécution à l'autre) ; besoins publiés : {activity.needs_created} ; "
            f"entrées du journal d'animation : {activity.journal_entries}."
        )
        season = demo_season_ensure(
            network, member_emails=[login.email for login in logins if login.establishment_siret]
        )
        lap("événements")
        self.stdout.write(
            f"Saison d'événements : {season.events} événements écrits, {season.registrations} inscriptions, "
            f"{season.attendances} présences pointées, {season.certificates} attestations."
        )
        self._print(network, report, logins, url.rstrip("/") + "/")
        if verbosity >= 2:
            violations = demo_coherence_violations(network)
            self.stdout.write(f"Règles de cohérence enfreintes : {len(violations)}")
            for violation in violations[:20]:
                self.stdout.write(f"  {violation}")
            end = _now()
            timings["total"] = (end[0] - clock["start"][0], end[1] - clock["start"][1])
            # Wall-clock and CPU seconds: on a shared machine the CPU figure is the steadier one.
            for title, index in (("Étapes", 0), ("Étapes (CPU)", 1)):
                phases = ", ".join(f"{k} {v[index]:.1f} s" for k, v in timings.items())
                self.stdout.write(f"{title} : {phases}")

    @staticmethod
    def _referential_missing() -> bool:
        return not (
            Commune.objects.exists()
            and Epci.objects.exists()
            and NafCode.objects.exists()
            and HeadcountBand.objects.exists()
        )

    def _print(self, network, report, logins, url):
        def line(label, written):
            self.stdout.write(f"  {label:<52} {written.created:>5} créés, {written.unchanged:>5} déjà là")

        self.stdout.write(f"Réseau « {network.name} » ({network.slug}) : {network.epcis.count()} EPCI.")
        line("Entreprises réelles du Bas-Rhin (index égalité)", report.real_organisations)
        line("  … leur établissement placé dans le territoire", report.placed_sites)
        line("Établissements réels d'Alsace (SIRENE, BITD)", report.real_sites)
        if report.real_sites_outside_territory:
            outside = report.real_sites_outside_territory
            self.stdout.write(f"  dont {outside} hors du territoire (dans l'annuaire, sans adhésion)")
        line("Entreprises fictives", report.generated_organisations)
        line("Établissements fictifs", report.generated_establishments)
        line("Adhésions (adhérents, prospects, anciens)", report.memberships)
        for reason, count in sorted(report.skipped.items()):
            self.stdout.write(f"  ignorés ({reason}) : {count}")
        for rejection in report.rejections:
            self.stdout.write(f"  non repris : {rejection}")
        if report.changes:
            self.stdout.write(self.style.SUCCESS(f"{report.changes} enregistrements écrits."))
        else:
            self.stdout.write(self.style.SUCCESS("Démo déjà en place : aucune modification."))
        self.stdout.write(f"\nOuvrez {url} — comptes de démonstration (mots de passe de démo uniquement) :")
        for login in logins:
            self.stdout.write(f"  {login.email:<32} {login.password:<18} {login.role}")
        self.stdout.write(f"  Administration : {url}admin/")
