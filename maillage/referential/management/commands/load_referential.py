"""Load the French reference data (COG, EPCI, La Poste, NAF, SIRENE codes, ROME, CPV).

    maillage load-referential                       # dry run from MAILLAGE_REFERENTIAL_SOURCE
    maillage load-referential --wet-run             # write
    maillage load-referential --source https://mirror.example/data --only naf,cpv --wet-run

``--source`` is a folder or an http(s) base laid out like ``shared/data`` (see
docs/data-sources.md); downloads are cached under ``DATA_DIR/cache/referential``. Every file
is parsed and checked before anything is written, then all models are synced in one
transaction: a broken file stops the load with its name, line and field. A second run
reports that nothing changed. Without ``--wet-run`` the writes are rolled back.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from maillage.referential.build import DATASETS
from maillage.referential.errors import ReferentialError
from maillage.referential.loaders import ReferentialFileError
from maillage.referential.services import LoadReport, datasets_select, referential_load


class Command(BaseCommand):
    help = "Charge les référentiels officiels (communes, EPCI, codes postaux, NAF, effectifs, ROME, CPV)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=None,
            help="Dossier ou URL http(s) de base (défaut : réglage MAILLAGE_REFERENTIAL_SOURCE).",
        )
        parser.add_argument(
            "--only",
            default="",
            help=f"Jeux à charger, séparés par des virgules, parmi : {', '.join(DATASETS)}.",
        )
        parser.add_argument("--wet-run", action="store_true", help="Écrire (sinon simulation annulée).")
        parser.add_argument("--refresh", action="store_true", help="Retélécharger les fichiers d'une URL.")

    def handle(self, *args, source, only, wet_run, refresh, **options):
        source = source or settings.MAILLAGE_REFERENTIAL_SOURCE
        if not source:
            raise CommandError(_("Aucune source : passer --source ou définir MAILLAGE_REFERENTIAL_SOURCE."))
        try:
            names = datasets_select(only.split(",") if only else None)
        except ReferentialError as exc:
            raise CommandError(exc.message) from None
        steps = sum(1 + len(DATASETS[name].models) for name in names)
        with tqdm(total=steps, file=sys.stderr, disable=not sys.stderr.isatty(), unit="étape") as bar:

            def on_step(description: str) -> None:
                bar.set_description(description)
                bar.update(1)

            try:
                report = referential_load(
                    source=source, only=names, wet_run=wet_run, refresh=refresh, on_step=on_step
                )
            except ReferentialFileError as exc:
                raise CommandError(
                    _("Chargement interrompu, base inchangée. %(error)s") % {"error": exc}
                ) from None
        self._print(report)

    def _print(self, report: LoadReport) -> None:
        write = self.stdout.write
        write(_("Source : %(source)s") % {"source": report.source})
        if report.downloaded or report.reused:
            write(
                _("Fichiers téléchargés : %(downloaded)d, repris du cache : %(reused)d")
                % {"downloaded": len(report.downloaded), "reused": len(report.reused)}
            )
        headers = [
            _("modèle"),
            _("créés"),
            _("modifiés"),
            _("inchangés"),
            _("supprimés"),
            _("obsolètes gardés"),
        ]
        rows = [
            [m.label, m.created, m.updated, m.unchanged, m.deleted, m.kept_obsolete] for m in report.models
        ]
        width = max(len(headers[0]), *(len(row[0]) for row in rows))
        write(f"{headers[0]:<{width}}  " + "  ".join(f"{h:>9}" for h in headers[1:]))
        for row in rows:
            write(f"{row[0]:<{width}}  " + "  ".join(f"{value:>9}" for value in row[1:]))
        for note in report.notes:
            write(f"- {note}")
        if any(m.kept_obsolete for m in report.models):
            write(_("Les lignes obsolètes encore référencées (établissements…) sont gardées telles quelles."))
        write(
            _("Lecture : %(parse).1f s ; écriture : %(write).1f s.")
            % {"parse": report.parse_seconds, "write": report.write_seconds}
        )
        if not report.changed:
            write(self.style.SUCCESS(_("Aucun changement : les référentiels sont déjà à jour.")))
        if report.wet_run:
            if report.changed:
                write(self.style.SUCCESS(_("Référentiels enregistrés.")))
        else:
            write(
                self.style.WARNING(_("Simulation : rien n’a été écrit. Relancer avec --wet-run pour écrire."))
            )
