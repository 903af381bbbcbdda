"""Registration writes: the only code that writes ``Registration`` rows.

- ``register``: one person (validated: event published, window open, required questions, one
  live registration per address, per-company cap) → awaiting validation (moderated event),
  confirmed (a seat is free and nobody waits ahead) or on the waitlist;
- ``cancel``, ``replace`` (hand the seat to a colleague), ``moderate``, ``accept_offer``,
  ``decline_offer``, ``promote`` (the waitlist's rule, ``waitlist.decide``, applied);
- ``reminders_due``: the reminder tick (J-7, J-1…), batched for tens of thousands of seats.

Seats are counted under a lock on the event's row (``select_for_update``) inside the
transaction that writes: two people registering at once for the last seat are serialised, so
an event is never overbooked and a freed seat is offered once. The address is lower-cased, and
the partial unique constraint ``unique_active_registration`` refuses a second live
registration even if two requests pass the check together.

Every e-mail (``sending.registration_send`` through ``tasks.registration_send_task``) is queued
on commit: a rolled-back registration sends nothing. The ``.ics`` attached to confirmations,
updates and cancellations is written here, with the one iCalendar writer (``ics.py``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from maillage import delivery
from maillage.directory.models import Contact, Establishment
from maillage.emails import absolute_url
from maillage.events import ics, sending, waitlist
from maillage.events.errors import EventError
from maillage.events.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationMessage,
    RegistrationMessageKind,
    RegistrationStatus,
)
from maillage.events.selectors import event_description, event_location

MEMBER, OTHER = 0, 1  # Registration.priority: the waitlist's classes
SEAT_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED, RegistrationStatus.WAITLISTED)
S_WAITING = RegistrationStatus.WAITLISTED
REMINDER_BATCH = 500  # registrations per queued task of the reminder tick


# --- e-mails -----------------------------------------------------------------------------------


def _queue(registration: Registration, kind: str, key: str = "") -> None:
    from maillage.events import tasks  # tasks imports this module (the tick, the .ics extras)

    registration_id = registration.pk
    transaction.on_commit(lambda: tasks.registration_send_task(registration_id, kind, key))


def event_path(event: Event) -> str:
    """The event's public page (``events:event``, written by the calendar's part)."""
    return f"/reseaux/{event.network.slug}/agenda/{event.slug}/"


def self_service_path(registration: Registration) -> str:
    return f"/inscriptions/{registration.token}/"


def event_ics(event: Event, *, method: str) -> bytes:
    """The event alone, as an e-mail attachment (REQUEST, or CANCEL for a cancellation)."""
    url = absolute_url(event_path(event))
    return ics.calendar(
        [event],
        name=event.title,
        method=method,
        component=lambda e: ics.event_component(
            e, url=url, description=event_description(e), location=event_location(e, online=True)
        ),
    )


def _extras(registration: Registration, key: str):
    """Context and attachment of the messages to registered people (``sending.EXTRAS``)."""
    event = registration.event
    context = {
        "manage_url": absolute_url(self_service_path(registration)),
        "event_url": absolute_url(event_path(event)),
        "location": event_location(event, online=True),
        "sessions": list(event.sessions.all()),
    }
    return context, []


def _extras_with_ics(method: str):
    def extras(registration: Registration, key: str):
        context, _attachments = _extras(registration, key)
        cancelled = method == "CANCEL" or registration.event.status == EventStatus.CANCELLED
        if method == "CANCEL" and registration.confirmed_at is None:
            return context, []  # never in the person's calendar: nothing to take out
        if method == "REQUEST" and registration.status != RegistrationStatus.CONFIRMED:
            return context, []  # told of a change, but no seat: nothing to put in a calendar
        content = event_ics(registration.event, method="CANCEL" if cancelled else "REQUEST")
        return context, [("invitation.ics", content, "text/calendar")]

    return extras


for _kind in ("received", "waitlisted", "offer", "reminder", "declined"):
    sending.EXTRAS[_kind] = _extras
sending.EXTRAS["confirmed"] = _extras_with_ics("REQUEST")
sending.EXTRAS["updated"] = _extras_with_ics("REQUEST")
sending.EXTRAS["cancelled"] = _extras_with_ics("CANCEL")


# --- seats -------------------------------------------------------------------------------------


def company_key(registration: Registration) -> str | None:
    """The company a registration counts against for the per-company cap."""
    return _company(registration.establishment_id, registration.company_name)


def _company(establishment_id: int | None, company_name: str) -> str | None:
    if establishment_id:
        return f"e{establishment_id}"
    name = " ".join(company_name.split()).casefold()
    return f"n:{name}" if name else None


def _locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends: seat counts are read under it."""
    return Event.objects.select_for_update().select_related("network").get(pk=event.pk)


NEW = 0  # the waitlist's id of a registration not yet written (``register`` places it first)
SEAT_FIELDS = (
    "pk",
    "establishment_id",
    "company_name",
    "priority",
    "queued_at",
    "status",
    "offer_expires_at",
)


def _seat(registration: Registration, status: str | None = None) -> waitlist.Seat:
    return waitlist.Seat(
        id=registration.pk or NEW,
        company=company_key(registration),
        priority=registration.priority,
        queued_at=registration.queued_at,
        status=status or registration.status,
        offer_expires_at=registration.offer_expires_at,
    )


def _seats(event: Event) -> list[waitlist.Seat]:
    """The seats held or waited for, as plain values (read at every registration: no models)."""
    rows = event.registrations.filter(status__in=SEAT_STATUSES).values_list(*SEAT_FIELDS)
    return [
        waitlist.Seat(
            id=pk,
            company=_company(establishment_id, company_name),
            priority=priority,
            queued_at=queued_at,
            status=status,
            offer_expires_at=expires,
        )
        for pk, establishment_id, company_name, priority, queued_at, status, expires in rows
    ]


def _apply(event: Event, now: datetime, newcomer: Registration | None = None) -> waitlist.Decision:
    """Run the waitlist's rule on the locked ``event`` and write its decision. ``newcomer`` (a
    registration being placed: about to be written, or just approved) queues as a waiting
    person; offered a seat, it is confirmed at once (the person is here to take it). A newcomer
    not yet written gets its status here and is saved by the caller."""
    seats = _seats(event)
    started = event.starts_at <= now
    if started:  # nobody waiting is offered a seat any more: a free one goes to the newcomer
        seats = [seat for seat in seats if seat.status != waitlist.WAITLISTED]
    newcomer_id = None
    if newcomer is not None:
        newcomer_id = newcomer.pk or NEW
        seats.append(_seat(newcomer, waitlist.WAITLISTED))
    decision = waitlist.decide(
        seats,
        capacity=event.capacity,
        per_company_cap=event.per_company_cap,
        now=now,
        offer_hours=event.offer_hours,
        not_after=event.starts_at,
    )
    if decision.expired:
        Registration.objects.filter(pk__in=decision.expired).update(
            status=RegistrationStatus.CANCELLED, cancelled_at=now, updated_at=now
        )
    others = [pk for pk in decision.offers if pk != newcomer_id]
    if others:
        key = decision.offer_expires_at.strftime("%Y%m%dT%H%M")
        for registration in Registration.objects.filter(pk__in=others):
            registration.status = RegistrationStatus.OFFERED
            registration.offer_expires_at = decision.offer_expires_at
            registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
            _queue(registration, RegistrationMessageKind.OFFER, key)
    if newcomer is not None:
        if newcomer_id in decision.offers:
            newcomer.status, newcomer.confirmed_at = RegistrationStatus.CONFIRMED, now
        else:
            newcomer.status = RegistrationStatus.WAITLISTED
        newcomer.offer_expires_at = None
        if newcomer.pk:
            newcomer.save(update_fields=["status", "confirmed_at", "offer_expires_at", "updated_at"])
    return decision


def _message_for(status: str) -> str:
    return {
        RegistrationStatus.PENDING: RegistrationMessageKind.RECEIVED,
        RegistrationStatus.CONFIRMED: RegistrationMessageKind.CONFIRMED,
        RegistrationStatus.WAITLISTED: RegistrationMessageKind.WAITLISTED,
    }[status]


# --- register ----------------------------------------------------------------------------------


def _when(value: datetime) -> str:
    """« mardi 15 septembre 2026, 9 h 00 » (in English « Tuesday 15 September 2026, 9:00 »), as
    the pages' ``long_day`` and ``clock`` filters write it."""
    local = timezone.localtime(value)
    day = formats.date_format(local, "l j F Y")
    if (translation.get_language() or "fr").startswith("fr"):
        return f"{day}, {local.hour}\u00a0h\u00a0{local.minute:02d}"
    return f"{day}, {local.hour}:{local.minute:02d}"


def _check_open(event: Event, now: datetime) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise EventError("", _("Les inscriptions à cet événement ne sont pas ouvertes."))
    if event.registration_opens_at and now < event.registration_opens_at:
        raise EventError(
            "", _("Les inscriptions ouvrent le %(when)s.") % {"when": _when(event.registration_opens_at)}
        )
    closes = min(filter(None, (event.registration_closes_at, event.starts_at)))
    if now >= closes:
        raise EventError("", _("Les inscriptions sont closes depuis le %(when)s.") % {"when": _when(closes)})


def closed_reason(event: Event, now: datetime | None = None) -> str:
    """Why ``event`` takes no registration at ``now`` (the form page says it), or ""."""
    try:
        _check_open(event, now or timezone.now())
    except EventError as error:
        return error.message
    return ""


def seat_counts(event: Event) -> dict[str, int]:
    """Registrations of ``event`` by status, and the seats left (None: unlimited)."""
    counts = dict.fromkeys(RegistrationStatus.values, 0)
    for row in event.registrations.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    held = counts[RegistrationStatus.CONFIRMED] + counts[RegistrationStatus.OFFERED]
    counts["left"] = None if event.capacity is None else max(event.capacity - held, 0)
    return counts


def _clean_person(first_name: str, last_name: str, email: str) -> tuple[str, str, str]:
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    if not first_name:
        raise EventError("first_name", _("Indiquez le prénom."))
    if not last_name:
        raise EventError("last_name", _("Indiquez le nom."))
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise EventError("email", _("Cette adresse e-mail n’est pas valide.")) from None
    return first_name, last_name, email


def _clean_answers(event: Event, answers: dict | None) -> dict:
    answers = {str(k): " ".join(str(v).split()) for k, v in (answers or {}).items()}
    kept = {}
    for question in event.questions.all():
        answer = answers.get(str(question.pk), "")[:2000]
        if question.required and not answer:
            raise EventError(f"question_{question.pk}", _("Répondez à cette question."))
        if answer:
            kept[str(question.pk)] = answer
    return kept


def _already(email: str) -> EventError:
    return EventError("email", _("%(email)s est déjà inscrit à cet événement.") % {"email": email})


def _check_company_cap(event: Event, registration: Registration) -> None:
    key = company_key(registration)
    if key is None or event.per_company_cap is None:
        return
    same = event.registrations.active()
    if registration.establishment_id:
        same = same.filter(establishment_id=registration.establishment_id)
    else:
        same = same.filter(establishment__isnull=True, company_name__iexact=registration.company_name.strip())
    if same.count() >= event.per_company_cap:
        raise EventError(
            "company",
            _("Votre entreprise a déjà %(count)d inscrits : c’est le nombre de places par entreprise.")
            % {"count": event.per_company_cap},
        )


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def is_member(establishment: Establishment | None, network) -> bool:
    return bool(
        establishment is not None
        and Establishment.objects.current_members(network).filter(pk=establishment.pk).exists()
    )


def _contact(event: Event, establishment: Establishment | None, email: str) -> Contact | None:
    """The network's contact of this address at this company, when the CRM knows them
    (``Registration.contact``): who of the network's contacts registered and came, for the
    later modules (bulletins, surveys, activity report) that start from contacts."""
    if establishment is None:
        return None
    return (
        Contact.objects.filter(network_id=event.network_id, establishment=establishment, email__iexact=email)
        .order_by("pk")
        .first()
    )


def register(
    event: Event,
    *,
    first_name: str,
    last_name: str,
    email: str,
    establishment: Establishment | None = None,
    company_name: str = "",
    user=None,
    answers: dict | None = None,
    phone: str = "",
    job_title: str = "",
    registered_by=None,
    by_organiser: bool = False,
    notify: bool = True,
    now: datetime | None = None,
) -> Registration:
    """Register one person to ``event``. ``by_organiser``: added by hand from the back-office
    (invitation-only events are filled this way): the window, the validation step and the
    per-company cap are the organiser's call; the seats are not. ``notify=False`` sends the
    person nothing (the demo's fictitious people, a past season written afterwards)."""
    first_name, last_name, email = _clean_person(first_name, last_name, email)
    kept_answers = _clean_answers(event, answers)
    with transaction.atomic():
        event = _locked(event)
        # Read once the lock is held: the queue's order is the order seats were counted in.
        now = now or timezone.now()
        if by_organiser:
            if event.status == EventStatus.CANCELLED:
                raise EventError("", _("Cet événement est annulé."))
        else:
            _check_open(event, now)
        if event.registrations.active().filter(email=email).exists():
            raise _already(email)
        registration = Registration(
            event=event,
            establishment=establishment,
            contact=_contact(event, establishment, email),
            company_name="" if establishment else " ".join(company_name.split())[:200],
            user=user if _signed_in(user) else None,
            first_name=first_name[:150],
            last_name=last_name[:150],
            email=email,
            phone=phone.strip()[:30],
            job_title=job_title.strip()[:150],
            answers=kept_answers,
            priority=MEMBER if is_member(establishment, event.network) else OTHER,
            queued_at=now,
            token=secrets.token_urlsafe(32),
            registered_by=registered_by if _signed_in(registered_by) else None,
            # Placed below (``_apply``) unless it waits for the organiser's validation.
            status=RegistrationStatus.PENDING if event.moderated and not by_organiser else S_WAITING,
        )
        if not by_organiser:
            _check_company_cap(event, registration)
        if registration.status != RegistrationStatus.PENDING:
            _apply(event, now, newcomer=registration)  # its status, before it is written
        try:
            # No savepoint of its own: a refused insert rolls back this whole block (raised on).
            registration.save()
        except IntegrityError:
            raise _already(email) from None  # the same address, registered by a concurrent request
        if notify:
            _queue(registration, _message_for(registration.status))
    return registration


# --- after registering -------------------------------------------------------------------------


def _reloaded(registration: Registration) -> tuple[Event, Registration]:
    """The event locked, then the registration read again under that lock."""
    event = _locked(registration.event)
    return event, Registration.objects.select_related("event").get(pk=registration.pk)


def cancel(registration: Registration, *, now: datetime | None = None) -> Registration:
    """The person cancels (or the organiser for them): the seat frees and goes to the waitlist."""
    now = now or timezone.now()
    with transaction.atomic():
        event, registration = _reloaded(registration)
        if registration.status not in (*SEAT_STATUSES, RegistrationStatus.PENDING):
            raise EventError("", _("Cette inscription est déjà annulée."))
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "cancelled_at", "offer_expires_at", "updated_at"])
        _queue(registration, RegistrationMessageKind.CANCELLED)
        _apply(event, now)
    return registration


def replace(
    registration: Registration, *, first_name: str, last_name: str, email: str, now: datetime | None = None
) -> Registration:
    """Hand a confirmed seat to a colleague: a new confirmed registration (``replaces`` the old
    one, same company, same place in the queue), the old one cancelled. The seat never frees,
    so nobody is promoted."""
    now = now or timezone.now()
    first_name, last_name, email = _clean_person(first_name, last_name, email)
    with transaction.atomic():
        event, old = _reloaded(registration)
        if old.status != RegistrationStatus.CONFIRMED:
            raise EventError("", _("Seule une inscription confirmée peut être cédée."))
        if event.status != EventStatus.PUBLISHED or event.starts_at <= now:
            raise EventError("", _("Cet événement n’accepte plus de changement."))
        if event.registrations.active().filter(email=email).exists():
            raise _already(email)
        old.status, old.cancelled_at = RegistrationStatus.CANCELLED, now
        old.save(update_fields=["status", "cancelled_at", "updated_at"])
        new = Registration(
            event=event,
            establishment_id=old.establishment_id,
            contact=_contact(event, old.establishment, email),
            company_name=old.company_name,
            first_name=first_name[:150],
            last_name=last_name[:150],
            email=email,
            priority=old.priority,
            queued_at=old.queued_at,
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=now,
            token=secrets.token_urlsafe(32),
            registered_by=old.user,
            replaces=old,
        )
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError:
            raise _already(email) from None
        _queue(old, RegistrationMessageKind.CANCELLED)
        _queue(new, RegistrationMessageKind.CONFIRMED)
    return new


def moderate(
    registration: Registration, *, approve: bool, by=None, now: datetime | None = None
) -> Registration:
    """The organiser approves (a seat if one is free, else the waitlist) or declines a
    registration awaiting validation."""
    now = now or timezone.now()
    with transaction.atomic():
        event, registration = _reloaded(registration)
        if registration.status != RegistrationStatus.PENDING:
            raise EventError("", _("Cette inscription a déjà été traitée."))
        if approve:
            _apply(event, now, newcomer=registration)
            _queue(registration, _message_for(registration.status))
        else:
            registration.status, registration.cancelled_at = RegistrationStatus.DECLINED, now
            registration.save(update_fields=["status", "cancelled_at", "updated_at"])
            _queue(registration, RegistrationMessageKind.DECLINED)
    return registration


def accept_offer(registration: Registration, *, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        event, registration = _reloaded(registration)
        if registration.status != RegistrationStatus.OFFERED:
            raise EventError("", _("Aucune place ne vous est proposée pour cet événement."))
        if registration.offer_expires_at is not None and registration.offer_expires_at <= now:
            raise EventError("", _("Le délai pour accepter cette place est passé."))
        registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "confirmed_at", "offer_expires_at", "updated_at"])
        _queue(registration, RegistrationMessageKind.CONFIRMED)
    return registration


def decline_offer(registration: Registration, *, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        _event, current = _reloaded(registration)
        if current.status != RegistrationStatus.OFFERED:
            raise EventError("", _("Aucune place ne vous est proposée pour cet événement."))
        return cancel(current, now=now)  # under the same lock: the seat goes to the next person


def promote(event: Event, *, now: datetime | None = None) -> waitlist.Decision:
    """Withdraw the expired offers and offer the free seats (``waitlist.decide``)."""
    now = now or timezone.now()
    with transaction.atomic():
        return _apply(_locked(event), now)


def promote_due(now: datetime | None = None) -> int:
    """Events with an offer past its deadline get their waitlist moved on; their count."""
    now = now or timezone.now()
    ids = (
        Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    events = list(Event.objects.filter(pk__in=list(ids)))
    for event in events:
        promote(event, now=now)
    return len(events)


def notify_event_change(event: Event) -> int:
    """Tell the registered people that ``event`` changed (the calendar's services call it after
    a change an attendee should see, once ``sequence`` is bumped): « updated » to everyone still
    registered (the new ``.ics`` to confirmed seats only), or, when the event is cancelled,
    « cancelled » (``.ics`` CANCEL to those it was sent to). Keyed by the sequence: told once."""
    from maillage.events import tasks

    if event.status == EventStatus.CANCELLED:
        kind, key = RegistrationMessageKind.CANCELLED, f"event-{event.sequence}"
    else:
        kind, key = RegistrationMessageKind.UPDATED, str(event.sequence)
    ids = list(event.registrations.active().values_list("pk", flat=True))
    for start in range(0, len(ids), REMINDER_BATCH):
        batch = ids[start : start + REMINDER_BATCH]
        transaction.on_commit(lambda b=batch: tasks.registration_send_many_task(b, kind, key))
    return len(ids)


# --- reads for the registration pages ----------------------------------------------------------


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line (members' class first), None when not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = (
        registration.event.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .filter(priority__lt=registration.priority)
        .count()
        + registration.event.registrations.filter(
            status=RegistrationStatus.WAITLISTED,
            priority=registration.priority,
            queued_at__lt=registration.queued_at,
        ).count()
    )
    return ahead + 1


# --- reminders ---------------------------------------------------------------------------------


def _due_reminder(event: Event, now: datetime) -> tuple[int, datetime] | None:
    """The reminder of ``event`` due at ``now``: the nearest one whose time has come (an older
    one not yet sent is dropped: a J-7 reminder is not sent on the eve)."""
    due = []
    for days in event.reminder_days or []:
        try:
            days = int(days)
        except (TypeError, ValueError):
            continue
        at = event.starts_at - timedelta(days=days)
        if days > 0 and at <= now:
            due.append((days, at))
    return min(due) if due else None


def reminders_due(now: datetime | None = None) -> int:
    """Queue the reminders due at ``now``; the number of messages queued.

    For each published event not yet started, the due reminder (its number of days is the
    message's key) goes to the CONFIRMED registrations confirmed before the reminder time,
    never to the waitlist, pending, cancelled ones, nor to a seat booked after that time. Each
    message's delivery row is written here, PENDING, in bulk (``ignore_conflicts``), and the
    ones it wrote are queued in batches: a re-run finds the rows and queues nothing again, and
    the claim (``maillage.delivery``) makes a retried batch send nothing twice."""
    from maillage.events import tasks

    now = now or timezone.now()
    queued = 0
    events = Event.objects.filter(status=EventStatus.PUBLISHED, starts_at__gt=now).exclude(reminder_days=[])
    for event in events.only("pk", "starts_at", "reminder_days"):
        due = _due_reminder(event, now)
        if due is None:
            continue
        days, at = due
        key = str(days)
        sent = RegistrationMessage.objects.filter(
            registration=OuterRef("pk"), kind=RegistrationMessageKind.REMINDER, key=key
        )
        ids = list(
            Registration.objects.filter(
                event=event, status=RegistrationStatus.CONFIRMED, confirmed_at__lte=at
            )
            .exclude(Exists(sent))
            .values_list("pk", flat=True)
        )
        RegistrationMessage.objects.bulk_create(
            [
                RegistrationMessage(
                    registration_id=pk,
                    kind=RegistrationMessageKind.REMINDER,
                    key=key,
                    state=delivery.PENDING,
                    attempts=0,
                )
                for pk in ids
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        for start in range(0, len(ids), REMINDER_BATCH):
            batch = ids[start : start + REMINDER_BATCH]
            transaction.on_commit(lambda b=batch, k=key: tasks.registration_send_many_task(b, "reminder", k))
        queued += len(ids)
    return queued
