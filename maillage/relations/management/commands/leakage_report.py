"""Write the purchase leakage report of a territory, as a given user may see it (PDF or XLSX).

    maillage leakage-report --as animatrice@demo.maillage.fr --network pole-meca -o fuite.pdf
    maillage leakage-report --as admin@example.org --departments 67 68 --year 2025 -o fuite.xlsx

The figures go through the same visibility rules and disclosure control as the page.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.accounts.models import User
from maillage.directory.models import Network
from maillage.relations.leakage import Territory, leakage_for
from maillage.relations.reports import leakage_pdf, leakage_xlsx


class Command(BaseCommand):
    help = "Écrit le rapport de fuite d'achats d'un territoire (PDF ou XLSX)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as", dest="email", required=True, help="adresse de l'utilisateur dont on prend les droits"
        )
        parser.add_argument("--network", help="territoire du réseau (identifiant)")
        parser.add_argument("--epcis", nargs="*", default=[], help="SIREN des EPCI")
        parser.add_argument("--departments", nargs="*", default=[], help="codes des départements")
        parser.add_argument("--buyers", nargs="*", help="SIREN des acheteurs (défaut : tous)")
        parser.add_argument("--year", type=int)
        parser.add_argument("--min-local", type=int, default=3)
        parser.add_argument("--radius-km", type=float, default=50.0)
        parser.add_argument("--no-capacity", action="store_true", help="ne pas exiger de capacité déclarée")
        parser.add_argument("-o", "--output", type=Path, required=True, help="fichier .pdf ou .xlsx")

    def handle(self, *args, **options):
        user = User.objects.filter(email=options["email"], is_active=True).first()
        if user is None:
            raise CommandError(f"--as {options['email']} : utilisateur inconnu ou inactif")
        if options["network"]:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"--network {options['network']} : réseau inconnu")
            territory = Territory.of_network(network)
        elif options["epcis"] or options["departments"]:
            territory = Territory.of_codes(epcis=options["epcis"], departments=options["departments"])
        else:
            raise CommandError("donnez --network, --epcis ou --departments")
        if not territory.communes:
            raise CommandError("territoire vide : aucune commune")
        suffix = options["output"].suffix.lower()
        if suffix not in (".pdf", ".xlsx"):
            raise CommandError(f"{options['output'].name} : extension .pdf ou .xlsx attendue")
        result = leakage_for(
            user,
            territory=territory,
            buyers=options["buyers"],
            year=options["year"],
            min_local=options["min_local"],
            radius_km=options["radius_km"],
            require_capacity=not options["no_capacity"],
        )
        body = leakage_pdf(result, territory) if suffix == ".pdf" else leakage_xlsx(result, territory)
        options["output"].write_bytes(body)
        state = "aucun chiffre publiable" if result.withheld else f"{len(result.categories)} catégories"
        self.stdout.write(f"{options['output']} : {territory.name}, {result.year}, {state}")
