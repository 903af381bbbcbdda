"""The PDFs of events: a session's *feuille d'émargement* and a certificate, rendered by
WeasyPrint from HTML templates (``templates/events/pdf/``), as the leakage report is; the QR
code of a certificate's verification URL made with ``segno``, embedded as an SVG data URI (no
file, no network access while rendering).

``*_html`` return the page WeasyPrint lays out, so that tests and screenshots read the same
text the PDF prints."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from maillage.emails import absolute_url
from maillage.events import attendance
from maillage.events.models import Certificate, EventSession


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy: loaded on the first PDF only

    return HTML(string=html).write_pdf()


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def sheet_html(session: EventSession) -> str:
    event = session.event
    trainer_name, trainer_drawing = attendance.trainer_signature_parts(session)
    return render_to_string(
        "events/pdf/sheet.html",
        {
            "event": event,
            "network": event.network,
            "session": session,
            "box": attendance.SIGNATURE_BOX,
            "people": attendance.session_sheet(session),
            "trainer_name": trainer_name,
            "trainer_drawing": trainer_drawing,
        },
    )


def sheet_pdf(session: EventSession) -> bytes:
    return _pdf(sheet_html(session))


def verification_url(certificate: Certificate) -> str:
    return absolute_url(reverse("events:certificate_check", args=[certificate.verification_code]))


def certificate_html(certificate: Certificate) -> str:
    registration = certificate.registration
    event = registration.event
    url = verification_url(certificate)
    return render_to_string(
        "events/pdf/certificate.html",
        {
            "certificate": certificate,
            "registration": registration,
            "event": event,
            "network": event.network,
            "sessions": list(event.sessions.all()),
            "total_hours": attendance.event_hours(event),
            "url": url,
            "qr": qr_data_uri(url),
        },
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    return _pdf(certificate_html(certificate))


def certificate_filename(certificate: Certificate) -> str:
    registration = certificate.registration
    stem = "attestation" if certificate.kind == "attendance" else "certificat"
    return f"{stem}-{registration.event.slug}-{registration.pk}.pdf"
