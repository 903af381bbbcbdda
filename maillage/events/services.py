"""Event writes: the only code that creates or changes an ``Event``, its ``EventSession`` rows
and its ``Question`` rows.

- ``event_create`` / ``event_update``: every field of an event, its sessions, questions, topics,
  ROME codes and organisers, validated and written in one transaction (nothing half written).
  ``starts_at`` / ``ends_at`` are always the first session's start and the last one's end.
- A change an attendee should see (times, place, online link, cancellation) bumps
  ``Event.sequence`` (the iCalendar SEQUENCE) and, once the transaction commits, queues an
  e-mail to each live registration (``registration_send_task``; at most once per sequence).
- ``event_publish``, ``event_cancel``; sessions one by one (``event_session_add`` / ``_update`` /
  ``_remove``) for callers that do not send the whole list.
- Trainings are counted in half-days: ``half_day`` and ``training_day`` give the default
  morning (9:00–12:30) and afternoon (13:30–17:00) of a day, in Paris time.

Refusals raise ``EventError`` naming the field (``"capacity"``, ``"sessions[1].ends_at"``).
``by`` is the user acting: the services refuse (``PermissionDenied``) a user who may not manage
the event; ``by=None`` is the platform itself (the demo, commands).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.permissions import can_animate_network
from maillage.events.errors import EventError
from maillage.events.models import (
    Audience,
    Event,
    EventKind,
    EventSession,
    EventStatus,
    Question,
)
from maillage.events.permissions import can_manage_event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# A training day's half-days by default (editable on each session afterwards).
MORNING = (datetime.time(9, 0), datetime.time(12, 30))
AFTERNOON = (datetime.time(13, 30), datetime.time(17, 0))

SLUG_LENGTH = 70

# Plain fields of ``Event`` the services set from keyword arguments.
EVENT_FIELDS = (
    "title", "kind", "audience", "summary", "description", "commune", "venue", "address",
    "online_url", "capacity", "per_company_cap", "registration_opens_at", "registration_closes_at",
    "moderated", "offer_hours", "reminder_days", "host", "organiser_name", "objectives",
    "programme", "prerequisites", "trainer", "price_member", "price_non_member",
)  # fmt: skip
# Changes an attendee should see in their calendar and be told of by e-mail.
VISIBLE_FIELDS = ("starts_at", "ends_at", "commune_id", "venue", "address", "online_url")
TEXT_FIELDS = (
    "title", "summary", "description", "venue", "address", "online_url", "organiser_name",
    "objectives", "programme", "prerequisites", "trainer",
)  # fmt: skip


@dataclass(frozen=True)
class SessionInput:
    """A session as a form or the demo gives it; ``pk`` names an existing one to keep."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    label: str = ""
    pk: int | None = None


@dataclass(frozen=True)
class QuestionInput:
    label: str
    required: bool = False
    pk: int | None = None


def half_day(day: datetime.date, part: str, *, morning=MORNING, afternoon=AFTERNOON) -> SessionInput:
    """The morning (``part="morning"``) or afternoon of ``day`` in Paris time."""
    start, end = {"morning": morning, "afternoon": afternoon}[part]
    label = _("Matin") if part == "morning" else _("Après-midi")
    return SessionInput(
        starts_at=datetime.datetime.combine(day, start, tzinfo=PARIS),
        ends_at=datetime.datetime.combine(day, end, tzinfo=PARIS),
        label=label,
    )


def training_day(day: datetime.date, *, morning=MORNING, afternoon=AFTERNOON) -> list[SessionInput]:
    """A training day: its morning and its afternoon sessions."""
    return [
        half_day(day, "morning", morning=morning, afternoon=afternoon),
        half_day(day, "afternoon", morning=morning, afternoon=afternoon),
    ]


def hours_of(sessions: Iterable) -> Decimal:
    """The duration in hours of ``sessions`` (rows or inputs with ``starts_at``/``ends_at``)."""
    seconds = sum((s.ends_at - s.starts_at).total_seconds() for s in sessions)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


# --- validation ---------------------------------------------------------------------------


def _session_inputs(sessions: Sequence) -> list[SessionInput]:
    """``sessions`` as ``SessionInput``: tuples ``(start, end)`` / ``(start, end, label)`` too."""
    inputs = []
    for item in sessions:
        if isinstance(item, SessionInput):
            inputs.append(item)
        else:
            inputs.append(SessionInput(*item))
    return inputs


def _check_sessions(sessions: list[SessionInput]) -> list[SessionInput]:
    if not sessions:
        raise EventError("sessions", _("Un événement a au moins une séance."))
    for index, session in enumerate(sessions):
        if session.starts_at is None or session.ends_at is None:
            raise EventError(f"sessions[{index}].starts_at", _("Indiquez le début et la fin de la séance."))
        if session.ends_at <= session.starts_at:
            raise EventError(f"sessions[{index}].ends_at", _("La séance se termine avant de commencer."))
        if len(session.label or "") > 120:
            raise EventError(f"sessions[{index}].label", _("Intitulé trop long (120 caractères au plus)."))
    return sorted(sessions, key=lambda s: (s.starts_at, s.ends_at))


def _check_choices(values: dict) -> None:
    if not (values.get("title") or "").strip():
        raise EventError("title", _("Donnez un titre à l’événement."))
    if values.get("kind") not in EventKind.values:
        raise EventError("kind", _("Type d’événement inconnu."))
    if values.get("audience") not in Audience.values:
        raise EventError("audience", _("Public inconnu."))


def _check_numbers(values: dict, *, confirmed: int) -> None:
    capacity = values.get("capacity")
    if capacity is not None:
        if capacity < 1:
            raise EventError("capacity", _("Il faut au moins une place (laissez vide : places illimitées)."))
        if capacity < confirmed:
            raise EventError(
                "capacity",
                _("%(n)d personnes sont déjà inscrites : la capacité ne peut être inférieure.")
                % {"n": confirmed},
            )
    cap = values.get("per_company_cap")
    if cap is not None and cap < 1:
        raise EventError(
            "per_company_cap", _("Au moins une place par entreprise (laissez vide : sans limite).")
        )
    if cap is not None and capacity is not None and cap > capacity:
        raise EventError("per_company_cap", _("Plus de places par entreprise que de places en tout."))
    days = values.get("reminder_days") or []
    if not isinstance(days, list) or any(not isinstance(d, int) or d < 0 or d > 90 for d in days):
        raise EventError("reminder_days", _("Les rappels sont des nombres de jours, entre 0 et 90."))
    values["reminder_days"] = sorted(set(days), reverse=True)
    if values.get("offer_hours") is not None and not 1 <= values["offer_hours"] <= 720:
        raise EventError("offer_hours", _("Le délai est compris entre 1 et 720 heures."))
    for name in ("price_member", "price_non_member"):
        if values.get(name) is not None and values[name] < 0:
            raise EventError(name, _("Un tarif ne peut être négatif."))


def _check_window(values: dict, *, starts_at, ends_at) -> None:
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if opens is not None and opens >= ends_at:
        raise EventError("registration_opens_at", _("Les inscriptions ouvrent après la fin de l’événement."))
    if closes is not None and closes > ends_at:
        raise EventError("registration_closes_at", _("Les inscriptions ferment après la fin de l’événement."))
    if opens is not None and closes is not None and closes <= opens:
        raise EventError("registration_closes_at", _("Les inscriptions ferment avant d’ouvrir."))


def _full_clean(event: Event) -> None:
    """The model's own checks (lengths, URL, choices): an ``EventError`` naming the field."""
    try:
        event.full_clean(exclude=["slug", "network", "starts_at", "ends_at"], validate_unique=False,
                         validate_constraints=False)  # fmt: skip
    except ValidationError as error:
        raise EventError.from_validation(error) from error


def _unique_slug(network, title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:SLUG_LENGTH].strip("-") or "evenement"
    taken = set(
        Event.objects.filter(network=network, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = f"{base[: SLUG_LENGTH - len(suffix)]}{suffix}"
        number += 1
    return slug


def _save_with_slug(event: Event, attempts: int = 3) -> None:
    """Save a new event under a free slug; two events of the same title created at the same
    moment would pick the same one: the second takes the next (the database decides)."""
    for _attempt in range(attempts):
        event.slug = _unique_slug(event.network, event.title)
        try:
            with transaction.atomic():
                event.save()
            return
        except IntegrityError:
            continue
    raise EventError("title", _("Un autre événement du réseau porte ce titre : enregistrez de nouveau."))


def _require_manager(by, event: Event) -> None:
    if by is not None and not can_manage_event(by, event):
        raise PermissionDenied


def _confirmed(event: Event) -> int:
    return event.registrations.confirmed().count() if event.pk else 0


# --- writes -------------------------------------------------------------------------------


def _sync_sessions(event: Event, sessions: list[SessionInput]) -> None:
    existing = {session.pk: session for session in event.sessions.all()}
    kept = {s.pk for s in sessions if s.pk is not None}
    unknown = kept - set(existing)
    if unknown:
        raise EventError("sessions", _("Une séance n’appartient pas à cet événement."))
    for pk in set(existing) - kept:
        _check_removable(existing[pk])
        existing[pk].delete()
    for item in sessions:
        if item.pk is None:
            EventSession.objects.create(
                event=event, starts_at=item.starts_at, ends_at=item.ends_at, label=(item.label or "").strip()
            )
            continue
        row = existing[item.pk]
        row.starts_at, row.ends_at, row.label = item.starts_at, item.ends_at, (item.label or "").strip()
        row.save(update_fields=["starts_at", "ends_at", "label"])


def _check_removable(session: EventSession) -> None:
    """A session whose sheet has been signed or someone marked present is history: kept."""
    if session.trainer_signed_at or session.attendances.filter(present=True).exists():
        raise EventError(
            "sessions", _("Cette séance a déjà des présences ou des signatures : elle est conservée.")
        )


def _sync_questions(event: Event, questions: Sequence) -> None:
    inputs = [q if isinstance(q, QuestionInput) else QuestionInput(*q) for q in questions]
    existing = {question.pk: question for question in event.questions.all()}
    kept = {q.pk for q in inputs if q.pk is not None}
    if kept - set(existing):
        raise EventError("questions", _("Une question n’appartient pas à cet événement."))
    event.questions.exclude(pk__in=kept).delete()
    for position, item in enumerate(inputs):
        label = (item.label or "").strip()
        if not label:
            continue
        if len(label) > 300:
            raise EventError(
                f"questions[{position}].label", _("Question trop longue (300 caractères au plus).")
            )
        if item.pk is None:
            Question.objects.create(event=event, label=label, required=item.required, position=position)
        else:
            row = existing[item.pk]
            row.label, row.required, row.position = label, item.required, position
            row.save(update_fields=["label", "required", "position"])


def _apply_times(event: Event) -> None:
    sessions = list(event.sessions.order_by("starts_at", "ends_at"))
    event.starts_at = sessions[0].starts_at
    event.ends_at = max(session.ends_at for session in sessions)


def _tell_registered(event: Event) -> None:
    """Tell the registered people of a change they should see: who hears what, and with which
    ``.ics``, is the registrations' business (``registrations.notify_event_change``)."""
    from maillage.events.registrations import notify_event_change  # it reads this module's events

    notify_event_change(event)


def _visible_state(event: Event) -> tuple:
    """What an attendee sees of ``event``: its place, link and every session's times (a middle
    half-day moved leaves the event's first start and last end as they were)."""
    spans = tuple(event.sessions.order_by("starts_at", "ends_at").values_list("starts_at", "ends_at"))
    return (*(getattr(event, name) for name in VISIBLE_FIELDS), spans)


def _clean_values(values: dict) -> dict:
    for name in TEXT_FIELDS:
        if name in values and values[name] is not None:
            values[name] = str(values[name]).strip()
    return values


@transaction.atomic
def event_create(
    network,
    *,
    by,
    title: str,
    kind: str,
    audience: str = Audience.PUBLIC,
    sessions: Sequence,
    topics: Iterable = (),
    rome_codes: Iterable = (),
    organisers: Iterable = (),
    questions: Sequence = (),
    status: str = EventStatus.DRAFT,
    **fields,
) -> Event:
    """A new event of ``network`` (a draft unless ``status`` says published), its sessions and
    questions; its slug comes from the title, unique in the network and never changed."""
    if by is not None and not can_animate_network(by, network):
        raise PermissionDenied
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    if status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise EventError("status", _("Un événement est créé en brouillon ou publié."))
    values = _clean_values({"title": title, "kind": kind, "audience": audience, **fields})
    _check_choices(values)
    inputs = _check_sessions(_session_inputs(sessions))
    if any(item.pk is not None for item in inputs):
        raise EventError("sessions", _("Une séance n’appartient pas à cet événement."))
    _check_numbers(values, confirmed=0)
    starts_at, ends_at = inputs[0].starts_at, max(item.ends_at for item in inputs)
    _check_window(values, starts_at=starts_at, ends_at=ends_at)
    event = Event(
        network=network, status=status, starts_at=starts_at, ends_at=ends_at, created_by=by, **values,
    )  # fmt: skip
    _full_clean(event)
    _save_with_slug(event)
    _sync_sessions(event, inputs)
    _sync_questions(event, questions)
    event.topics.set(topics)
    event.rome_codes.set(rome_codes)
    event.organisers.set(organisers)
    return event


@transaction.atomic
def event_update(
    event: Event,
    *,
    by,
    sessions: Sequence | None = None,
    topics: Iterable | None = None,
    rome_codes: Iterable | None = None,
    organisers: Iterable | None = None,
    questions: Sequence | None = None,
    **changes,
) -> Event:
    """Change ``event``: only the fields given (``sessions``/``questions`` replace the whole
    list, keeping the rows whose ``pk`` they name). A change of time, place or online link
    bumps the sequence and tells the registered people."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _require_manager(by, event)
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    if event.status == EventStatus.CANCELLED:
        raise EventError("", _("Cet événement est annulé : il ne se modifie plus."))
    before = _visible_state(event)
    values = _clean_values({name: getattr(event, name) for name in EVENT_FIELDS} | changes)
    _check_choices(values)
    _check_numbers(values, confirmed=_confirmed(event))
    if sessions is not None:
        inputs = _check_sessions(_session_inputs(sessions))
        starts_at, ends_at = inputs[0].starts_at, max(item.ends_at for item in inputs)
    else:
        starts_at, ends_at = event.starts_at, event.ends_at
    _check_window(values, starts_at=starts_at, ends_at=ends_at)
    for name in EVENT_FIELDS:
        setattr(event, name, values[name])
    _full_clean(event)
    if sessions is not None:
        _sync_sessions(event, inputs)
        _apply_times(event)
    if questions is not None:
        _sync_questions(event, questions)
    if topics is not None:
        event.topics.set(topics)
    if rome_codes is not None:
        event.rome_codes.set(rome_codes)
    if organisers is not None:
        event.organisers.set(organisers)
    _save_and_tell(event, before)
    return event


def _save_and_tell(event: Event, before: tuple) -> None:
    """Save ``event``; when what an attendee sees changed, bump the sequence and tell them."""
    changed = _visible_state(event) != before
    if changed:
        event.sequence += 1
    event.save()
    if changed and event.status == EventStatus.PUBLISHED:
        _tell_registered(event)


@transaction.atomic
def event_publish(event: Event, *, by) -> Event:
    """Show a draft on the calendar (registrations open with the window, if any)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _require_manager(by, event)
    if event.status == EventStatus.CANCELLED:
        raise EventError("status", _("Un événement annulé ne peut être publié."))
    if event.status == EventStatus.PUBLISHED:
        return event
    event.status = EventStatus.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def event_cancel(event: Event, *, by) -> Event:
    """Cancel ``event``: it stays on the calendar marked cancelled, its calendar copies are
    cancelled (sequence bumped) and every live registration is told once."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _require_manager(by, event)
    if event.status == EventStatus.CANCELLED:
        return event
    was_published = event.status == EventStatus.PUBLISHED
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    event.save(update_fields=["status", "sequence", "updated_at"])
    if was_published:
        _tell_registered(event)
    return event


@transaction.atomic
def event_session_add(event: Event, *, by, starts_at, ends_at, label: str = "") -> EventSession:
    event = Event.objects.select_for_update().get(pk=event.pk)
    sessions = [SessionInput(s.starts_at, s.ends_at, s.label, s.pk) for s in event.sessions.all()]
    event_update(event, by=by, sessions=[*sessions, SessionInput(starts_at, ends_at, label)])
    return event.sessions.order_by("-pk").first()


@transaction.atomic
def event_session_update(session: EventSession, *, by, starts_at, ends_at, label: str = "") -> EventSession:
    event = session.event
    sessions = [
        SessionInput(starts_at, ends_at, label, s.pk) if s.pk == session.pk
        else SessionInput(s.starts_at, s.ends_at, s.label, s.pk)
        for s in event.sessions.all()
    ]  # fmt: skip
    event_update(event, by=by, sessions=sessions)
    return EventSession.objects.get(pk=session.pk)


@transaction.atomic
def event_session_remove(session: EventSession, *, by) -> None:
    event = session.event
    sessions = [
        SessionInput(s.starts_at, s.ends_at, s.label, s.pk) for s in event.sessions.exclude(pk=session.pk)
    ]
    event_update(event, by=by, sessions=sessions)
