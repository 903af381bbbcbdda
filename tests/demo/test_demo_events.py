"""The demo's season of events: trainings past with attendance, signatures and certificates,
events to come with registrations and a waitlist; a member can subscribe to it."""

import icalendar
import pytest
from django.utils import timezone

from maillage.accounts.models import User
from maillage.demo.territory import NETWORK_SLUG
from maillage.directory.models import Network
from maillage.events import feeds
from maillage.events.attendance import trainer_signature_parts
from maillage.events.models import (
    Attendance,
    Audience,
    Certificate,
    Event,
    EventKind,
    Registration,
    RegistrationStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(demo_outputs):
    return Network.objects.get(slug=NETWORK_SLUG)


def test_the_season_is_written_once(demo_outputs, network):
    assert "Saison d'événements : 7 événements écrits" in demo_outputs[0]
    assert "Saison d'événements : 0 événements écrits, 0 inscriptions" in demo_outputs[1]
    assert Event.objects.filter(network=network).count() == 7


def test_a_training_cycle_of_half_days_in_september_with_its_sheet_signed(network):
    cycle = Event.objects.get(network=network, title="Comment mesurer la productivité : TRS et SMED")
    sessions = list(cycle.sessions.all())
    assert len(sessions) == 4
    assert {timezone.localtime(s.starts_at).month for s in sessions} == {9}
    assert all(s.hours == 3.5 for s in sessions)
    assert cycle.ends_at < timezone.now()
    present = Attendance.objects.filter(registration__event=cycle, present=True)
    assert present.exists() and not present.filter(signature_hash="").exists()
    assert all(s.trainer_signature_hash for s in sessions)
    assert trainer_signature_parts(sessions[0])[0] == "Marc Lehmann"


def test_certificates_go_only_to_people_who_attended_with_their_hours(network):
    certificates = Certificate.objects.filter(registration__event__network=network)
    assert certificates.exists()
    for certificate in certificates.select_related("registration"):
        attended = Attendance.objects.filter(registration=certificate.registration, present=True)
        assert attended.exists()
        assert certificate.hours == sum(a.session.hours for a in attended)
    no_show = Registration.objects.filter(
        event__kind=EventKind.TRAINING, event__network=network, status=RegistrationStatus.CONFIRMED
    ).exclude(attendances__present=True)
    assert no_show.exists() and not Certificate.objects.filter(registration__in=no_show).exists()


def test_upcoming_events_include_a_full_visit_with_a_waitlist_and_a_members_only_evening(network):
    upcoming = Event.objects.filter(network=network, starts_at__gt=timezone.now())
    assert {e.kind for e in upcoming} >= {
        EventKind.BUSINESS_CORNER,
        EventKind.VISIT,
        EventKind.GENERAL_ASSEMBLY,
        EventKind.MEMBERS_EVENT,
    }
    visit = upcoming.get(kind=EventKind.VISIT)
    assert visit.host is not None
    assert visit.registrations.confirmed().count() == visit.capacity
    assert visit.registrations.filter(status=RegistrationStatus.WAITLISTED).count() == 3
    assert upcoming.get(kind=EventKind.MEMBERS_EVENT).audience == Audience.MEMBERS


def test_the_demo_member_subscribes_to_their_events(network):
    member = User.objects.get(email="adherent1@demo.maillage.fr")
    calendar = icalendar.Calendar.from_ical(feeds.person_feed_ics(feeds.feed_token_create(member).token))
    titles = {str(v["SUMMARY"]) for v in calendar.walk("VEVENT")}
    assert "Soirée des adhérents" in titles
    assert any(title.startswith("Business corner") for title in titles)
    assert Certificate.objects.filter(registration__user=member).exists()
    waiting = User.objects.get(email="adherent2@demo.maillage.fr")
    assert Registration.objects.get(user=waiting).status == RegistrationStatus.WAITLISTED
