"""Import a large buyer's purchase ledger (CSV or XLSX) as supply relations and spend lines.

    maillage import-ledger achats-2025.xlsx --buyer 12345678900017 --network pole-meca            # dry run
    maillage import-ledger achats-2025.xlsx --buyer 12345678900017 --network pole-meca --wet-run  # writes

Dry by default; a wet run commits batch by batch and resumes after a crash. Suppliers matched
by name with doubt go to the animators' review queue. See docs/relations.md for the columns.
"""

from django.core.management.base import CommandError

from maillage.imports import kinds
from maillage.imports.command import ImportCommand
from maillage.imports.profiles.reader import SpreadsheetError
from maillage.relations.models import Confidentiality


class Command(ImportCommand):
    help = "Importe le registre d'achats d'un donneur d'ordres (--wet-run pour écrire)."
    file_help = "registre d'achats CSV ou XLSX"
    rejects_columns = "file,line,field,value,reason,detail"
    default_batch_size = 500

    def add_import_arguments(self, parser):
        parser.add_argument("--buyer", required=True, help="SIRET du donneur d'ordres (l'acheteur)")
        parser.add_argument("--buyer-name", default="", help="son nom, s'il n'est pas dans l'annuaire")
        parser.add_argument(
            "--year", type=int, help="année des achats quand le fichier n'a pas de colonne annee"
        )
        parser.add_argument("--network", help="réseau dont les animateurs valident les rapprochements")
        parser.add_argument(
            "--confidentiality",
            default=Confidentiality.ANIMATORS,
            choices=Confidentiality.values,
            help="qui voit les relations créées (défaut : animateurs)",
        )

    def handle(self, *args, **options):
        self.check_batch_size(options)
        try:
            # The same call as the back-office uploads (maillage.imports.uploads).
            report = kinds.run_file_import(
                kinds.LEDGER,
                options["file"],
                wet_run=options["wet_run"],
                network=options["network"],
                batch_size=options["batch_size"],
                rejects_path=options["rejects"],
                options={
                    "buyer": options["buyer"],
                    "buyer_name": options["buyer_name"],
                    "year": options["year"],
                    "confidentiality": options["confidentiality"],
                },
            )
        except (SpreadsheetError, ValueError) as exc:  # the file's errors name it (and line, field)
            raise CommandError(str(exc)) from exc
        self.write_report(
            report,
            as_json=options["json"],
            path=options["file"],
            counts=kinds.report_counts(kinds.LEDGER, report.as_dict()),
            labels=kinds.REASON_LABELS[kinds.LEDGER],
            reject_line=lambda row: (
                (f", champ {row['field']}" if row["field"] else "")
                + f" : {row['detail']}"
                + (f" « {row['value']} »" if row["value"] else "")
            ),
        )
