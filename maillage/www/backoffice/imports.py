"""Imports from the back-office: upload a file, see its dry run, import it with a progress bar.

The same pipeline as the import commands (``maillage.imports.kinds.run_file_import``, through
``maillage.imports.uploads``): the dry run is made on upload, the wet run in the task queue, and
the page polls a progress fragment (htmx) until the report. Every view is scoped by the network
of its URL (``animated_network``); another network's import is not found (404).
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage import downloads
from maillage.imports import kinds, uploads
from maillage.imports.batch import REJECT_COLUMNS
from maillage.imports.models import ImportUpload
from maillage.imports.selectors import import_upload_progress, import_upload_stalled, network_import_uploads
from maillage.www.backoffice.import_forms import ImportUploadForm
from maillage.www.backoffice.views import _context
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network
from maillage.www.pagination import paginate

PER_PAGE = 20
PROFILE_REJECT_COLUMNS = ("line", "siret", "column", "reason", "detail")
FINISHED = (ImportUpload.Status.SUCCEEDED, ImportUpload.Status.FAILED)


@login_required
def imports(request, slug):
    network = animated_network(request, slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = uploads.import_upload_check(
                network=network,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
                options=form.options(),
                actor=request.user,
            )
        except uploads.ImportUploadError as error:
            attach_error(form, error)
        else:
            return redirect("backoffice:import_detail", slug=network.slug, pk=upload.pk)
    page = paginate(request, network_import_uploads(network), PER_PAGE)
    return render(request, "backoffice/imports.html", _context(network, "imports", form=form, page=page))


def _upload(network, pk) -> ImportUpload:
    return get_object_or_404(network_import_uploads(network), pk=pk)


def _report_context(upload: ImportUpload, report: dict) -> dict:
    return {
        "counts": kinds.report_counts(upload.kind, report),
        "rejected": kinds.rejected_counts(upload.kind, report),
        "rejected_total": sum(report.get("rejected", {}).values()),
        # The profiles' rejects name a column, the records' a field: one name on the page.
        "first_rejects": [
            {**row, "field": row.get("field", row.get("column", ""))}
            for row in report.get("first_rejects", [])
        ],
    }


@login_required
def import_detail(request, slug, pk):
    network = animated_network(request, slug)
    upload = _upload(network, pk)
    context = _context(
        network,
        "imports",
        upload=upload,
        dry=_report_context(upload, upload.dry_report),
        wet=_report_context(upload, upload.report) if upload.report else None,
        progress=import_upload_progress(upload),
        stalled=import_upload_stalled(upload, minutes=settings.IMPORTS_STALLED_MINUTES),
    )
    return render(request, "backoffice/import_detail.html", context)


@login_required
def import_progress(request, slug, pk):
    """The progress fragment, polled by htmx while the import runs; the whole page once it is done."""
    network = animated_network(request, slug)
    upload = _upload(network, pk)
    if upload.status in FINISHED and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("backoffice:import_detail", args=[network.slug, upload.pk])
        return response
    context = {"network": network, "upload": upload, "progress": import_upload_progress(upload)}
    return render(request, "backoffice/includes/import_progress.html", context)


@require_POST
@login_required
def import_start(request, slug, pk):
    network = animated_network(request, slug)
    upload = _upload(network, pk)
    try:
        uploads.import_upload_queue(upload=upload, actor=request.user)
    except uploads.ImportUploadError as error:
        messages.error(request, error.message)
    return redirect("backoffice:import_detail", slug=network.slug, pk=upload.pk)


@login_required
def import_report(request, slug, pk):
    """The report of the import, or of its dry run (``?essai=1``), as the site's CSV."""
    network = animated_network(request, slug)
    upload = _upload(network, pk)
    dry = bool(request.GET.get("essai"))
    report = upload.dry_report if dry else upload.report
    if not report:
        raise Http404
    header = (_("Rubrique"), _("Libellé"), _("Nombre"))
    rows = [(_("Compteurs"), label, n) for label, n in kinds.report_counts(upload.kind, report)]
    rejected = kinds.rejected_counts(upload.kind, report)
    rows += [(_("Rejets par motif"), label, n) for _code, label, n in rejected]
    stem = upload.file_name.rsplit(".", 1)[0]
    name = _("%(file)s-bilan-essai.csv") if dry else _("%(file)s-bilan.csv")
    return downloads.response(downloads.csv_bytes(header, rows), filename=name % {"file": stem})


@login_required
def import_rejects(request, slug, pk):
    """The rejected lines of the dry run (``?essai=1``) or of the import, as the site's CSV."""
    network = animated_network(request, slug)
    upload = _upload(network, pk)
    dry = bool(request.GET.get("essai"))
    path = uploads.rejects_path(upload, dry=dry)
    if not path.exists():
        raise Http404
    header = PROFILE_REJECT_COLUMNS if upload.kind == ImportUpload.Kind.PROFILES else REJECT_COLUMNS
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [[row.get(column, "") for column in header] for row in csv.DictReader(handle)]
    stem = upload.file_name.rsplit(".", 1)[0]
    name = _("%(file)s-rejets-essai.csv") if dry else _("%(file)s-rejets.csv")
    return downloads.response(downloads.csv_bytes(header, rows), filename=name % {"file": stem})
