"""Certificates: an « attestation de présence » or a « certificat de réalisation », issued
only to people who attended (hours attended > 0), the hours frozen at issue, a public
verification code (the page ``/attestations/<code>/`` and the QR code of the PDF lead to it).

Sending one by e-mail goes through the one path for e-mails to registered people
(``sending.registration_send``, kind "certificate", the certificate's id as key, the PDF
attached by ``_certificate_extras``) from the task queue.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.events import attendance, pdf, sending
from maillage.events.errors import EventError
from maillage.events.models import (
    Certificate,
    CertificateKind,
    Event,
    Registration,
    RegistrationMessageKind,
    RegistrationStatus,
)


def default_kind(event: Event) -> str:
    """A training ends with a « certificat de réalisation », anything else with an attestation."""
    return CertificateKind.COMPLETION if event.is_training else CertificateKind.ATTENDANCE


def issue(registration: Registration, kind: str, by) -> Certificate:
    """The certificate of ``kind`` for ``registration`` (the one already issued if any: its
    hours stay those frozen then)."""
    if kind not in CertificateKind.values:
        raise EventError("kind", _("Type d’attestation inconnu."))
    existing = registration.certificates.filter(kind=kind).first()
    if existing:
        return existing
    if registration.status != RegistrationStatus.CONFIRMED:
        raise EventError("registration", _("Cette inscription n’est pas confirmée."))
    hours = attendance.hours_attended(registration)
    if hours <= 0:
        raise EventError(
            "registration",
            _("%(name)s n’a été marqué présent à aucune séance : pas d’attestation sans présence.")
            % {"name": f"{registration.first_name} {registration.last_name}"},
        )
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                registration=registration,
                kind=kind,
                hours=hours,
                verification_code=secrets.token_urlsafe(18),
                issued_at=timezone.now(),
                issued_by=by,
            )
    except IntegrityError:  # issued meanwhile by another request: that one stands
        return registration.certificates.get(kind=kind)


def issue_bulk(event: Event, kind: str, by) -> list[Certificate]:
    """Certificates of ``kind`` for everyone who attended ``event`` (existing ones kept)."""
    with transaction.atomic():
        return [issue(registration, kind, by) for registration in attendance.attended_registrations(event)]


def event_certificates(event: Event) -> dict[int, list[Certificate]]:
    """The certificates of ``event`` by registration id."""
    found: dict[int, list[Certificate]] = {}
    for certificate in Certificate.objects.filter(registration__event=event).order_by("kind"):
        found.setdefault(certificate.registration_id, []).append(certificate)
    return found


def certificate_by_code(code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("registration__event__network", "registration__establishment")
        .filter(verification_code=code)
        .first()
    )


def registration_certificate(registration: Registration) -> Certificate | None:
    """The certificate a registered person downloads: the certificate of completion if any."""
    return registration.certificates.order_by("-kind").first()  # "completion" before "attendance"


def send(certificate: Certificate) -> None:
    """Queue the e-mail of ``certificate`` to its holder (at most once per certificate)."""
    from maillage.events.tasks import registration_send_task

    registration_id, key = certificate.registration_id, str(certificate.pk)
    transaction.on_commit(
        lambda: registration_send_task(registration_id, RegistrationMessageKind.CERTIFICATE.value, key)
    )


def _certificate_extras(registration: Registration, key: str):
    certificate = registration.certificates.get(pk=int(key))
    attachment = (pdf.certificate_filename(certificate), pdf.certificate_pdf(certificate), "application/pdf")
    return {"certificate": certificate, "url": pdf.verification_url(certificate)}, [attachment]


sending.EXTRAS[RegistrationMessageKind.CERTIFICATE.value] = _certificate_extras
