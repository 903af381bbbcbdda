"""Import establishments (and optionally organisations) from INSEE's SIRENE stock files.

    maillage import-sirene StockEtablissement_utf8.zip --unites-legales StockUniteLegale_utf8.zip \
        --departments 67,68 --naf-sections C --active-only            # dry run: counts only
    maillage import-sirene ... --wet-run --rejects var/rejets.csv        # writes, batch by batch

Dry by default. A wet run interrupted for any reason resumes after its last committed batch
when rerun with the same file and filters. See docs/imports.md.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.imports.sirene.pipeline import ImportOptionError, ImportOptions, run_import
from maillage.imports.sirene.reader import SireneFileError
from maillage.imports.sirene.schema import Reason


def _csv_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Command(BaseCommand):
    help = "Importe les établissements du stock SIRENE (essai à blanc par défaut, --wet-run pour écrire)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="StockEtablissement (CSV ou ZIP de l'INSEE)")
        parser.add_argument("--unites-legales", type=Path, help="StockUniteLegale (CSV ou ZIP)")
        parser.add_argument("--departments", type=_csv_list, help="codes de départements, ex. 67,68,2A")
        parser.add_argument("--epci", help="SIREN de l'EPCI dont on garde les communes")
        parser.add_argument("--naf-sections", type=_csv_list, help="sections NAF, ex. C,D,E")
        parser.add_argument("--active-only", action="store_true", help="ne crée pas d'établissement fermé")
        parser.add_argument(
            "--wet-run", action="store_true", help="écrit dans la base (sinon : essai à blanc)"
        )
        parser.add_argument("--batch-size", type=int, default=50_000)
        parser.add_argument("--rejects", type=Path, help="CSV des lignes rejetées (line,siret,reason,detail)")
        parser.add_argument("--json", action="store_true", help="affiche le bilan en JSON")
        parser.add_argument("--progress", action="store_true", help="barre de progression")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size doit être positif")
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
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
            return
        mode = "ÉCRITURE" if report.wet_run else "ESSAI À BLANC (rien n'est écrit ; --wet-run pour écrire)"
        lines = [
            f"{options['file']} — {mode}",
            f"  lignes lues             {report.read:>12,}",
            f"  retenues par les filtres{report.kept:>12,}",
            f"  écartées par les filtres{report.filtered_out:>12,}",
            f"  à créer                 {report.to_create:>12,}",
            f"  à mettre à jour         {report.to_update:>12,}",
            f"  inchangées              {report.unchanged:>12,}",
            f"  rejetées                {sum(report.rejected.values()):>12,}",
        ]
        lines += [
            f"    {Reason.LABELS.get(code, code)} ({code}) : {n:,}" for code, n in report.rejected.items()
        ]
        if report.resumed_from_line:
            lines.append(f"  reprise à la ligne {report.resumed_from_line:,}")
        for row in report.first_rejects[:10]:
            lines.append(f"  {options['file'].name}, ligne {row['line']} : {row['reason']} — {row['detail']}")
        if report.rejects_path:
            lines.append(f"  rejets : {report.rejects_path}")
        lines.append(f"  durée : {report.seconds:.1f} s")
        self.stdout.write("\n".join(lines))
