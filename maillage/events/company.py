"""Events seen from one company: who from it is registered to upcoming events, who attended,
the hours of training it received this year (« Mon entreprise », for the company's users), and
the events it attended (the animator's company timeline). Reads only; callers check who asks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from maillage.events.models import (
    ACTIVE_STATUSES,
    Attendance,
    EventStatus,
    Registration,
)

ATTENDED_SHOWN = 10


@dataclass
class Attended:
    event: object
    people: list[str] = field(default_factory=list)
    hours: Decimal = Decimal(0)  # person-hours: each person's sessions marked present

    @property
    def on(self) -> datetime.date:
        return timezone.localdate(self.event.starts_at)


@dataclass
class CompanyTraining:
    upcoming: list[Registration]
    attended: list[Attended]
    hours_this_year: Decimal
    year: int

    def __bool__(self) -> bool:
        return bool(self.upcoming or self.attended)


def _attended(attendances) -> list[Attended]:
    by_event: dict[int, Attended] = {}
    people: dict[int, set[int]] = defaultdict(set)
    for row in attendances:
        event = row.registration.event
        item = by_event.setdefault(event.pk, Attended(event=event))
        item.hours += row.session.hours
        if row.registration_id not in people[event.pk]:
            people[event.pk].add(row.registration_id)
            item.people.append(f"{row.registration.first_name} {row.registration.last_name}")
    return sorted(by_event.values(), key=lambda item: item.event.starts_at, reverse=True)


def _present(establishment):
    return (
        Attendance.objects.filter(present=True, registration__establishment=establishment)
        .select_related("session", "registration__event__network")
        .order_by("session__starts_at")
    )


def company_training(establishment, *, now=None) -> CompanyTraining:
    now = now or timezone.now()
    year = timezone.localtime(now).year
    upcoming = list(
        Registration.objects.filter(
            establishment=establishment,
            status__in=ACTIVE_STATUSES,
            event__ends_at__gte=now,
            event__status=EventStatus.PUBLISHED,
        )
        .select_related("event__network")
        .order_by("event__starts_at", "last_name")
    )
    present = list(_present(establishment))
    hours = sum(
        (row.session.hours for row in present if timezone.localtime(row.session.starts_at).year == year),
        Decimal(0),
    )
    return CompanyTraining(
        upcoming=upcoming, attended=_attended(present)[:ATTENDED_SHOWN], hours_this_year=hours, year=year
    )


def company_events_attended(network, establishment) -> list[Attended]:
    """The events of ``network`` people of ``establishment`` attended, newest first."""
    return _attended(_present(establishment).filter(registration__event__network=network))
