"""Import establishments (and optionally organisations) from INSEE's SIRENE stock files.

    maillage import-sirene StockEtablissement_utf8.zip --unites-legales StockUniteLegale_utf8.zip \
        --departments 67,68 --naf-sections C --active-only            # dry run: counts only
    maillage import-sirene ... --wet-run --rejects var/rejets.csv        # writes, batch by batch

Dry by default. A wet run interrupted for any reason resumes after its last committed batch
when rerun with the same file and filters. See docs/imports.md.
"""

from pathlib import Path

from django.core.management.base import CommandError

from maillage.imports.command import ImportCommand
from maillage.imports.sirene.pipeline import ImportOptionError, ImportOptions, run_import
from maillage.imports.sirene.reader import SireneFileError
from maillage.imports.sirene.schema import Reason


def _csv_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Command(ImportCommand):
    help = "Importe les établissements du stock SIRENE (essai à blanc par défaut, --wet-run pour écrire)."
    file_help = "StockEtablissement (CSV ou ZIP de l'INSEE)"
    default_batch_size = 50_000

    def add_import_arguments(self, parser):
        parser.add_argument("--unites-legales", type=Path, help="StockUniteLegale (CSV ou ZIP)")
        parser.add_argument("--departments", type=_csv_list, help="codes de départements, ex. 67,68,2A")
        parser.add_argument("--epci", help="SIREN de l'EPCI dont on garde les communes")
        parser.add_argument("--naf-sections", type=_csv_list, help="sections NAF, ex. C,D,E")
        parser.add_argument("--active-only", action="store_true", help="ne crée pas d'établissement fermé")
        parser.add_argument("--progress", action="store_true", help="barre de progression")

    def handle(self, *args, **options):
        self.check_batch_size(options)
        import_options = ImportOptions(
            path=options["file"],
            unites_legales=options["unites_legales"],
            departments=options["departments"],
            epci=options["epci"],
            naf_sections=options["naf_sections"],
            active_only=options["active_only"],
            wet_run=options["wet_run"],
            batch_size=options["batch_size"],
            rejects_path=options["rejects"],
        )
        try:
            report = run_import(import_options, progress=options["progress"])
        except (SireneFileError, ImportOptionError) as exc:
            raise CommandError(str(exc)) from exc
        self.write_report(
            report,
            as_json=options["json"],
            path=options["file"],
            counts=[
                ("lignes lues", report.read),
                ("retenues par les filtres", report.kept),
                ("écartées par les filtres", report.filtered_out),
                ("à créer", report.to_create),
                ("à mettre à jour", report.to_update),
                ("inchangées", report.unchanged),
            ],
            labels=Reason.LABELS,
            reject_line=lambda row: f" : {row['reason']} — {row['detail']}",
        )
