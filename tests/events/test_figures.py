"""The activity-report figures on a small world computed by hand.

A training in commune 1 (two half-days of 3.5 h, 10 seats), a workshop in commune 2 (2 h,
4 seats, another EPCI and department), a cancelled visit, a draft and an event after the
period. Registrations (✔ confirmed, present at):
  training — alice (company A) S1+S2, bob (A) S1, carol (« Plasturgie B ») none,
             dan waitlisted, eve cancelled;
  workshop — alice (A) present, frank (« plasturgie  b ») present, gina (no company) absent.
"""

import datetime
from decimal import Decimal

import pytest

from maillage.events.figures import (
    Scope,
    activity_figures,
    events_by_kind,
    reach,
    registration_figures,
    training_figures,
)
from maillage.events.models import Attendance, EventKind, EventStatus, RegistrationStatus
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory, paris
from tests.referential.factories import CommuneFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

AFTER = paris(2026, 12, 7, 12)  # « now »: every event of the period is over


@pytest.fixture
def world():
    network = NetworkFactory()
    here = CommuneFactory()
    there = CommuneFactory(department=DepartmentFactory(code="68", name="Haut-Rhin"))
    company = EstablishmentFactory()
    training = EventFactory(
        network=network, kind=EventKind.TRAINING, commune=here, capacity=10,
        sessions=[(paris(2026, 9, 15, 9), paris(2026, 9, 15, 12, 30)),
                  (paris(2026, 9, 22, 13, 30), paris(2026, 9, 22, 17))],
    )  # fmt: skip
    workshop = EventFactory(
        network=network, kind=EventKind.WORKSHOP, commune=there, capacity=4,
        sessions=[(paris(2026, 10, 5, 9), paris(2026, 10, 5, 11))],
    )  # fmt: skip
    EventFactory(
        network=network, kind=EventKind.VISIT, commune=here, status=EventStatus.CANCELLED,
        sessions=[(paris(2026, 10, 20, 14), paris(2026, 10, 20, 16))],
    )  # fmt: skip
    EventFactory(
        network=network, kind=EventKind.TRAINING, status=EventStatus.DRAFT,
        sessions=[(paris(2026, 10, 1, 9), paris(2026, 10, 1, 12))],
    )  # fmt: skip
    EventFactory(
        network=network, kind=EventKind.GENERAL_ASSEMBLY,
        sessions=[(paris(2026, 12, 10, 18), paris(2026, 12, 10, 20))],
    )  # fmt: skip
    EventFactory(sessions=[(paris(2026, 10, 5, 9), paris(2026, 10, 5, 11))])  # another network's
    s1, s2 = training.sessions.all()
    (w1,) = workshop.sessions.all()

    def register(event, email, present=(), **kwargs):
        registration = RegistrationFactory(event=event, email=email, **kwargs)
        for session in event.sessions.all():
            Attendance.objects.create(registration=registration, session=session, present=session in present)
        return registration

    register(training, "alice@a.example", [s1, s2], establishment=company)
    register(training, "bob@a.example", [s1], establishment=company)
    register(training, "carol@b.example", [], company_name="Plasturgie B")
    register(training, "dan@c.example", [s1], status=RegistrationStatus.WAITLISTED)
    register(training, "eve@d.example", [s1], status=RegistrationStatus.CANCELLED)
    register(workshop, "ALICE@a.example".lower(), [w1], establishment=company)
    register(workshop, "frank@b.example", [w1], company_name="plasturgie  b")
    register(workshop, "gina@e.example", [])
    return {"network": network, "here": here, "there": there}


def _scope(world, **kwargs):
    return Scope(world["network"], datetime.date(2026, 9, 1), datetime.date(2026, 11, 30), **kwargs)


def test_events_by_kind(world):
    rows = {row.kind: (row.events, row.cancelled) for row in events_by_kind(_scope(world))}
    assert rows["training"] == (1, 0)  # the draft is not counted
    assert rows["workshop"] == (1, 0)
    assert rows["visit"] == (0, 1)
    assert rows["general_assembly"] == (0, 0)  # after the period
    assert list(rows) == list(EventKind.values)


def test_registrations_attendance_no_shows_and_fill_rate(world):
    figures = registration_figures(_scope(world), now=AFTER)
    assert (figures.registrations, figures.attendees) == (6, 4)
    assert (figures.over_registrations, figures.no_shows) == (6, 2)
    assert figures.no_show_rate == pytest.approx(1 / 3)
    assert (figures.capacity, figures.seats_taken) == (14, 6)
    assert figures.fill_rate == pytest.approx(6 / 14)


def test_no_show_counts_only_events_that_are_over(world):
    figures = registration_figures(_scope(world), now=paris(2026, 9, 20, 10))
    assert (figures.over_registrations, figures.no_shows, figures.no_show_rate) == (0, 0, None)


def test_reach_counts_distinct_people_and_companies(world):
    # alice (twice), bob, frank; company A and « Plasturgie B » (carol absent, gina no company).
    assert reach(_scope(world)) == type(reach(_scope(world)))(people=3, companies=2)


def test_training_hours_times_trainees(world):
    figures = training_figures(_scope(world))
    assert (figures.trainings, figures.trainees) == (1, 2)
    assert figures.trainee_hours == Decimal("10.50")  # alice 7 h + bob 3.5 h


def test_figures_within_a_territory(world):
    epci = activity_figures(_scope(world, epci=world["here"].epci_id), now=AFTER)
    assert epci.events == 1
    assert (epci.registrations.registrations, epci.registrations.attendees, epci.registrations.no_shows) == (
        3,
        2,
        1,
    )
    assert (epci.reach.people, epci.reach.companies) == (2, 1)
    assert epci.training.trainee_hours == Decimal("10.50")
    haut_rhin = activity_figures(_scope(world, department="68"), now=AFTER)
    assert haut_rhin.events == 1
    assert (haut_rhin.registrations.registrations, haut_rhin.registrations.attendees) == (3, 2)
    assert haut_rhin.training.trainee_hours == Decimal("0.00")
    assert haut_rhin.registrations.fill_rate == pytest.approx(3 / 4)


def test_an_empty_period_has_no_rates(world):
    empty = activity_figures(Scope(world["network"], datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)))
    assert empty.events == 0
    assert (empty.registrations.no_show_rate, empty.registrations.fill_rate) == (None, None)
    assert (empty.reach.people, empty.training.trainee_hours) == (0, Decimal("0.00"))
