"""Attendance services: check-in, « marquer présents » after the fact, signatures and their
hash, hours attended."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.events import attendance
from maillage.events.errors import EventError
from maillage.events.models import Attendance, EventKind, RegistrationStatus
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, RegistrationFactory, paris

pytestmark = pytest.mark.django_db

DRAWING = "M10 10 L50 40 L90 20 M100 60 L140 80"


def _training():
    """A training of two half-days: 9:00–12:30 (3.5 h) and 14:00–17:30 (3.5 h), 15 Sept 2026."""
    return EventFactory(
        kind=EventKind.TRAINING,
        trainer="Claire Martin",
        sessions=[
            (paris(2026, 9, 15, 9), paris(2026, 9, 15, 12, 30)),
            (paris(2026, 9, 15, 14), paris(2026, 9, 15, 17, 30)),
        ],
    )


def test_check_in_toggles_and_counts():
    event = _training()
    morning = event.sessions.first()
    people = [RegistrationFactory(event=event) for _ in range(3)]
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    animator = UserFactory()
    row = attendance.check_in(people[0], morning, animator)
    assert row.present and row.checked_in_by == animator and row.checked_in_at
    attendance.check_in(people[1], morning, animator)
    assert attendance.session_count(morning) == attendance.SessionCount(present=2, total=3)
    attendance.check_in(people[1], morning, animator, present=False)
    assert attendance.session_count(morning).present == 1
    assert not Attendance.objects.get(registration=people[1]).checked_in_at


def test_only_confirmed_people_are_on_the_list_and_checked_in():
    event = _training()
    confirmed = RegistrationFactory(event=event, last_name="Zola")
    waitlisted = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    cancelled = RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    assert list(attendance.roster(event)) == [confirmed]
    for registration in (waitlisted, cancelled):
        with pytest.raises(EventError, match="pas d’inscription confirmée"):
            attendance.check_in(registration, event.sessions.first(), None)
    assert not Attendance.objects.exists()


def test_a_session_of_another_event_is_refused():
    registration = RegistrationFactory(event=_training())
    with pytest.raises(EventError):
        attendance.check_in(registration, EventFactory().sessions.first(), None)


def test_mark_present_bulk_is_all_or_nothing():
    event = _training()
    a, b = RegistrationFactory(event=event), RegistrationFactory(event=event)
    waitlisted = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    sessions = [s.pk for s in event.sessions.all()]
    with pytest.raises(EventError):
        attendance.mark_present_bulk(event, [a.pk, waitlisted.pk], sessions, None)
    assert not Attendance.objects.exists()
    other = RegistrationFactory()
    with pytest.raises(EventError):
        attendance.mark_present_bulk(event, [a.pk, other.pk], sessions, None)
    assert attendance.mark_present_bulk(event, [a.pk, b.pk], sessions, None) == 4
    assert attendance.mark_present_bulk(event, [a.pk], sessions, None) == 0
    assert attendance.hours_attended(a) == Decimal("7.00")


def test_hours_attended_sums_the_sessions_marked_present():
    event = _training()
    registration = RegistrationFactory(event=event)
    assert attendance.hours_attended(registration) == 0
    morning, afternoon = event.sessions.all()
    attendance.check_in(registration, morning, None)
    assert attendance.hours_attended(registration) == Decimal("3.5")
    attendance.check_in(registration, afternoon, None)
    attendance.check_in(registration, morning, None, present=False)
    assert attendance.hours_attended(registration) == Decimal("3.5")
    assert attendance.event_hours(event) == Decimal("7")


def test_sign_records_signer_time_and_hash_and_marks_present():
    event = _training()
    morning = event.sessions.first()
    registration = RegistrationFactory(event=event, first_name="Lina", last_name="Roux")
    now = morning.starts_at + datetime.timedelta(minutes=5)
    row = attendance.sign(registration, morning, f"  {DRAWING} ", "Lina Roux", now)
    row.refresh_from_db()
    assert (row.signature, row.signer_name, row.signed_at, row.present) == (DRAWING, "Lina Roux", now, True)
    text = f"{morning.pk}|{registration.pk}|Lina Roux|{now.isoformat()}|{DRAWING}"
    assert row.signature_hash == hashlib.sha256(text.encode()).hexdigest()
    with pytest.raises(EventError, match="déjà signé"):
        attendance.sign(registration, morning, DRAWING, "Lina Roux", now)
    # The signature is the proof of presence: it cannot be unchecked.
    with pytest.raises(EventError, match="a signé"):
        attendance.check_in(registration, morning, None, present=False)


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        ("", "Signez dans le cadre"),
        ("M10 10", "Signez dans le cadre"),
        ('M10 10 L20 20"/><script>', "n’a pas pu être lue"),
        ("M1 1 " + "L2 2 " * 7000, "n’a pas pu être lue"),
    ],
)
def test_an_empty_or_foreign_drawing_is_refused(drawing, message):
    event = _training()
    morning = event.sessions.first()
    registration = RegistrationFactory(event=event)
    with pytest.raises(EventError, match=message):
        attendance.sign(registration, morning, drawing, "X", morning.starts_at)
    assert not Attendance.objects.exists()


def test_signing_opens_a_quarter_of_an_hour_before_the_start():
    event = _training()
    morning = event.sessions.first()
    early, late = RegistrationFactory(event=event), RegistrationFactory(event=event)
    with pytest.raises(EventError, match="quart d’heure"):
        attendance.sign(early, morning, DRAWING, "A", morning.starts_at - datetime.timedelta(minutes=16))
    attendance.sign(late, morning, DRAWING, "B", morning.starts_at - datetime.timedelta(minutes=15))


def test_a_person_not_confirmed_cannot_sign():
    event = _training()
    morning = event.sessions.first()
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    with pytest.raises(EventError):
        attendance.sign(registration, morning, DRAWING, "A", morning.starts_at)


def test_trainer_signs_once_with_name_and_hash():
    event = _training()
    morning = event.sessions.first()
    now = morning.ends_at
    attendance.trainer_sign(morning, DRAWING, "Claire Martin", now)
    morning.refresh_from_db()
    assert attendance.trainer_signature_parts(morning) == ("Claire Martin", DRAWING)
    assert morning.trainer_signed_at == now
    text = f"{morning.pk}||Claire Martin|{now.isoformat()}|{DRAWING}"
    assert morning.trainer_signature_hash == hashlib.sha256(text.encode()).hexdigest()
    with pytest.raises(EventError, match="déjà signé"):
        attendance.trainer_sign(morning, DRAWING, "Claire Martin", now)
    with pytest.raises(EventError, match="nom"):
        attendance.trainer_sign(event.sessions.last(), DRAWING, "  ", timezone.now())


def test_attended_registrations_are_those_present_once():
    event = _training()
    came, absent = RegistrationFactory(event=event), RegistrationFactory(event=event)
    attendance.check_in(came, event.sessions.last(), None)
    attendance.check_in(absent, event.sessions.last(), None)
    attendance.check_in(absent, event.sessions.last(), None, present=False)
    assert list(attendance.attended_registrations(event)) == [came]


def test_a_trainer_drawing_stored_without_name_still_reads():
    session = _training().sessions.first()
    session.trainer_signature = DRAWING
    assert attendance.trainer_signature_parts(session) == ("", DRAWING)
    session.trainer_signature = "<script>"
    assert attendance.trainer_signature_parts(session) == ("", "")
