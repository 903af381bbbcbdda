"""Writes shared by every import: the ImportRun that makes a wet run resumable."""

from pathlib import Path

from django.db import transaction

from maillage.imports.models import ImportRun


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
