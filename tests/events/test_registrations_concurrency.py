"""Seats under concurrency (PostgreSQL): 32 people registering at the same instant for fewer
seats, cancellations racing new registrations, the same address twice at once. The event's
row is locked while seats are counted (``registrations._locked``): never overbooked, a freed
seat offered once, one live registration per address.

Run in the PostgreSQL pass of ``make test`` only (marker ``postgres_only``, deselected on
SQLite): SQLite's in-memory test database (shared cache) refuses a second writer at once
instead of waiting, which is no picture of production.
"""

import threading

import pytest
from django.db import connections

from maillage.events import registrations
from maillage.events.errors import EventError
from maillage.events.models import Registration, RegistrationStatus
from tests.events.factories import EventFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
]

S = RegistrationStatus
CLIENTS = 32


def _burst(calls) -> tuple[list, list[BaseException]]:
    """Run each of ``calls`` in its own thread, all released at once; results and errors."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _person(event, n):
    return lambda: registrations.register(
        event, first_name="Camille", last_name=f"Durand{n}", email=f"p{n}@exemple.fr"
    )


def _counts(event) -> dict:
    rows = Registration.objects.filter(event=event)
    return {status: rows.filter(status=status).count() for status in S.values}


def _no_address_twice(event):
    active = list(Registration.objects.filter(event=event).active().values_list("email", flat=True))
    assert len(active) == len(set(active))


def test_thirty_two_people_at_once_never_overbook():
    event = EventFactory(capacity=10)
    results, errors = _burst([_person(event, n) for n in range(CLIENTS)])
    assert errors == []
    counts = _counts(event)
    assert counts[S.CONFIRMED] == 10
    assert counts[S.WAITLISTED] == CLIENTS - 10
    _no_address_twice(event)
    # The waitlist is in arrival order: the confirmed ones came first.
    confirmed = Registration.objects.filter(event=event, status=S.CONFIRMED)
    waiting = Registration.objects.filter(event=event, status=S.WAITLISTED)
    assert max(r.queued_at for r in confirmed) <= min(r.queued_at for r in waiting)


def test_cancellations_racing_registrations_offer_each_freed_seat_once():
    event = EventFactory(capacity=10)
    _results, errors = _burst([_person(event, n) for n in range(20)])
    assert errors == []
    leaving = list(Registration.objects.filter(event=event, status=S.CONFIRMED)[:6])
    waiting = Registration.objects.filter(event=event, status=S.WAITLISTED).order_by("queued_at")
    first_waiting = list(waiting[:6])
    calls = [lambda r=r: registrations.cancel(r) for r in leaving]
    calls += [_person(event, n) for n in range(100, 100 + 16)]
    calls += [lambda r=r: registrations.cancel(r) for r in leaving[:3]]  # cancelled twice at once
    _results, errors = _burst(calls)
    assert all(isinstance(e, EventError) for e in errors)
    assert len(errors) == 3  # each second cancellation refused
    counts = _counts(event)
    assert counts[S.CONFIRMED] + counts[S.OFFERED] == 10  # the freed seats refilled, never more
    assert counts[S.OFFERED] == 6
    assert counts[S.CANCELLED] == 6
    offered = set(Registration.objects.filter(event=event, status=S.OFFERED).values_list("pk", flat=True))
    assert offered == {r.pk for r in first_waiting}  # people waiting came before newcomers
    _no_address_twice(event)

    # The offered people accept while others cancel: still never over.
    offers = list(Registration.objects.filter(event=event, status=S.OFFERED))
    confirmed = list(Registration.objects.filter(event=event, status=S.CONFIRMED)[:4])
    calls = [lambda r=r: registrations.accept_offer(r) for r in offers]
    calls += [lambda r=r: registrations.cancel(r) for r in confirmed]
    _results, errors = _burst(calls)
    assert errors == []
    counts = _counts(event)
    assert counts[S.CONFIRMED] + counts[S.OFFERED] == 10
    assert counts[S.OFFERED] == 4


def test_the_same_address_at_once_is_registered_once():
    event = EventFactory(capacity=50)
    calls = [
        lambda: registrations.register(event, first_name="Léa", last_name="Muller", email="lea@exemple.fr")
        for _ in range(8)
    ]
    results, errors = _burst(calls)
    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, EventError) and e.field == "email" for e in errors)
    assert Registration.objects.filter(event=event).count() == 1
