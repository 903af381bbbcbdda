"""The events' figures for a network's activity report: what it organised, who came, how many
hours of training it delivered — over a period, optionally within a territory (the EPCI or the
department of the venue's commune; online events have none and drop out of a territory).

Selectors only (reads). Each takes a ``Scope`` and returns a dataclass; ``activity_figures``
gathers them all. Definitions (docs/events.md « Figures »):

- an event *of the period* starts between ``start`` and ``end`` (inclusive, Paris dates) and is
  published (held or to be held); cancelled ones are counted apart by kind;
- a *registration* is a confirmed one (waitlisted, cancelled, refused ones are not seats);
- an *attendee* is a confirmed registration marked present at one session at least;
- a *no-show* is a confirmed registration of an event that is over, present at no session;
- *people reached* are distinct attendees' addresses; *companies reached* distinct companies
  of attendees (the directory's establishment, else the free-text name, case-insensitive);
- *training hours × trainees* sums, over the trainees of trainings, the hours of the sessions
  each attended;
- the *fill rate* is confirmed seats over capacity, summed over the events with a capacity.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maillage.events.models import (
    Attendance,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)


@dataclass(frozen=True)
class Scope:
    """A network, a period (``start`` and ``end`` inclusive) and optionally a territory: an EPCI
    (SIREN code) or a department (code) of the venue's commune."""

    network: object
    start: datetime.date
    end: datetime.date
    epci: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    events: int  # published
    cancelled: int


@dataclass(frozen=True)
class RegistrationFigures:
    registrations: int  # confirmed
    attendees: int  # confirmed and present at one session at least
    over_registrations: int  # confirmed, of events that are over
    no_shows: int  # of those, present at no session
    no_show_rate: float | None  # no_shows / over_registrations
    capacity: int  # seats of the events with a capacity
    seats_taken: int  # confirmed registrations of those events
    fill_rate: float | None  # seats_taken / capacity


@dataclass(frozen=True)
class Reach:
    people: int  # distinct addresses of attendees
    companies: int  # distinct companies of attendees


@dataclass(frozen=True)
class TrainingFigures:
    trainings: int  # published trainings of the period
    trainees: int  # distinct addresses present at one training session at least
    trainee_hours: Decimal  # Σ over trainees of the hours of the sessions they attended


@dataclass(frozen=True)
class ActivityFigures:
    scope: Scope
    by_kind: list[KindCount] = field(default_factory=list)
    registrations: RegistrationFigures | None = None
    reach: Reach | None = None
    training: TrainingFigures | None = None

    @property
    def events(self) -> int:
        return sum(row.events for row in self.by_kind)


def _bounds(scope: Scope) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes: from ``start`` at midnight to the day after ``end``, in the
    site's time zone (Paris), so that an evening event counts on its own day."""
    zone = timezone.get_default_timezone()
    first = datetime.datetime.combine(scope.start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(scope.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return first, after


def scope_events(scope: Scope, *, statuses=(EventStatus.PUBLISHED,)) -> QuerySet[Event]:
    """The network's events starting in the period (and in the territory), of ``statuses``."""
    first, after = _bounds(scope)
    events = Event.objects.filter(
        network=scope.network, status__in=statuses, starts_at__gte=first, starts_at__lt=after
    )
    if scope.epci:
        events = events.filter(commune__epci_id=scope.epci)
    if scope.department:
        events = events.filter(commune__department_id=scope.department)
    return events


def events_by_kind(scope: Scope) -> list[KindCount]:
    """Published and cancelled events of the period by kind, every kind listed (zeros too), in
    the order of ``EventKind``."""
    counts = dict.fromkeys(EventKind.values, (0, 0))
    rows = (
        scope_events(scope, statuses=(EventStatus.PUBLISHED, EventStatus.CANCELLED))
        .values("kind")
        .annotate(
            held=Count("pk", filter=Q(status=EventStatus.PUBLISHED)),
            cancelled=Count("pk", filter=Q(status=EventStatus.CANCELLED)),
        )
    )
    for row in rows:
        counts[row["kind"]] = (row["held"], row["cancelled"])
    labels = dict(EventKind.choices)
    return [KindCount(kind, str(labels[kind]), *counts[kind]) for kind in EventKind.values]


def _confirmed(scope: Scope) -> QuerySet[Registration]:
    return Registration.objects.filter(event__in=scope_events(scope), status=RegistrationStatus.CONFIRMED)


def registration_figures(scope: Scope, *, now: datetime.datetime | None = None) -> RegistrationFigures:
    """Confirmed registrations, attendees, no-shows (of events over at ``now``) and the fill rate."""
    now = now or timezone.now()
    present = Q(attendances__present=True)
    totals = (
        _confirmed(scope)
        .annotate(sessions_present=Count("attendances", filter=present))
        .aggregate(
            registrations=Count("pk"),
            attendees=Count("pk", filter=Q(sessions_present__gt=0)),
            over=Count("pk", filter=Q(event__ends_at__lt=now)),
            no_shows=Count("pk", filter=Q(event__ends_at__lt=now, sessions_present=0)),
        )
    )
    capacity = seats = 0
    for event_capacity, taken in (
        scope_events(scope)
        .exclude(capacity=None)
        .annotate(taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)))
        .values_list("capacity", "taken")
    ):
        capacity += event_capacity
        seats += taken
    over = totals["over"]
    return RegistrationFigures(
        registrations=totals["registrations"],
        attendees=totals["attendees"],
        over_registrations=over,
        no_shows=totals["no_shows"],
        no_show_rate=totals["no_shows"] / over if over else None,
        capacity=capacity,
        seats_taken=seats,
        fill_rate=seats / capacity if capacity else None,
    )


def _attended(scope: Scope) -> QuerySet[Registration]:
    return _confirmed(scope).filter(attendances__present=True).distinct()


def reach(scope: Scope) -> Reach:
    """Distinct people (addresses) and companies among the attendees of the period."""
    people, companies = set(), set()
    for email, establishment_id, company_name in _attended(scope).values_list(
        "email", "establishment_id", "company_name"
    ):
        people.add(email.lower())
        if establishment_id:
            companies.add(("directory", establishment_id))
        elif company_name.strip():
            companies.add(("name", " ".join(company_name.lower().split())))
    return Reach(people=len(people), companies=len(companies))


def training_figures(scope: Scope) -> TrainingFigures:
    """Trainings of the period, their distinct trainees and the hours each attended, summed."""
    trainings = scope_events(scope).filter(kind=EventKind.TRAINING)
    rows = Attendance.objects.filter(
        present=True,
        registration__status=RegistrationStatus.CONFIRMED,
        registration__event__in=trainings,
    ).values_list("registration__email", "session__starts_at", "session__ends_at")
    trainees, seconds = set(), 0
    for email, starts_at, ends_at in rows:
        trainees.add(email.lower())
        seconds += (ends_at - starts_at).total_seconds()
    hours = (Decimal(seconds) / 3600).quantize(Decimal("0.01"))
    return TrainingFigures(trainings=trainings.count(), trainees=len(trainees), trainee_hours=hours)


def activity_figures(scope: Scope, *, now: datetime.datetime | None = None) -> ActivityFigures:
    """Every figure above for ``scope``: what the activity report shows for events."""
    return ActivityFigures(
        scope=scope,
        by_kind=events_by_kind(scope),
        registrations=registration_figures(scope, now=now),
        reach=reach(scope),
        training=training_figures(scope),
    )
