"""Import member profiles from a spreadsheet (CSV or XLSX) written in the members' own words.

    maillage import-profiles adherents.xlsx --network pole-meca            # dry run: counts only
    maillage import-profiles adherents.xlsx --network pole-meca --wet-run  # writes, batch by batch

Dry by default. Values the mapper is not sure of go to the animators' review queue (searchable
meanwhile as the company's own words); values written in another column than their type's
(« ISO13485 » among the capabilities) are filed where they belong, each said in the report
(« ligne 12, colonne savoir-faire : … rangé parmi les certifications »). A line that
would remove what a member declared (an emptied cell, a certification gone) is rejected unless
``--allow-removals`` is given; the report lists such lines first. See docs/profiles-import.md
for the columns and the cell grammar.
"""

from django.core.management.base import CommandError

from maillage.imports import kinds
from maillage.imports.command import ImportCommand
from maillage.imports.profiles.reader import SpreadsheetError
from maillage.imports.profiles.refiled import note_line

REPORTED_REFILED = 50


class Command(ImportCommand):
    help = "Importe les profils des adhérents d'un tableur (essai à blanc par défaut, --wet-run pour écrire)."
    file_help = "tableur CSV ou XLSX"
    rejects_columns = "line,siret,column,reason,detail"
    default_batch_size = 200

    def add_import_arguments(self, parser):
        parser.add_argument("--network", help="identifiant du réseau dont les lignes sont adhérentes")
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="accepte les lignes qui retirent des valeurs déclarées (sinon : rejetées)",
        )

    def handle(self, *args, **options):
        self.check_batch_size(options)
        try:
            # The same call as the back-office uploads (maillage.imports.uploads).
            report = kinds.run_file_import(
                kinds.PROFILES,
                options["file"],
                wet_run=options["wet_run"],
                network=options["network"],
                batch_size=options["batch_size"],
                rejects_path=options["rejects"],
                options={"allow_removals": options["allow_removals"]},
            )
        except (SpreadsheetError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.write_report(
            report,
            as_json=options["json"],
            path=options["file"],
            counts=kinds.report_counts(kinds.PROFILES, report.as_dict()),
            labels=kinds.REASON_LABELS[kinds.PROFILES],
            preamble=_removal_lines(report, options["file"].name),
            reject_line=lambda row: (
                (f", colonne {row['column']}" if row["column"] else "") + f" : {row['detail']}"
            ),
        )
        if report.ignored_columns and not options["json"]:
            self.stdout.write(f"  colonnes ignorées : {', '.join(report.ignored_columns)}")
        if report.refiled and not options["json"]:
            self.stdout.write("\n".join(_refiled_lines(report, options["file"].name)))


def _refiled_lines(report, file_name: str) -> list[str]:
    count = report.values_refiled
    lines = [f"  RANGÉES AILLEURS : {count:,} valeur(s) écrite(s) hors de la colonne de leur type"]
    lines += [f"    {note_line(file_name, note['line'], note)}" for note in report.refiled[:REPORTED_REFILED]]
    if report.values_refiled > REPORTED_REFILED:
        lines.append(f"    … et {report.values_refiled - REPORTED_REFILED:,} autre(s) (--json)")
    return lines


def _removal_lines(report, file_name: str) -> list[str]:
    if not report.removal_lines:
        return []
    verdict = (
        "appliquées (--allow-removals)" if report.removals[0]["applied"] else "REFUSÉES sans --allow-removals"
    )
    lines = [f"  SUPPRESSIONS : {report.removal_lines:,} ligne(s) retirent des valeurs déclarées — {verdict}"]
    for removal in report.removals[:20]:
        fields = " ; ".join(f"{part} ({', '.join(items)})" for part, items in removal["fields"].items())
        lines.append(f"    {file_name}, ligne {removal['line']}, SIRET {removal['siret']} : {fields}")
    if report.removal_lines > 20:
        lines.append(f"    … et {report.removal_lines - 20:,} autre(s) (--json ou le fichier des rejets)")
    return lines
