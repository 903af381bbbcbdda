"""Certificates: the back-office page of an event's certificates (« générer les attestations »
for everyone who attended, a PDF each, « envoyer par e-mail »), the public check of a
certificate (``/attestations/<code>/``: valid, whose, which training, how many hours — nothing
else), and the holder's own PDF through the self-service link of their registration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.events import attendance, certificates, pdf
from maillage.events.errors import EventError
from maillage.events.models import Certificate, CertificateKind, Registration
from maillage.www.events.guards import managed_event


def _pdf_response(certificate: Certificate, *, download: bool = False) -> HttpResponse:
    response = HttpResponse(pdf.certificate_pdf(certificate), content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{pdf.certificate_filename(certificate)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def certificate_list(request, slug, event):
    event = managed_event(request, slug, event)
    if request.method == "POST":
        kind = request.POST.get("kind", certificates.default_kind(event))
        try:
            issued = certificates.issue_bulk(event, kind, request.user)
        except EventError as refused:
            messages.error(request, refused.message)
        else:
            n = len(issued)
            messages.success(
                request, ngettext("%(n)s attestation prête.", "%(n)s attestations prêtes.", n) % {"n": n}
            )
        return redirect(request.path)
    issued = certificates.event_certificates(event)
    people = [
        {
            "registration": registration,
            "hours": attendance.hours_attended(registration),
            "certificates": issued.get(registration.pk, []),
        }
        for registration in attendance.attended_registrations(event)
    ]
    context = {
        "event": event,
        "network": event.network,
        "section": "events",
        "people": people,
        "total_hours": attendance.event_hours(event),
        "kinds": CertificateKind.choices,
        "default_kind": certificates.default_kind(event),
        "absent": attendance.roster(event).count() - len(people),
    }
    return render(request, "events/certificates/list.html", context)


def _event_certificate(event, pk) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related("registration__event__network"), registration__event=event, pk=pk
    )


@login_required
@require_GET
def certificate_download(request, slug, event, certificate):
    event = managed_event(request, slug, event)
    return _pdf_response(_event_certificate(event, certificate))


@login_required
@require_POST
def certificate_send(request, slug, event, certificate):
    event = managed_event(request, slug, event)
    certificate = _event_certificate(event, certificate)
    certificates.send(certificate)
    registration = certificate.registration
    messages.success(
        request,
        _("L’attestation part par e-mail à %(name)s.")
        % {"name": f"{registration.first_name} {registration.last_name}"},
    )
    return redirect("events:certificates", event.network.slug, event.slug)


@require_GET
def certificate_check(request, code):
    certificate = certificates.certificate_by_code(code)
    if certificate is None:
        raise Http404
    registration = certificate.registration
    context = {
        "certificate": certificate,
        "registration": registration,
        "event": registration.event,
        "network": registration.event.network,
        "total_hours": attendance.event_hours(registration.event),
    }
    response = render(request, "events/certificates/check.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def registration_certificate(request, token):
    """The holder's certificate through their registration's secret link (no login)."""
    registration = get_object_or_404(Registration, token=token)
    certificate = certificates.registration_certificate(registration)
    if certificate is None:
        raise Http404
    return _pdf_response(certificate, download=True)
