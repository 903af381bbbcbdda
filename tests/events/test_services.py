"""Event writes: create, update (sequence and « updated » e-mails), publish, cancel, sessions."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from maillage.events import services
from maillage.events.errors import EventError
from maillage.events.models import Event, EventSession, EventStatus, RegistrationStatus
from maillage.events.services import SessionInput, event_cancel, event_create, event_publish, event_update
from tests.accounts.factories import UserFactory
from tests.directory.factories import NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory, paris
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def animator():
    return UserFactory()


@pytest.fixture
def network(animator):
    return NetworkFactory(slug="reseau-a", animators=[animator])


@pytest.fixture
def sent(monkeypatch):
    """The messages queued (registration id, kind, key), once the transaction commits (through
    ``registrations.notify_event_change``, in batches)."""
    from maillage.events import tasks

    calls = []

    def many(ids, kind, key):
        calls.extend((registration_id, kind, key) for registration_id in ids)

    monkeypatch.setattr(tasks, "registration_send_many_task", many)
    return calls


def _create(network, by, **extra):
    values = {
        "title": "Mesurer la productivité : TRS et SMED",
        "kind": "training",
        "sessions": services.training_day(datetime.date(2026, 9, 15)),
    }
    return event_create(network, by=by, **(values | extra))


def test_create_keeps_times_from_the_sessions_and_a_slug_from_the_title(network, animator):
    event = _create(network, animator, capacity=12)
    assert event.status == EventStatus.DRAFT
    assert event.slug == "mesurer-la-productivite-trs-et-smed"
    assert event.starts_at == paris(2026, 9, 15, 9, 0)
    assert event.ends_at == paris(2026, 9, 15, 17, 0)
    assert [s.label for s in event.sessions.all()] == ["Matin", "Après-midi"]
    assert services.hours_of(event.sessions.all()) == Decimal("7.00")
    assert event.created_by == animator


def test_a_second_event_of_the_same_title_gets_another_slug(network, animator):
    first, second = _create(network, animator), _create(network, animator)
    assert second.slug == f"{first.slug}-2"
    other = _create(NetworkFactory(), None)
    assert other.slug == first.slug  # unique per network only


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"sessions": [(paris(2026, 9, 15, 12), paris(2026, 9, 15, 9))]}, "sessions[0].ends_at"),
        ({"sessions": []}, "sessions"),
        ({"title": "  "}, "title"),
        ({"kind": "party"}, "kind"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 5, "per_company_cap": 6}, "per_company_cap"),
        ({"registration_closes_at": paris(2026, 9, 16)}, "registration_closes_at"),
        ({"registration_opens_at": paris(2026, 9, 10), "registration_closes_at": paris(2026, 9, 1)},
         "registration_closes_at"),
        ({"registration_opens_at": paris(2026, 9, 20)}, "registration_opens_at"),
        ({"online_url": "pas une adresse"}, "online_url"),
        ({"reminder_days": [7, -1]}, "reminder_days"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(network, animator, extra, field):
    with pytest.raises(EventError) as refused:
        _create(network, animator, **extra)
    assert refused.value.field == field
    assert str(refused.value.message)
    assert not Event.objects.exists() and not EventSession.objects.exists()


def test_someone_who_does_not_animate_the_network_may_not_create(network):
    with pytest.raises(PermissionDenied):
        _create(network, UserFactory())


def test_capacity_below_the_confirmed_registrations_is_refused(network, animator):
    event = _create(network, animator, capacity=3, status=EventStatus.PUBLISHED)
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    with pytest.raises(EventError) as refused:
        event_update(event, by=animator, capacity=1)
    assert refused.value.field == "capacity"
    assert event_update(event, by=animator, capacity=2).capacity == 2


def test_a_change_of_time_bumps_the_sequence_and_tells_the_live_registrations(
    network, animator, sent, django_capture_on_commit_callbacks
):
    event = _create(network, animator, status=EventStatus.PUBLISHED)
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    morning, afternoon = event.sessions.all()
    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(
            event,
            by=animator,
            sessions=[
                SessionInput(morning.starts_at, morning.ends_at, "Matin", morning.pk),
                SessionInput(paris(2026, 9, 15, 14), paris(2026, 9, 15, 17, 30), "Après-midi", afternoon.pk),
            ],
        )
    assert event.sequence == 1 and event.ends_at == paris(2026, 9, 15, 17, 30)
    assert sorted(sent) == sorted([(confirmed.pk, "updated", "1"), (waiting.pk, "updated", "1")])
    assert set(event.sessions.values_list("pk", flat=True)) == {morning.pk, afternoon.pk}


def test_a_change_attendees_do_not_see_keeps_the_sequence(
    network, animator, sent, django_capture_on_commit_callbacks
):
    event = _create(network, animator, status=EventStatus.PUBLISHED)
    RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(event, by=animator, description="Programme détaillé", capacity=20)
    assert event.sequence == 0 and sent == []


def test_a_change_of_place_bumps_the_sequence(network, animator, sent, django_capture_on_commit_callbacks):
    event = _create(network, animator, status=EventStatus.PUBLISHED)
    registration = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(event, by=animator, commune=CommuneFactory(), venue="Salle Vauban")
    assert event.sequence == 1
    assert sent == [(registration.pk, "updated", "1")]


def test_publish_then_cancel_tells_the_registered_people_once(
    network, animator, sent, django_capture_on_commit_callbacks
):
    event = _create(network, animator)
    event = event_publish(event, by=animator)
    assert event.status == EventStatus.PUBLISHED
    registration = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        event = event_cancel(event, by=animator)
        event_cancel(event, by=animator)
    assert event.status == EventStatus.CANCELLED and event.sequence == 1
    assert sent == [(registration.pk, "cancelled", f"event-{event.sequence}")]
    with pytest.raises(EventError):
        event_publish(event, by=animator)
    with pytest.raises(EventError):
        event_update(event, by=animator, title="Autre")


def test_an_organiser_may_update_but_a_member_may_not(network, animator):
    organiser = UserFactory()
    event = _create(network, animator, organisers=[organiser])
    assert event_update(event, by=organiser, trainer="Anne Muller").trainer == "Anne Muller"
    with pytest.raises(PermissionDenied):
        event_update(event, by=UserFactory(), trainer="X")


def test_sessions_one_by_one_keep_the_event_times(network, animator):
    event = _create(network, animator)
    added = services.event_session_add(
        event,
        by=animator,
        starts_at=paris(2026, 9, 22, 9),
        ends_at=paris(2026, 9, 22, 12, 30),
        label="Jour 2",
    )
    event.refresh_from_db()
    assert event.ends_at == paris(2026, 9, 22, 12, 30)
    services.event_session_update(
        added, by=animator, starts_at=paris(2026, 9, 22, 9), ends_at=paris(2026, 9, 22, 12), label="Jour 2"
    )
    event.refresh_from_db()
    assert event.ends_at == paris(2026, 9, 22, 12)
    services.event_session_remove(added, by=animator)
    event.refresh_from_db()
    assert event.ends_at == paris(2026, 9, 15, 17) and event.sessions.count() == 2
    with pytest.raises(EventError) as refused:
        for session in list(event.sessions.all()):
            services.event_session_remove(session, by=animator)
    assert refused.value.field == "sessions"


def test_a_session_with_attendance_is_kept(network, animator):
    from maillage.events.models import Attendance

    event = _create(network, animator)
    morning, afternoon = event.sessions.all()
    Attendance.objects.create(registration=RegistrationFactory(event=event), session=afternoon, present=True)
    with pytest.raises(EventError):
        event_update(
            event, by=animator, sessions=[SessionInput(morning.starts_at, morning.ends_at, "", morning.pk)]
        )
    assert event.sessions.count() == 2


def test_questions_are_replaced_keeping_those_named(network, animator):
    event = _create(network, animator, questions=[("Régime alimentaire ?", False), ("Vos attentes ?", True)])
    diet, expectations = event.questions.all()
    event_update(
        event,
        by=animator,
        questions=[
            services.QuestionInput("Vos attentes ?", True, expectations.pk),
            services.QuestionInput("Taille de T-shirt", False),
        ],
    )
    labels = list(event.questions.values_list("label", "required"))
    assert labels == [("Vos attentes ?", True), ("Taille de T-shirt", False)]
    assert event.questions.filter(pk=expectations.pk).exists()


def test_the_training_day_default_can_be_changed():
    morning, afternoon = services.training_day(
        datetime.date(2026, 10, 6),
        morning=(datetime.time(8, 30), datetime.time(12)),
    )
    assert morning.starts_at == paris(2026, 10, 6, 8, 30)
    assert afternoon.ends_at == paris(2026, 10, 6, 17)
    assert services.hours_of([morning, afternoon]) == Decimal("7.00")


def test_factory_event_is_untouched_by_a_refused_update(network, animator):
    event = EventFactory(network=network, capacity=10)
    with pytest.raises(EventError), mock.patch.object(services, "_tell_registered") as notify:
        event_update(
            event, by=animator, capacity=10, sessions=[(paris(2026, 9, 1, 10), paris(2026, 9, 1, 9))]
        )
    notify.assert_not_called()
    event.refresh_from_db()
    assert event.sessions.count() == 1


def test_moving_a_middle_session_bumps_the_sequence(
    network, animator, sent, django_capture_on_commit_callbacks
):
    day = datetime.date(2026, 9, 15)
    sessions = services.training_day(day) + services.training_day(day + datetime.timedelta(days=7))
    event = _create(network, animator, sessions=sessions, status=EventStatus.PUBLISHED)
    registration = RegistrationFactory(event=event)
    rows = [SessionInput(s.starts_at, s.ends_at, s.label, s.pk) for s in event.sessions.all()]
    rows[1] = SessionInput(paris(2026, 9, 15, 14), paris(2026, 9, 15, 17), "Après-midi", rows[1].pk)
    with django_capture_on_commit_callbacks(execute=True):
        event = event_update(event, by=animator, sessions=rows)
    assert event.sequence == 1 and sent == [(registration.pk, "updated", "1")]


def test_a_slug_taken_meanwhile_is_refused_on_the_title_after_retries(network, animator, monkeypatch):
    first = _create(network, animator)
    monkeypatch.setattr(services, "_unique_slug", lambda network, title, **kwargs: first.slug)
    with pytest.raises(EventError) as refused:
        _create(network, animator)
    assert refused.value.field == "title"
    assert Event.objects.count() == 1 and EventSession.objects.count() == 2
