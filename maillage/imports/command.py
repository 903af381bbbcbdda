"""The base of every import command: the same options, the same errors and the same closing report.

Subclasses declare their own arguments in ``add_import_arguments`` and build their header
lines; the rejected-by-reason, resumption, first rejections, rejects file and duration lines
are written here, identically for every import.

No traceback reaches the user: an application error (``MaillageError``, the readers' file
errors) is a ``CommandError`` « file, line, field : reason »; Ctrl+C, SIGTERM and any other
error are a ``CommandError`` of one line naming the file and the error too (``--traceback``
re-raises the original, with its traceback, for developers).
SIGTERM is turned into ``SystemExit`` so that, like Ctrl+C, it goes through the pipelines'
``finally`` blocks and marks the run failed
(``maillage.imports.services.import_run_failure_recorded``).
"""

import json
import logging
import signal
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.errors import MaillageError

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

    def execute(self, *args, **options):
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            return super().execute(*args, **options)
        except CommandError:
            raise
        except MaillageError as exc:
            raise CommandError(str(exc)) from exc
        except BaseException:
            if options.get("traceback"):
                raise
            self._raise_one_line(options)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def _raise_one_line(self, options):
        """Re-raise the exception being handled as one line for the person at the terminal."""
        try:
            raise
        except KeyboardInterrupt as exc:
            raise CommandError(f"{_name(options)} : import interrompu (Ctrl+C)", returncode=130) from exc
        except SystemExit as exc:
            if exc.code in (0, None):
                raise
            raise CommandError(f"{_name(options)} : import arrêté (signal ou SystemExit {exc.code})") from exc
        except Exception as exc:
            logger.debug("import failed", exc_info=True)
            raise CommandError(
                f"{_name(options)} : erreur inattendue, import arrêté ({type(exc).__name__} : {exc}) ; "
                "relancez avec --traceback pour le détail"
            ) from exc

    def check_batch_size(self, options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size doit être positif")

    def write_report(
        self,
        report,
        *,
        as_json: bool,
        path: Path,
        counts: list[tuple[str, int]],
        labels: dict,
        reject_line,
        preamble: list[str] = (),
    ) -> None:
        """``counts`` are (label, number) lines; ``reject_line(row)`` words one rejected line.

        ``preamble`` lines come first, right under the title: what the reader must not miss.
        """
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
            return
        mode = "ÉCRITURE" if report.wet_run else DRY_RUN_BANNER
        width = max(len(label) for label, _ in counts) + 2
        lines = [f"{path} — {mode}", *preamble]
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


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def _name(options) -> str:
    path = options.get("file")
    return Path(path).name if path else "import"
