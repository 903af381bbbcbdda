"""Who came, and for how long: the animator's check-in, « marquer présents » after the fact,
the signatures of the French *feuille d'émargement* (each trainee's and the trainer's, per
half-day), and the hours attended that certificates freeze.

Only confirmed registrations are on the lists and may be checked in or sign: a waitlisted or
cancelled person did not hold a seat. A signature is an SVG path (``d`` attribute, drawn on the
pad of ``static/events/signature-pad.js`` in a ``SIGNATURE_BOX`` viewBox); with it we record
the name the signer gave, the time, and the SHA-256 of (session, registration, signer, time,
drawing), printed on the sheet so that a later change of any of them shows.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.events.errors import EventError
from maillage.events.models import (
    Attendance,
    Event,
    EventSession,
    Registration,
    RegistrationStatus,
)

# The drawing's coordinate space (the pad scales to it, the sheet and pages draw in it).
SIGNATURE_BOX = (300, 120)
# Moves and lines only, in numbers: nothing else may reach the SVG we print (no script, no URL).
SIGNATURE_PATH = re.compile(r"^[ML0-9 .,\-]+$")
SIGNATURE_MAX_CHARS = 30_000
# A trainee may sign from this long before the session starts (people arrive early).
SIGN_EARLY = datetime.timedelta(minutes=15)


def _refused(message, *, field: str) -> EventError:
    return EventError(field, message)


def roster(event: Event) -> QuerySet[Registration]:
    """The people on the check-in list and the sheet: confirmed registrations, by name."""
    return (
        event.registrations.confirmed()
        .select_related("establishment")
        .order_by("last_name", "first_name", "pk")
    )


def session_attendances(session: EventSession) -> dict[int, Attendance]:
    """This session's attendance rows by registration id."""
    return {row.registration_id: row for row in session.attendances.all()}


def session_sheet(session: EventSession) -> list[tuple[Registration, Attendance | None]]:
    """The sheet's lines: each confirmed person with their attendance row (None: not yet)."""
    rows = session_attendances(session)
    return [(registration, rows.get(registration.pk)) for registration in roster(session.event)]


@dataclass(frozen=True)
class SessionCount:
    present: int
    total: int


def session_count(session: EventSession) -> SessionCount:
    """« 18 présents sur 24 »: present confirmed people over confirmed people."""
    total = session.event.registrations.confirmed().count()
    present = session.attendances.filter(
        present=True, registration__status=RegistrationStatus.CONFIRMED
    ).count()
    return SessionCount(present=present, total=total)


def _confirmed(registration: Registration, session: EventSession) -> None:
    if registration.event_id != session.event_id:
        raise _refused(_("Cette séance n’est pas celle de cet événement."), field="session")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise _refused(
            _("%(name)s n’a pas d’inscription confirmée.")
            % {"name": f"{registration.first_name} {registration.last_name}"},
            field="registration",
        )


def check_in(registration: Registration, session: EventSession, by, present: bool = True) -> Attendance:
    """Mark ``registration`` present (or absent again) at ``session``. A person who signed the
    sheet stays present: the signature is the proof."""
    _confirmed(registration, session)
    with transaction.atomic():
        row, _created = Attendance.objects.select_for_update().get_or_create(
            registration=registration, session=session
        )
        if not present and row.signed_at:
            raise _refused(
                _("%(name)s a signé la feuille : sa présence ne peut plus être retirée.")
                % {"name": row.signer_name},
                field="present",
            )
        row.present = present
        row.checked_in_at = timezone.now() if present else None
        row.checked_in_by = by if present else None
        row.save(update_fields=["present", "checked_in_at", "checked_in_by"])
    return row


def mark_present_bulk(event: Event, registration_ids, session_ids, by) -> int:
    """Mark every registration × session given present (after the fact); all or nothing.
    Returns the number of rows that were not present before."""
    registration_ids, session_ids = set(map(int, registration_ids)), set(map(int, session_ids))
    if not registration_ids or not session_ids:
        raise _refused(_("Choisissez au moins une personne et une séance."), field="registrations")
    registrations = list(event.registrations.filter(pk__in=registration_ids))
    sessions = list(event.sessions.filter(pk__in=session_ids))
    if len(sessions) != len(session_ids):
        raise _refused(_("Cette séance n’est pas celle de cet événement."), field="sessions")
    if len(registrations) != len(registration_ids):
        raise _refused(_("Cette inscription n’est pas celle de cet événement."), field="registrations")
    changed = 0
    with transaction.atomic():
        for registration in registrations:
            for session in sessions:
                _confirmed(registration, session)
                row, _created = Attendance.objects.select_for_update().get_or_create(
                    registration=registration, session=session
                )
                if not row.present:
                    row.present, row.checked_in_at, row.checked_in_by = True, timezone.now(), by
                    row.save(update_fields=["present", "checked_in_at", "checked_in_by"])
                    changed += 1
    return changed


def signature_hash(*, session_id: int, registration_id: int | None, signer: str, at, drawing: str) -> str:
    """SHA-256 of what a signature binds together; the trainer's has no registration."""
    text = "|".join([str(session_id), str(registration_id or ""), signer, at.isoformat(), drawing])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clean_drawing(signature: str, signer_name: str, session: EventSession, now) -> tuple[str, str]:
    drawing = " ".join((signature or "").split())
    signer = " ".join((signer_name or "").split())
    if not drawing or "L" not in drawing:
        raise _refused(_("Signez dans le cadre avant de valider."), field="signature")
    if len(drawing) > SIGNATURE_MAX_CHARS or not SIGNATURE_PATH.match(drawing):
        raise _refused(_("Cette signature n’a pas pu être lue : recommencez."), field="signature")
    if not signer:
        raise _refused(_("Indiquez le nom du signataire."), field="signer_name")
    if now < session.starts_at - SIGN_EARLY:
        raise _refused(
            _("La feuille de cette séance s’ouvre un quart d’heure avant son début."), field="session"
        )
    return drawing, signer


def sign(
    registration: Registration, session: EventSession, signature: str, signer_name: str, now
) -> Attendance:
    """The trainee's signature of ``session``'s sheet; it marks them present too."""
    _confirmed(registration, session)
    drawing, signer = _clean_drawing(signature, signer_name, session, now)
    with transaction.atomic():
        row, _created = Attendance.objects.select_for_update().get_or_create(
            registration=registration, session=session
        )
        if row.signed_at:
            raise _refused(
                _("%(name)s a déjà signé cette séance.") % {"name": row.signer_name}, field="signature"
            )
        row.signature, row.signer_name, row.signed_at = drawing, signer, now
        row.signature_hash = signature_hash(
            session_id=session.pk, registration_id=registration.pk, signer=signer, at=now, drawing=drawing
        )
        if not row.present:
            row.present, row.checked_in_at = True, now
        row.save()
    return row


def trainer_sign(session: EventSession, signature: str, signer_name: str, now) -> EventSession:
    """The trainer's signature of ``session``'s sheet (once)."""
    drawing, signer = _clean_drawing(signature, signer_name, session, now)
    with transaction.atomic():
        session = EventSession.objects.select_for_update().get(pk=session.pk)
        if session.trainer_signed_at:
            raise _refused(_("Le formateur a déjà signé cette séance."), field="signature")
        # The session has no field for the trainer's name: it is kept on the first line of
        # ``trainer_signature``, before the drawing (``trainer_signature_parts``), and hashed.
        session.trainer_signature, session.trainer_signed_at = f"{signer}\n{drawing}", now
        session.trainer_signature_hash = signature_hash(
            session_id=session.pk, registration_id=None, signer=signer, at=now, drawing=drawing
        )
        session.save(update_fields=["trainer_signature", "trainer_signed_at", "trainer_signature_hash"])
    return session


def trainer_signature_parts(session: EventSession) -> tuple[str, str]:
    """(signer's name, drawing) of the trainer's signature; empty strings before it. A drawing
    stored without the name line (written by hand) gives an empty name."""
    name, sep, drawing = (session.trainer_signature or "").partition("\n")
    if not sep:
        name, drawing = "", name
    return (name, drawing) if SIGNATURE_PATH.match(drawing) else ("", "")


def hours_attended(registration: Registration) -> Decimal:
    """The hours of the sessions at which ``registration`` was marked present."""
    total = Decimal(0)
    for row in registration.attendances.filter(present=True).select_related("session"):
        total += row.session.hours
    return total


def event_hours(event: Event) -> Decimal:
    return sum((session.hours for session in event.sessions.all()), Decimal(0))


def attended_registrations(event: Event) -> QuerySet[Registration]:
    """Confirmed registrations present at one session at least (who may get a certificate)."""
    return (
        roster(event)
        .annotate(sessions_present=Count("attendances", filter=Q(attendances__present=True)))
        .filter(sessions_present__gt=0)
    )
