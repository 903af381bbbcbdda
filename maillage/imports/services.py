"""Writes shared by every import: the ImportRun that makes a wet run resumable, and records its failure."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from maillage.errors import MaillageError
from maillage.imports.models import ImportRun

logger = logging.getLogger(__name__)


@transaction.atomic
def import_run_resume_or_start(*, kind: str, path: Path, described: dict, key: str) -> tuple[ImportRun, bool]:
    """The unfinished run of the same file and options if it committed a batch, else a new run.

    Returns ``(run, resumed)``. A resumed run is set back to running and counts the resumption;
    its ``last_committed_line`` (and offset) tells the pipeline where to start again.
    """
    run = (
        ImportRun.objects.filter(kind=kind, options_key=key)
        .exclude(status=ImportRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .first()
    )
    if run is not None and run.batches_committed:
        run.resumed_count += 1
        run.status = ImportRun.Status.RUNNING
        run.save(update_fields=["resumed_count", "status", "updated_at"])
        return run, True
    if run is None:
        run = ImportRun.objects.create(
            kind=kind,
            file_path=str(path),
            file_fingerprint=described["file"],
            options=described,
            options_key=key,
        )
    return run, False


def _failure_reason(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrompu (Ctrl+C, SIGINT)"
    if isinstance(exc, SystemExit):
        return f"arrêté (SystemExit {exc.code})"
    text = str(exc)
    return f"{type(exc).__name__} : {text}" if not isinstance(exc, MaillageError) else text


def import_run_fail(*, run: ImportRun, reason: str) -> None:
    """Mark ``run`` failed with ``reason``; its committed batches stay, so a rerun resumes after them.

    Called while an exception propagates: the connection may have been broken by it (a lost
    PostgreSQL server), in which case it is reopened once; if the row still cannot be written
    the original exception is what the caller sees, and the run stays « running » only then.
    """
    values = {"status": ImportRun.Status.FAILED, "error": reason[:2000], "finished_at": timezone.now()}
    for attempt in (1, 2):
        try:
            ImportRun.objects.filter(pk=run.pk).update(**values)
            break
        except DatabaseError:
            if attempt == 2 or connection.in_atomic_block:
                logger.exception("import run %s: could not record its failure", run.pk)
                break
            connection.close()
    run.status, run.error = ImportRun.Status.FAILED, values["error"]


def import_run_succeed(*, run: ImportRun | None, counts: dict) -> None:
    """Mark a wet run succeeded with its counts (a dry run has no ``ImportRun``: nothing to do)."""
    if run is None:
        return
    run.status = ImportRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.counts = counts
    run.save()


@contextmanager
def import_run_failure_recorded(run: ImportRun | None) -> Iterator[ImportRun | None]:
    """Any exception leaving the block — KeyboardInterrupt and SystemExit included — fails ``run``.

    Wrap the whole of a wet run in it, from the moment its ``ImportRun`` exists: an import that
    fails is recorded as failed with its reason, never left « running ».
    """
    try:
        yield run
    except BaseException as exc:
        if run is not None:
            import_run_fail(run=run, reason=_failure_reason(exc))
        raise
