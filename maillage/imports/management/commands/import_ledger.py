"""Import a large buyer's purchase ledger (CSV or XLSX) as supply relations and spend lines.

    maillage import-ledger achats-2025.xlsx --buyer 12345678900017 --network pole-meca            # dry run
    maillage import-ledger achats-2025.xlsx --buyer 12345678900017 --network pole-meca --wet-run  # writes

Dry by default; a wet run commits batch by batch and resumes after a crash. Suppliers matched
by name with doubt go to the animators' review queue. See docs/relations.md for the columns.
"""

from django.core.management.base import CommandError

from maillage.imports.command import ImportCommand
from maillage.imports.ledger.pipeline import LedgerOptions, Reason, run_ledger_import
from maillage.imports.profiles.reader import SpreadsheetError
from maillage.relations.models import Confidentiality

COUNTS = (
    ("read", "lignes lues"),
    ("lines_created", "lignes d’achat créées"),
    ("lines_unchanged", "lignes d’achat déjà importées"),
    ("relations_created", "relations créées"),
    ("suppliers_matched", "fournisseurs reconnus (lignes)"),
    ("suppliers_to_review", "fournisseurs à valider (lignes)"),
    ("suppliers_outside", "fournisseurs hors annuaire (lignes)"),
    ("categories_mapped", "catégories rattachées (lignes)"),
    ("categories_unmapped", "catégories non rattachées (lignes)"),
    ("categories_to_review", "catégories mises en file de rattachement"),
)


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
            report = run_ledger_import(
                LedgerOptions(
                    path=options["file"],
                    buyer_siret=options["buyer"],
                    buyer_name=options["buyer_name"],
                    year=options["year"],
                    network=options["network"],
                    confidentiality=options["confidentiality"],
                    wet_run=options["wet_run"],
                    batch_size=options["batch_size"],
                    rejects_path=options["rejects"],
                )
            )
        except (SpreadsheetError, ValueError) as exc:  # the file's errors name it (and line, field)
            raise CommandError(str(exc)) from exc
        self.write_report(
            report,
            as_json=options["json"],
            path=options["file"],
            counts=[(label, report.counts.get(name, 0)) for name, label in COUNTS],
            labels=Reason.LABELS,
            reject_line=lambda row: (
                (f", champ {row['field']}" if row["field"] else "")
                + f" : {row['detail']}"
                + (f" « {row['value']} »" if row["value"] else "")
            ),
        )
