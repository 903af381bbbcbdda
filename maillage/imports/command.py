"""The base of every import command: the same options and the same closing report.

Subclasses declare their own arguments in ``add_import_arguments`` and build their header
lines; the rejected-by-reason, resumption, first rejections, rejects file and duration lines
are written here, identically for every import.
"""

import json
import logging
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)

DRY_RUN_BANNER = "ESSAI À BLANC (rien n'est écrit ; --wet-run pour écrire)"


class ImportCommand(BaseCommand):
    file_help = "fichier à importer"
    rejects_columns = "line,siret,reason,detail"
    default_batch_size = 1_000

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=self.file_help)
        self.add_import_arguments(parser)
        parser.add_argument(
            "--wet-run", action="store_true", help="écrit dans la base (sinon : essai à blanc)"
        )
        parser.add_argument("--batch-size", type=int, default=self.default_batch_size)
        parser.add_argument("--rejects", type=Path, help=f"CSV des lignes rejetées ({self.rejects_columns})")
        parser.add_argument("--json", action="store_true", help="affiche le bilan en JSON")

    def add_import_arguments(self, parser):
        """Options of one import, between the file and the common options."""

    @contextmanager
    def errors_as_messages(self, path: Path, *expected: type[Exception]):
        """No traceback for the user: ``expected`` errors (which name file, line and field) and
        unreadable files become a message; anything else too, logged with its traceback.

        The import's run, if any, was already recorded failed by the batch loop.
        """
        try:
            yield
        except CommandError:
            raise
        except expected as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{path.name} : fichier illisible ({exc.strerror or exc})") from exc
        except Exception as exc:
            logger.exception("import of %s", path)
            raise CommandError(
                f"{path.name} : import arrêté par une erreur inattendue ({type(exc).__name__} : {exc}) ; "
                "le détail est dans le journal"
            ) from exc

    def check_batch_size(self, options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size doit être positif")

    def write_report(
        self, report, *, as_json: bool, path: Path, counts: list[tuple[str, int]], labels: dict, reject_line
    ) -> None:
        """``counts`` are (label, number) lines; ``reject_line(row)`` words one rejected line."""
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
            return
        mode = "ÉCRITURE" if report.wet_run else DRY_RUN_BANNER
        width = max(len(label) for label, _ in counts) + 2
        lines = [f"{path} — {mode}"]
        lines += [f"  {label:<{width}}{number:>12,}" for label, number in counts]
        lines.append(f"  {'rejetées':<{width}}{sum(report.rejected.values()):>12,}")
        lines += [f"    {labels.get(code, code)} ({code}) : {n:,}" for code, n in report.rejected.items()]
        if report.resumed_from_line:
            lines.append(f"  reprise à la ligne {report.resumed_from_line:,}")
        lines += [
            f"  {path.name}, ligne {row['line']}{reject_line(row)}" for row in report.first_rejects[:10]
        ]
        if report.rejects_path:
            lines.append(f"  rejets : {report.rejects_path}")
        lines.append(f"  durée : {report.seconds:.1f} s")
        self.stdout.write("\n".join(lines))
