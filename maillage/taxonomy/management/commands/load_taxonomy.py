"""Load the reviewed taxonomy files into the database.

    maillage load-taxonomy              # dry run: validate, count what would change, write nothing
    maillage load-taxonomy --wet-run    # write

Idempotent: a second wet run reports that nothing changed. Nodes added by animators in the
admin are never touched; file nodes that left the files are deactivated, never deleted.
NAF, ROME and CPV codes that the referential does not hold yet are reported, not fatal: the
links are stored by code and join as soon as ``maillage load-referential`` has run.
Validation errors name the file, the line, the node and the field, and nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from maillage.taxonomy.loader import DATA_DIR, read_taxonomy
from maillage.taxonomy.services import REPORTED_MISSING, taxonomy_load


class Command(BaseCommand):
    help = "Charge les fichiers de la taxonomie des savoir-faire (à blanc par défaut)."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--wet-run", action="store_true", help="écrire en base (sinon : à blanc)")
        mode.add_argument("--dry-run", action="store_true", help="à blanc (le défaut) : valider et compter")
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="dossier des fichiers TOML")

    def handle(self, *args, wet_run, data_dir, **options):
        data = read_taxonomy(data_dir)
        if data.errors:
            for problem in data.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)d erreur(s) dans les fichiers de la taxonomie : rien n’a été chargé.")
                % {"count": len(data.errors)}
            )
        report = taxonomy_load(data=data, dry_run=not wet_run)
        write = self.stdout.write
        write(
            _("Taxonomie %(version)s (%(hash)s) : %(nodes)d nœuds, %(hints)d indices NAF.")
            % {
                "version": data.version,
                "hash": data.content_hash[:12],
                "nodes": len(data.nodes),
                "hints": len(data.hints),
            }
        )
        if not report.changed:
            write(self.style.SUCCESS(_("Aucun changement : la base est déjà à jour.")))
        else:
            write(
                _(
                    "Nœuds : %(created)d créés, %(updated)d modifiés (dont %(adopted)d ajouts "
                    "d’animateurs repris par les fichiers), %(deactivated)d désactivés, "
                    "%(unchanged)d inchangés."
                )
                % {
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "adopted": len(report.adopted),
                    "deactivated": len(report.deactivated),
                    "unchanged": report.unchanged,
                }
            )
            for code in report.deactivated:
                write("  " + _("désactivé : %(code)s") % {"code": code})
            write(
                _("Indices NAF : %(created)d créés, %(updated)d modifiés, %(deleted)d supprimés.")
                % report.hints
            )
            write(_("Liens ROME/CPV : %(created)d créés, %(deleted)d supprimés.") % report.links)
        for label, codes in report.missing.items():
            shown = ", ".join(codes[:REPORTED_MISSING]) + (" …" if len(codes) > REPORTED_MISSING else "")
            self.stderr.write(
                _(
                    "%(count)d code(s) %(label)s absents du référentiel (liens conservés par code, ils se "
                    "rattacheront après load-referential) : %(codes)s"
                )
                % {"count": len(codes), "label": label, "codes": shown}
            )
        for warning in report.warnings:
            self.stderr.write(warning)
        if report.dry_run:
            write(self.style.WARNING(_("À blanc : rien n’a été écrit. Relancer avec --wet-run pour écrire.")))
