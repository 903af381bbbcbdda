"""Import member profiles from a spreadsheet (CSV or XLSX) written in the members' own words.

    maillage import-profiles adherents.xlsx --network pole-meca            # dry run: counts only
    maillage import-profiles adherents.xlsx --network pole-meca --wet-run  # writes, batch by batch

Dry by default. Values the mapper is not sure of go to the animators' review queue. See
docs/profiles-import.md for the columns and the cell grammar.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.imports.profiles.pipeline import ProfileImportOptions, Reason, run_import
from maillage.imports.profiles.reader import SpreadsheetError


class Command(BaseCommand):
    help = "Importe les profils des adhérents d'un tableur (essai à blanc par défaut, --wet-run pour écrire)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tableur CSV ou XLSX")
        parser.add_argument("--network", help="identifiant du réseau dont les lignes sont adhérentes")
        parser.add_argument(
            "--wet-run", action="store_true", help="écrit dans la base (sinon : essai à blanc)"
        )
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument(
            "--rejects", type=Path, help="CSV des lignes rejetées (line,siret,column,reason,detail)"
        )
        parser.add_argument("--json", action="store_true", help="affiche le bilan en JSON")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size doit être positif")
        import_options = ProfileImportOptions(
            path=options["file"],
            network=options["network"],
            wet_run=options["wet_run"],
            batch_size=options["batch_size"],
            rejects_path=options["rejects"],
        )
        try:
            report = run_import(import_options)
        except (SpreadsheetError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
            return
        mode = "ÉCRITURE" if report.wet_run else "ESSAI À BLANC (rien n'est écrit ; --wet-run pour écrire)"
        lines = [
            f"{options['file']} — {mode}",
            f"  lignes lues                   {report.read:>8,}",
            f"  établissements créés          {report.establishments_created:>8,}",
            f"  adhésions enregistrées        {report.memberships_set:>8,}",
            f"  profils modifiés              {report.profiles_changed:>8,}",
            f"  profils inchangés             {report.profiles_unchanged:>8,}",
            f"  valeurs rattachées            {report.values_mapped:>8,}",
            f"  valeurs à valider (file)      {report.values_to_review:>8,}",
            f"  valeurs écartées (décision)   {report.values_dismissed:>8,}",
            f"  lignes rejetées               {sum(report.rejected.values()):>8,}",
        ]
        for code, number in report.rejected.items():
            lines.append(f"    {Reason.LABELS.get(code, code)} ({code}) : {number:,}")
        if report.ignored_columns:
            lines.append(f"  colonnes ignorées : {', '.join(report.ignored_columns)}")
        if report.resumed_from_line:
            lines.append(f"  reprise à la ligne {report.resumed_from_line:,}")
        for row in report.first_rejects[:10]:
            column = f", colonne {row['column']}" if row["column"] else ""
            lines.append(f"  {options['file'].name}, ligne {row['line']}{column} : {row['detail']}")
        if report.rejects_path:
            lines.append(f"  rejets : {report.rejects_path}")
        lines.append(f"  durée : {report.seconds:.1f} s")
        self.stdout.write("\n".join(lines))
