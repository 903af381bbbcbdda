"""Imports from the back-office: an animator's file, its dry run, then its wet run in the task queue.

The file is stored under ``MEDIA_ROOT/imports/<network>/<random>/`` (the data directory, never
the repository), its size and extension checked; ``import_upload_check`` runs the dry run of
the same pipeline as the commands (``kinds.run_file_import``) while the animator waits, and
records nothing when the file is refused as a whole: the form shows the command's message.
``import_upload_queue`` hands the wet run to Huey (``tasks.import_upload_run_task``), which
claims it once (queued → running) and calls ``import_upload_run``: batches commit one by one
into the ``ImportRun`` the progress bar reads; a failed run queued again resumes after its last
committed batch (the commands' resumption, keyed by file and options), so nothing is doubled.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from maillage.errors import MaillageError
from maillage.imports import kinds, tasks
from maillage.imports.limits import ImportLimitError
from maillage.imports.models import ImportUpload
from maillage.imports.selectors import import_upload_stalled
from maillage.imports.sirene.reader import fingerprint

logger = logging.getLogger(__name__)

DRY_REJECTS = "essai-rejets.csv"
WET_REJECTS = "rejets.csv"


class ImportUploadError(MaillageError):
    """A file or an option refused before anything is written; ``field`` names the form field."""


def _file_message(exc: BaseException) -> str:
    """The message the command prints: « file, line, field : reason » for the files' errors."""
    if isinstance(exc, MaillageError) and not isinstance(exc, ImportLimitError):
        return exc.message  # a service's refusal (the taxonomy not loaded): its text alone
    return str(exc)


def upload_dir(upload: ImportUpload) -> Path:
    return settings.MEDIA_ROOT / Path(upload.file).parent


def upload_path(upload: ImportUpload) -> Path:
    return settings.MEDIA_ROOT / upload.file


def rejects_path(upload: ImportUpload, *, dry: bool) -> Path:
    return upload_dir(upload) / (DRY_REJECTS if dry else WET_REJECTS)


def _store(network, uploaded) -> tuple[str, Path]:
    """Copy the uploaded file under the media directory; its path relative to it, and absolute."""
    name = get_valid_filename(Path(uploaded.name).name) or "fichier"
    relative = Path("imports") / network.slug / secrets.token_hex(8) / name
    target = settings.MEDIA_ROOT / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return str(relative), target


def _check_file(kind: str, uploaded) -> None:
    if kind not in kinds.EXTENSIONS:
        raise ImportUploadError("kind", _("Type d’import inconnu."))
    extensions = kinds.EXTENSIONS[kind]
    if Path(uploaded.name).suffix.lower() not in extensions:
        raise ImportUploadError(
            "file",
            _("%(file)s : format non pris en charge pour cet import (%(formats)s attendu)")
            % {"file": uploaded.name, "formats": ", ".join(ext.lstrip(".").upper() for ext in extensions)},
        )
    limit = settings.IMPORTS_UPLOAD_MAX_MB * 1024 * 1024
    if uploaded.size > limit:
        raise ImportUploadError(
            "file",
            _("%(file)s : fichier trop lourd (%(max)s Mo au plus)")
            % {"file": uploaded.name, "max": settings.IMPORTS_UPLOAD_MAX_MB},
        )
    if not uploaded.size:
        raise ImportUploadError("file", _("%(file)s : fichier vide") % {"file": uploaded.name})


def import_upload_check(*, network, kind: str, uploaded, options: dict, actor) -> ImportUpload:
    """Store ``uploaded`` and make the dry run; the upload, its dry report and its total.

    Raises ``ImportUploadError`` (field ``file``, the command's message) when the file or an
    option is refused as a whole: then the stored file is removed and nothing is recorded.
    """
    _check_file(kind, uploaded)
    relative, path = _store(network, uploaded)
    try:
        report = kinds.run_file_import(
            kind,
            path,
            wet_run=False,
            network=network.slug,
            rejects_path=path.parent / DRY_REJECTS,
            actor=actor,
            options=options,
        )
    except kinds.FILE_ERRORS as exc:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise ImportUploadError("file", _file_message(exc)) from exc
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    return ImportUpload.objects.create(
        network=network,
        kind=kind,
        file=relative,
        file_name=uploaded.name[:255],
        file_size=uploaded.size,
        file_fingerprint=fingerprint(path),
        options=options,
        dry_report=report.as_dict(),
        total=report.records,
        created_by=actor,
    )


@transaction.atomic
def import_upload_queue(*, upload: ImportUpload, actor) -> ImportUpload:
    """Queue the wet run of a dry-run upload, or again that of a failed or stalled one (it resumes)."""
    upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    stalled = import_upload_stalled(upload, minutes=settings.IMPORTS_STALLED_MINUTES)
    if upload.status not in (ImportUpload.Status.CHECKED, ImportUpload.Status.FAILED) and not stalled:
        raise ImportUploadError("", _("Cet import est déjà lancé."))
    upload.status = ImportUpload.Status.QUEUED
    upload.queued_at = timezone.now()
    upload.imported_by = actor
    upload.error = ""
    upload.save(update_fields=["status", "queued_at", "imported_by", "error"])
    transaction.on_commit(lambda pk=upload.pk: tasks.import_upload_run_task(pk))
    return upload


def import_upload_run(*, upload_id: int) -> str | None:
    """The wet run of a queued upload (the task's body); its final status, None if not queued.

    The claim queued → running is one UPDATE: a task delivered twice runs the import once.
    """
    claimed = ImportUpload.objects.filter(pk=upload_id, status=ImportUpload.Status.QUEUED).update(
        status=ImportUpload.Status.RUNNING
    )
    if not claimed:
        return None
    upload = ImportUpload.objects.select_related("network", "imported_by").get(pk=upload_id)
    try:
        report = kinds.run_file_import(
            upload.kind,
            upload_path(upload),
            wet_run=True,
            network=upload.network.slug,
            rejects_path=rejects_path(upload, dry=False),
            actor=upload.imported_by,
            options=upload.options,
        )
    except BaseException as exc:
        message = _file_message(exc)
        if not isinstance(exc, kinds.FILE_ERRORS):
            logger.exception("import upload %s failed", upload_id)
            message = _("erreur inattendue, import arrêté (%(error)s)") % {"error": type(exc).__name__}
        ImportUpload.objects.filter(pk=upload_id).update(
            status=ImportUpload.Status.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        if not isinstance(exc, Exception):
            raise
        return ImportUpload.Status.FAILED
    ImportUpload.objects.filter(pk=upload_id).update(
        status=ImportUpload.Status.SUCCEEDED,
        report=report.as_dict(),
        import_run_id=report.run_id,
        finished_at=timezone.now(),
    )
    return ImportUpload.Status.SUCCEEDED
