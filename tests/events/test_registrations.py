"""Registration services: register (validation, status, priority, e-mail with .ics), cancel and
promotion, replacement by a colleague, moderation, offers, and the reminder tick."""

import datetime

import icalendar
import pytest
from django.db import transaction
from django.utils import timezone

from maillage.events import registrations
from maillage.events.errors import EventError
from maillage.events.models import (
    EventStatus,
    Question,
    Registration,
    RegistrationMessage,
    RegistrationStatus,
)
from tests.directory.factories import EstablishmentFactory, MembershipFactory
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def _register(event, n, **kwargs):
    return registrations.register(
        event, first_name="Camille", last_name=f"Durand{n}", email=f"p{n}@exemple.fr", **kwargs
    )


@pytest.fixture
def sent(mailoutbox, monkeypatch):
    """The outbox, the queued e-mails sent as they are queued (the test's transaction never
    commits, and the order of the messages matters here)."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    return mailoutbox


def test_a_free_seat_confirms_and_sends_the_invitation(sent):
    event = EventFactory(capacity=2)
    registration = registrations.register(
        event, first_name=" Léa ", last_name="Muller", email=" Lea.Muller@Exemple.FR ", answers={}
    )
    assert registration.status == S.CONFIRMED
    assert registration.email == "lea.muller@exemple.fr"
    assert registration.confirmed_at is not None
    assert len(registration.token) == 43
    [message] = sent
    assert message.to == ["lea.muller@exemple.fr"]
    assert "confirmée" in message.subject
    assert registration.token in message.body
    [(name, content, mimetype)] = message.attachments
    assert mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    assert str(calendar["method"]) == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == f"{event.uid}@maillage"


def test_a_full_event_waitlists(sent):
    event = EventFactory(capacity=1)
    _register(event, 1)
    second = _register(event, 2)
    assert second.status == S.WAITLISTED
    assert registrations.waitlist_position(second) == 1
    assert "Liste d’attente" in sent[-1].subject
    assert not sent[-1].attachments


def test_a_moderated_event_holds_registrations_for_validation(sent):
    event = EventFactory(capacity=5, moderated=True)
    registration = _register(event, 1)
    assert registration.status == S.PENDING
    assert "reçue" in sent[-1].subject
    registrations.moderate(registration, approve=True)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    other = _register(event, 2)
    registrations.moderate(other, approve=False)
    other.refresh_from_db()
    assert other.status == S.DECLINED
    assert "non retenue" in sent[-1].subject
    with pytest.raises(EventError):
        registrations.moderate(other, approve=True)


def test_the_same_address_twice_is_refused_naming_the_email():
    event = EventFactory()
    _register(event, 1)
    with pytest.raises(EventError) as error:
        registrations.register(event, first_name="A", last_name="B", email="P1@exemple.fr")
    assert error.value.field == "email"
    assert Registration.objects.filter(event=event).count() == 1


def test_the_same_address_may_register_again_after_cancelling():
    event = EventFactory()
    registrations.cancel(_register(event, 1))
    assert _register(event, 1).status == S.CONFIRMED


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": EventStatus.DRAFT}, "pas ouvertes"),
        ({"status": EventStatus.CANCELLED}, "pas ouvertes"),
        ({"registration_opens_at": timezone.now() + datetime.timedelta(days=1)}, "ouvrent le"),
        ({"registration_closes_at": timezone.now() - datetime.timedelta(hours=1)}, "closes depuis"),
    ],
)
def test_outside_the_window_nothing_is_written(change, message):
    event = EventFactory(**change)
    with pytest.raises(EventError, match=message):
        _register(event, 1)
    assert not Registration.objects.exists()


def test_after_the_start_registration_is_closed():
    event = EventFactory()
    with pytest.raises(EventError, match="closes"):
        _register(event, 1, now=event.starts_at + datetime.timedelta(minutes=1))


def test_required_questions_must_be_answered():
    event = EventFactory()
    diet = Question.objects.create(event=event, label="Régime alimentaire", required=True)
    other = Question.objects.create(event=event, label="Attentes", required=False)
    with pytest.raises(EventError) as error:
        _register(event, 1, answers={str(other.pk): "Apprendre"})
    assert error.value.field == f"question_{diet.pk}"
    registration = _register(event, 1, answers={str(diet.pk): "  végétarien ", "999": "ignoré"})
    assert registration.answers == {str(diet.pk): "végétarien"}


def test_members_of_the_network_get_the_first_class():
    event = EventFactory(capacity=0)
    member = MembershipFactory(network=event.network).establishment
    outsider = EstablishmentFactory()
    assert _register(event, 1, establishment=member).priority == 0
    assert _register(event, 2, establishment=outsider).priority == 1
    assert _register(event, 3, company_name="Atelier libre").priority == 1


def test_the_per_company_cap_refuses_a_third_colleague():
    event = EventFactory(capacity=10, per_company_cap=2)
    company = EstablishmentFactory()
    _register(event, 1, establishment=company)
    _register(event, 2, establishment=company)
    with pytest.raises(EventError) as error:
        _register(event, 3, establishment=company)
    assert error.value.field == "company"
    _register(event, 4, company_name="Atelier Libre")
    _register(event, 5, company_name="atelier  libre ")
    with pytest.raises(EventError):
        _register(event, 6, company_name="ATELIER LIBRE")


def test_a_cancellation_offers_the_seat_to_the_next_member_first(sent):
    event = EventFactory(capacity=1, offer_hours=24)
    first = _register(event, 1)
    outsider = _register(event, 2)
    member = _register(event, 3, establishment=MembershipFactory(network=event.network).establishment)
    now = timezone.now()
    registrations.cancel(first, now=now)
    member.refresh_from_db()
    outsider.refresh_from_db()
    assert member.status == S.OFFERED
    assert member.offer_expires_at == now + datetime.timedelta(hours=24)
    assert outsider.status == S.WAITLISTED
    subjects = [m.subject for m in sent]
    assert any("Inscription annulée" in s for s in subjects)
    assert "libérée" in sent[-1].subject and sent[-1].to == [member.email]
    # The cancellation of a confirmed seat takes it out of the person's calendar.
    cancel_message = next(m for m in sent if "annulée" in m.subject)
    calendar = icalendar.Calendar.from_ical(cancel_message.attachments[0][1])
    assert str(calendar["method"]) == "CANCEL"

    registrations.accept_offer(member)
    member.refresh_from_db()
    assert member.status == S.CONFIRMED
    assert "confirmée" in sent[-1].subject


def test_an_expired_offer_moves_on_and_cannot_be_accepted():
    event = EventFactory(capacity=1, offer_hours=2)
    first = _register(event, 1)
    second = _register(event, 2)
    third = _register(event, 3)
    now = timezone.now()
    registrations.cancel(first, now=now)
    later = now + datetime.timedelta(hours=3)
    with pytest.raises(EventError, match="délai"):
        registrations.accept_offer(second, now=later)
    assert registrations.promote_due(later) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == S.CANCELLED
    assert third.status == S.OFFERED


def test_declining_an_offer_passes_it_on():
    event = EventFactory(capacity=1)
    first, second, third = (_register(event, n) for n in (1, 2, 3))
    registrations.cancel(first)
    registrations.decline_offer(second)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (S.CANCELLED, S.OFFERED)


def test_a_colleague_takes_the_seat_without_promotion(sent):
    event = EventFactory(capacity=1)
    company = EstablishmentFactory()
    first = _register(event, 1, establishment=company)
    waiting = _register(event, 2)
    new = registrations.replace(first, first_name="Paul", last_name="Meyer", email="Paul@Exemple.fr")
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, new.status, waiting.status) == (S.CANCELLED, S.CONFIRMED, S.WAITLISTED)
    assert new.replaces == first and new.establishment == company and new.email == "paul@exemple.fr"
    assert new.queued_at == first.queued_at
    assert sent[-1].to == ["paul@exemple.fr"]
    with pytest.raises(EventError):
        registrations.replace(first, first_name="X", last_name="Y", email="x@exemple.fr")
    with pytest.raises(EventError) as error:
        registrations.replace(new, first_name="X", last_name="Y", email=waiting.email)
    assert error.value.field == "email"


def test_the_organiser_adds_people_to_an_invitation_only_event_after_the_window():
    event = EventFactory(
        audience="invitation",
        moderated=True,
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    registration = _register(event, 1, by_organiser=True)
    assert registration.status == S.CONFIRMED


def test_unlimited_capacity_never_waitlists():
    event = EventFactory(capacity=None)
    assert {_register(event, n).status for n in range(5)} == {S.CONFIRMED}


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_go_to_confirmed_seats_booked_before_the_reminder_time(sent):
    event = EventFactory(reminder_days=[7, 1], capacity=2)
    start = event.starts_at
    early = RegistrationFactory(event=event, confirmed_at=start - datetime.timedelta(days=10))
    late = RegistrationFactory(event=event, confirmed_at=start - datetime.timedelta(hours=30))
    RegistrationFactory(event=event, status=S.WAITLISTED, confirmed_at=None)
    RegistrationFactory(event=event, status=S.CANCELLED, confirmed_at=start - datetime.timedelta(days=10))
    RegistrationFactory(event=event, status=S.PENDING, confirmed_at=None)

    at_j7 = start - datetime.timedelta(days=6, hours=23)
    assert registrations.reminders_due(at_j7) == 1
    assert [m.to for m in sent] == [[early.email]]
    assert "Rappel" in sent[0].subject
    assert registrations.reminders_due(at_j7) == 0  # a re-run sends nothing twice

    at_j1 = start - datetime.timedelta(hours=20)
    assert registrations.reminders_due(at_j1) == 2
    assert sorted(m.to[0] for m in sent[1:]) == sorted([early.email, late.email])
    assert registrations.reminders_due(at_j1) == 0
    assert RegistrationMessage.objects.filter(kind="reminder", state="sent").count() == 3


def test_a_late_tick_sends_only_the_nearest_reminder(sent):
    event = EventFactory(reminder_days=[7, 1])
    RegistrationFactory(event=event, confirmed_at=event.starts_at - datetime.timedelta(days=20))
    assert registrations.reminders_due(event.starts_at - datetime.timedelta(hours=2)) == 1
    assert RegistrationMessage.objects.get().key == "1"


def test_no_reminder_for_drafts_started_or_unreminded_events(sent):
    for event in (
        EventFactory(reminder_days=[1], status=EventStatus.DRAFT),
        EventFactory(reminder_days=[]),
    ):
        RegistrationFactory(event=event, confirmed_at=event.starts_at - datetime.timedelta(days=5))
    started = EventFactory(reminder_days=[1])
    RegistrationFactory(event=started, confirmed_at=started.starts_at - datetime.timedelta(days=5))
    assert registrations.reminders_due(started.starts_at + datetime.timedelta(minutes=1)) == 0
    assert sent == []


def test_an_event_change_is_told_once_with_the_new_invitation(sent):
    event = EventFactory(capacity=1)
    confirmed = _register(event, 1)
    waiting = _register(event, 2)  # told of the change, without an invitation
    sent.clear()
    event.sequence = 1
    event.save()
    assert registrations.notify_event_change(event) == 2
    registrations.notify_event_change(event)
    assert sorted(m.to[0] for m in sent) == sorted([confirmed.email, waiting.email])
    assert all("modifié" in m.subject for m in sent)
    [message] = [m for m in sent if m.attachments]
    assert message.to == [confirmed.email]
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    assert str(calendar["method"]) == "REQUEST"
    assert int(calendar.walk("VEVENT")[0]["sequence"]) == 1

    sent.clear()
    event.status, event.sequence = EventStatus.CANCELLED, 2
    event.save()
    assert registrations.notify_event_change(event) == 2
    assert {m.to[0] for m in sent} == {"p1@exemple.fr", "p2@exemple.fr"}
    assert all("Événement annulé" in m.subject for m in sent)
    with_ics = [m for m in sent if m.attachments]
    assert [m.to for m in with_ics] == [[confirmed.email]]
    assert str(icalendar.Calendar.from_ical(with_ics[0].attachments[0][1])["method"]) == "CANCEL"


def test_no_offer_once_the_event_has_started():
    event = EventFactory(capacity=1)
    first, second = _register(event, 1), _register(event, 2)
    registrations.cancel(first, now=event.starts_at + datetime.timedelta(minutes=5))
    second.refresh_from_db()
    assert second.status == S.WAITLISTED
    walk_in = _register(event, 3, by_organiser=True, now=event.starts_at + datetime.timedelta(minutes=10))
    assert walk_in.status == S.CONFIRMED  # the organiser adds someone at the door


def test_the_quarter_hour_tick_moves_offers_on_and_sends_reminders(sent):
    from maillage.events import tasks

    event = EventFactory(capacity=1, offer_hours=1, reminder_days=[30])
    first, second = _register(event, 1), _register(event, 2)
    registrations.cancel(first, now=timezone.now() - datetime.timedelta(hours=2))
    booked = RegistrationFactory(event=event, confirmed_at=event.starts_at - datetime.timedelta(days=40))
    sent.clear()
    assert tasks.events_tick_task.call_local() == {"promoted_events": 1, "reminders": 1}
    second.refresh_from_db()
    assert second.status == S.CANCELLED  # the offer ran out
    assert [m.to for m in sent] == [[booked.email]]


def test_a_registration_is_linked_to_the_networks_contact_of_that_address_and_company(sent):
    from maillage.directory.models import Contact

    event = EventFactory()
    company = EstablishmentFactory()
    known = Contact.objects.create(
        network=event.network, establishment=company, last_name="Klein", email="A.Klein@Usine.example"
    )
    Contact.objects.create(network=event.network, establishment=EstablishmentFactory(), last_name="Autre",
                           email="b.roth@usine.example")  # fmt: skip
    first = registrations.register(event, first_name="Anne", last_name="Klein", email="a.klein@usine.example",
                                   establishment=company)  # fmt: skip
    other = registrations.register(event, first_name="Bruno", last_name="Roth", email="b.roth@usine.example",
                                   establishment=company)  # fmt: skip
    assert first.contact == known and other.contact is None  # that address is another company's contact
    colleague = Contact.objects.create(
        network=event.network, establishment=company, last_name="Muller", email="c.muller@usine.example"
    )
    moved = registrations.replace(
        first, first_name="Claire", last_name="Muller", email="c.muller@usine.example"
    )
    assert moved.contact == colleague


def test_notify_false_registers_and_sends_nothing(sent):
    event = EventFactory(capacity=1)
    first = _register(event, 1, notify=False)
    second = _register(event, 2, notify=False)
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED) and sent == []
