"""Import French public procurement data (DECP, JSON or flattened CSV) as buyer → supplier relations.

    maillage import-decp /data/commande_publique/decp_2019_extrait_flat.csv            # dry run
    maillage import-decp /data/commande_publique/marches-publics.info.json --wet-run   # writes

Dry by default; a wet run commits batch by batch and resumes after a crash. The files are read by
maillage.imports.decp.parser. See docs/relations.md.
"""

from django.core.management.base import CommandError

from maillage.imports import kinds
from maillage.imports.command import ImportCommand
from maillage.imports.decp.parser import DecpFileError


class Command(ImportCommand):
    help = "Importe les données de la commande publique (DECP) (--wet-run pour écrire)."
    file_help = "fichier DECP JSON ou CSV aplati"
    rejects_columns = "file,line,field,value,reason,detail"

    def handle(self, *args, **options):
        self.check_batch_size(options)
        try:
            # The same call as the back-office uploads (maillage.imports.uploads).
            report = kinds.run_file_import(
                kinds.DECP,
                options["file"],
                wet_run=options["wet_run"],
                batch_size=options["batch_size"],
                rejects_path=options["rejects"],
            )
        except DecpFileError as exc:
            message = str(exc)
            if options["wet_run"] and exc.records_read:
                # A streamed file can break after whole batches were committed (the dry run is
                # one rolled-back transaction, so there it wrote nothing at all).
                message += (
                    " — écriture : les lots complets lus avant l'erreur sont enregistrés, pas le "
                    "lot en cours ; réimporter le fichier corrigé ne crée aucun doublon"
                )
            raise CommandError(message) from exc
        self.write_report(
            report,
            as_json=options["json"],
            path=options["file"],
            counts=kinds.report_counts(kinds.DECP, report.as_dict()),
            labels=kinds.REASON_LABELS[kinds.DECP],
            reject_line=lambda row: (
                f", champ {row['field']} : {row['detail']}" + (f" « {row['value']} »" if row["value"] else "")
            ),
        )
