"""The iCalendar writer, read back by ``icalendar`` (a real reader of the format)."""

import icalendar
import pytest

from maillage.events import ics
from maillage.events.models import EventStatus
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _read(events, **kwargs):
    data = ics.calendar(
        events,
        name="Agenda",
        component=lambda event: ics.event_component(event, url="https://m.example/e/"),
        **kwargs,
    )
    return icalendar.Calendar.from_ical(data)


def test_uid_is_stable_and_sequence_follows_the_event():
    event = EventFactory()
    first = _read([event]).walk("VEVENT")[0]
    event.sequence = 3
    event.title = "Atelier déplacé"
    second = _read([event]).walk("VEVENT")[0]
    assert first["UID"] == second["UID"] == f"{event.uid}@maillage"
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 3)
    assert second["SUMMARY"] == "Atelier déplacé"
    assert second.decoded("DTSTART") == event.starts_at


def test_a_cancelled_event_says_so_and_the_method_is_kept():
    event = EventFactory(status=EventStatus.CANCELLED)
    cal = _read([event], method="CANCEL")
    assert cal["METHOD"] == "CANCEL"
    assert cal.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
