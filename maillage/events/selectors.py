"""Event reads: a network's calendar for one user (list and month grid, with its filters), the
data of an event's page, the back-office list, and the text every ``.ics`` of an event shares.

Who sees what is ``maillage.events.permissions`` (``visible_events``, ``can_see_event``): these
selectors never decide it themselves. Dates are grouped by their day in Europe/Paris.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from maillage.events.models import (
    Audience,
    Event,
    EventSession,
    EventStatus,
    RegistrationStatus,
)
from maillage.events.permissions import visible_events
from maillage.referential.models import Commune, Department, Epci
from maillage.taxonomy.models import TaxonomyNode

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

EPCI_PREFIX, DEPARTMENT_PREFIX = "epci-", "dep-"


@dataclass(frozen=True)
class CalendarFilters:
    kind: str = ""
    topic: TaxonomyNode | None = None
    territory: str = ""  # "epci-<SIREN>" or "dep-<code>" (the venue's commune)
    members_only: bool = False


def _with_page_data(events: QuerySet) -> QuerySet:
    return events.select_related("commune", "network").prefetch_related(
        Prefetch("sessions", queryset=EventSession.objects.order_by("starts_at", "pk"))
    )


def filter_events(events: QuerySet, filters: CalendarFilters) -> QuerySet:
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.topic is not None:
        subtree = TaxonomyNode.objects.descendants_of(filters.topic)
        events = events.filter(topics__in=subtree).distinct()
    if filters.territory.startswith(EPCI_PREFIX):
        events = events.filter(commune__epci_id=filters.territory.removeprefix(EPCI_PREFIX))
    elif filters.territory.startswith(DEPARTMENT_PREFIX):
        events = events.filter(commune__department_id=filters.territory.removeprefix(DEPARTMENT_PREFIX))
    if filters.members_only:
        events = events.filter(audience=Audience.MEMBERS)
    return events


def calendar_events(user, network) -> QuerySet[Event]:
    """What ``user`` sees on ``network``'s public calendar: drafts stay in the back-office."""
    return visible_events(user, network).exclude(status=EventStatus.DRAFT)


def upcoming_events(
    user, network, *, filters: CalendarFilters = CalendarFilters(), now=None
) -> QuerySet[Event]:
    """The events of ``network`` not yet over, visible to ``user``, the soonest first."""
    events = calendar_events(user, network).upcoming(now or timezone.now())
    return _with_page_data(filter_events(events, filters))


def calendar_topics(user, network) -> QuerySet[TaxonomyNode]:
    """The topics of the events ``user`` sees on the calendar (the filter's choices)."""
    return (
        TaxonomyNode.objects.filter(events__in=calendar_events(user, network)).distinct().order_by("label_fr")
    )


def calendar_territories(user, network) -> list[tuple[str, str]]:
    """(value, label) of the departments and EPCI where the events ``user`` sees take place."""
    communes = Commune.objects.filter(pk__in=calendar_events(user, network).values("commune"))
    epcis = Epci.objects.filter(communes__in=communes).distinct().order_by("name")
    departments = Department.objects.filter(communes__in=communes).distinct().order_by("code")
    return [(f"{DEPARTMENT_PREFIX}{d.code}", f"{d.name} ({d.code})") for d in departments] + [
        (f"{EPCI_PREFIX}{e.siren}", e.name) for e in epcis
    ]


# --- month grid ---------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    entries: list[tuple[Event, EventSession]] = field(default_factory=list)


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    first = datetime.datetime(year, month, 1, tzinfo=PARIS)
    following = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=PARIS)
    return first, following


def month_grid(
    user, network, year: int, month: int, *, filters: CalendarFilters = CalendarFilters()
) -> list[list[Day]]:
    """Weeks (Monday first) × days of ``month``, each day with the sessions it holds (an event
    of three half-days shows on each of its days)."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start = datetime.datetime.combine(weeks[0][0], datetime.time(), tzinfo=PARIS)
    end = datetime.datetime.combine(weeks[-1][-1] + datetime.timedelta(days=1), datetime.time(), tzinfo=PARIS)
    events = filter_events(calendar_events(user, network), filters).filter(
        starts_at__lt=end, ends_at__gte=start
    )
    by_day: dict[datetime.date, list] = defaultdict(list)
    for event in _with_page_data(events):
        seen = set()
        for session in event.sessions.all():
            day = session.starts_at.astimezone(PARIS).date()
            if day not in seen:
                seen.add(day)
                by_day[day].append((event, session))
    return [
        [
            Day(
                date=day,
                in_month=day.month == month,
                entries=sorted(by_day.get(day, []), key=lambda e: e[1].starts_at),
            )
            for day in week
        ]
        for week in weeks
    ]


# --- an event's page -----------------------------------------------------------------------


@dataclass
class EventPage:
    event: Event
    sessions: list[EventSession]
    hours: Decimal
    confirmed: int
    seats_left: int | None  # None: no limit
    waitlist: int
    topics: list[TaxonomyNode]
    rome_codes: list
    point: tuple[float, float] | None  # the venue's commune, for the map
    location: str

    @property
    def full(self) -> bool:
        return self.seats_left is not None and self.seats_left <= 0


def seats(event: Event) -> tuple[int, int | None, int]:
    """(confirmed, seats left or None when unlimited, people waiting)."""
    counts = event.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status__in=[RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED])),
    )
    left = None if event.capacity is None else max(event.capacity - counts["confirmed"], 0)
    return counts["confirmed"], left, counts["waiting"]


def event_of_network(network, slug: str) -> Event | None:
    return (
        Event.objects.select_related("commune", "host", "network").filter(network=network, slug=slug).first()
    )


def event_location(event: Event, *, online: bool = False) -> str:
    """Where, in one line (« Salle Vauban, 3 rue du Port, Haguenau »); else, with ``online``
    (only for the people registered and the managers), the online link."""
    place = ", ".join(
        part for part in (event.venue, event.address, event.commune.name if event.commune_id else "") if part
    )
    return place or (event.online_url if online else "")


def event_description(event: Event) -> str:
    """The text of the event in a calendar: its summary and its sessions (Paris time)."""
    lines = [event.summary] if event.summary else []
    sessions = list(event.sessions.all())
    if len(sessions) > 1:
        lines += [
            f"{s.starts_at.astimezone(PARIS):%d/%m/%Y %H:%M}–{s.ends_at.astimezone(PARIS):%H:%M}"
            + (f" {s.label}" if s.label else "")
            for s in sessions
        ]
    return "\n".join(lines)


def event_page(event: Event) -> EventPage:
    sessions = list(event.sessions.order_by("starts_at", "pk"))
    confirmed, left, waiting = seats(event)
    commune = event.commune
    point = (
        (commune.latitude, commune.longitude)
        if commune is not None and commune.latitude is not None and commune.longitude is not None
        else None
    )
    seconds = sum((s.ends_at - s.starts_at).total_seconds() for s in sessions)
    return EventPage(
        event=event, sessions=sessions, hours=(Decimal(seconds) / 3600).quantize(Decimal("0.01")),
        confirmed=confirmed, seats_left=left, waitlist=waiting,
        topics=list(event.topics.order_by("label_fr")), rome_codes=list(event.rome_codes.all()),
        point=point, location=event_location(event),
    )  # fmt: skip


# --- back-office ---------------------------------------------------------------------------

MANAGE_SECTIONS = ("upcoming", "past", "drafts")


def managed_events(network, section: str, *, now=None) -> QuerySet[Event]:
    """The back-office list: ``upcoming`` (published or cancelled, not over), ``past``, ``drafts``;
    each with its registrations counted by status."""
    now = now or timezone.now()
    events = Event.objects.of_network(network)
    if section == "drafts":
        events = events.filter(status=EventStatus.DRAFT).order_by("starts_at", "pk")
    elif section == "past":
        events = (
            events.exclude(status=EventStatus.DRAFT).filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        )
    else:
        events = events.exclude(status=EventStatus.DRAFT).filter(ends_at__gte=now).order_by("starts_at", "pk")
    return events.select_related("commune").annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
        waiting_count=Count(
            "registrations",
            filter=Q(registrations__status__in=[RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED]),
        ),
        pending_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.PENDING)),
    )


def managed_counts(network, *, now=None) -> dict[str, int]:
    now = now or timezone.now()
    events = Event.objects.of_network(network)
    live = events.exclude(status=EventStatus.DRAFT)
    return {
        "upcoming": live.filter(ends_at__gte=now).count(),
        "past": live.filter(ends_at__lt=now).count(),
        "drafts": events.filter(status=EventStatus.DRAFT).count(),
    }
