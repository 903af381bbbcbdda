"""Export the profiles of a network's members in the format that import-profiles reads.

    maillage export-profiles --network pole-meca --out var/adherents.xlsx   # or .csv (UTF-8 BOM, ";")

Importing the file back changes nothing; members can edit it in their own words.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.directory.models import Network
from maillage.imports.profiles.export import export_rows, write_rows


class Command(BaseCommand):
    help = "Exporte les profils des adhérents d'un réseau dans un tableur CSV ou XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--network", required=True, help="identifiant du réseau")
        parser.add_argument("--out", type=Path, required=True, help="fichier .csv ou .xlsx")

    def handle(self, *args, **options):
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"--network {options['network']} : réseau inconnu")
        if options["out"].suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"{options['out']} : extension .csv ou .xlsx attendue")
        rows = export_rows(network)
        write_rows(rows, options["out"])
        self.stdout.write(f"{len(rows)} établissements écrits dans {options['out']}")
