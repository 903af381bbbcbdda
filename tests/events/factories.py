"""Event factories (rows written directly; behaviour tests go through the services).

``EventFactory`` makes a published public event next week with one 9:00–12:30 (Paris) session,
``starts_at`` / ``ends_at`` matching it; ``sessions=[(start, end), …]`` makes others instead.
"""

import datetime
import secrets
import zoneinfo

import factory
from django.utils import timezone

from maillage.events.models import (
    Event,
    EventKind,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from tests.directory.factories import NetworkFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(year, month, day, hour=9, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def _next_week_morning():
    day = timezone.localdate() + datetime.timedelta(days=7)
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=PARIS)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    slug = factory.Sequence(lambda n: f"evenement-{n}")
    title = factory.Sequence(lambda n: f"Atelier lean n° {n}")
    kind = EventKind.WORKSHOP
    status = EventStatus.PUBLISHED
    starts_at = factory.LazyFunction(_next_week_morning)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3, minutes=30))

    @factory.post_generation
    def sessions(self, create, spans, **kwargs):
        if not create:
            return
        for start, end in spans or [(self.starts_at, self.ends_at)]:
            EventSession.objects.create(event=self, starts_at=start, ends_at=end)
        if spans:
            self.starts_at, self.ends_at = spans[0][0], spans[-1][1]
            self.save(update_fields=["starts_at", "ends_at"])


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    status = RegistrationStatus.CONFIRMED
    queued_at = factory.LazyFunction(timezone.now)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
