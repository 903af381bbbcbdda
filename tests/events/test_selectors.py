"""Event reads: the calendar of one user (visibility, filters), the month grid, an event's page."""

import datetime

import pytest

from maillage.events import selectors
from maillage.events.models import Audience, EventStatus, RegistrationStatus
from maillage.events.selectors import CalendarFilters
from maillage.taxonomy.services import taxonomy_refresh_tree_paths
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory, paris
from tests.referential.factories import CommuneFactory, DepartmentFactory, EpciFactory
from tests.taxonomy.factories import TaxonomyNodeFactory

pytestmark = pytest.mark.django_db

NOW = paris(2026, 9, 1, 8)


@pytest.fixture
def network():
    return NetworkFactory(slug="reseau-a")


@pytest.fixture
def member(network):
    user = UserFactory()
    EstablishmentFactory(member_of=network, users=[user])
    return user


def _event(network, day, **extra):
    start = paris(2026, 9, day, 9)
    return EventFactory(
        network=network, starts_at=start, ends_at=start + datetime.timedelta(hours=3), **extra
    )


def test_a_visitor_sees_upcoming_public_events_only(network, member):
    public = _event(network, 10)
    members = _event(network, 11, audience=Audience.MEMBERS)
    _event(network, 12, status=EventStatus.DRAFT)
    invitation = _event(network, 13, audience=Audience.INVITATION)
    cancelled = _event(network, 14, status=EventStatus.CANCELLED)
    EventFactory(network=network, starts_at=paris(2026, 8, 1, 9), ends_at=paris(2026, 8, 1, 12))  # over
    _event(NetworkFactory(), 10)  # another network's
    assert list(selectors.upcoming_events(None, network, now=NOW)) == [public, cancelled]
    shown = list(selectors.upcoming_events(member, network, now=NOW))
    assert shown == [public, members, invitation, cancelled]


def test_an_animator_does_not_see_drafts_on_the_public_calendar(network):
    animator = UserFactory()
    network.animators.add(animator)
    _event(network, 12, status=EventStatus.DRAFT)
    assert not selectors.upcoming_events(animator, network, now=NOW).exists()


def test_filters_kind_topic_territory_and_members_only(network, member):
    parent = TaxonomyNodeFactory()
    child = TaxonomyNodeFactory(parent=parent)
    taxonomy_refresh_tree_paths()
    epci = EpciFactory(name="CA de Haguenau")
    department = DepartmentFactory(code="68", name="Haut-Rhin")
    haguenau = CommuneFactory(name="Haguenau", epci=epci)
    colmar = CommuneFactory(name="Colmar", department=department)
    training = _event(network, 10, kind="training", commune=haguenau)
    training.topics.add(child)
    visit = _event(network, 11, kind="visit", commune=colmar, audience=Audience.MEMBERS)

    def shown(**filters):
        return list(selectors.upcoming_events(member, network, filters=CalendarFilters(**filters), now=NOW))

    assert shown(kind="training") == [training]
    assert shown(topic=parent) == [training]  # a topic finds its sub-topics
    assert shown(territory=f"epci-{epci.siren}") == [training]
    assert shown(territory="dep-68") == [visit]
    assert shown(members_only=True) == [visit]
    territories = dict(selectors.calendar_territories(member, network))
    assert territories[f"epci-{epci.siren}"] == "CA de Haguenau"
    assert territories["dep-68"] == "Haut-Rhin (68)"
    assert list(selectors.calendar_topics(member, network)) == [child]
    assert "dep-68" not in dict(selectors.calendar_territories(None, network))  # members-only visit
    draft = _event(network, 12, status=EventStatus.DRAFT)
    draft.topics.add(child)
    assert list(selectors.calendar_topics(None, network)) == [child]


def test_the_month_grid_puts_each_session_on_its_paris_day(network):
    training = EventFactory(
        network=network,
        sessions=[(paris(2026, 9, 15, 9), paris(2026, 9, 15, 12, 30)),
                  (paris(2026, 9, 15, 13, 30), paris(2026, 9, 15, 17)),
                  (paris(2026, 9, 22, 9), paris(2026, 9, 22, 12, 30))],
    )  # fmt: skip
    late = EventFactory(network=network, starts_at=paris(2026, 9, 30, 23, 30), ends_at=paris(2026, 10, 1, 1))
    weeks = selectors.month_grid(None, network, 2026, 9)
    assert weeks[0][0].date == datetime.date(2026, 8, 31) and not weeks[0][0].in_month
    assert all(len(week) == 7 for week in weeks)
    days = {day.date: [event for event, _ in day.entries] for week in weeks for day in week}
    assert days[datetime.date(2026, 9, 15)] == [training]  # two half-days, one line
    assert days[datetime.date(2026, 9, 22)] == [training]
    assert days[datetime.date(2026, 9, 30)] == [late]  # 23:30 in Paris, 21:30 UTC
    assert days[datetime.date(2026, 9, 16)] == []


def test_the_event_page_counts_seats_and_waitlist(network):
    commune = CommuneFactory(name="Haguenau", latitude=48.81, longitude=7.79)
    event = _event(network, 10, capacity=3, commune=commune, venue="Salle Vauban", address="3 rue du Port")
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    page = selectors.event_page(event)
    assert (page.confirmed, page.seats_left, page.waitlist, page.full) == (2, 1, 1, False)
    assert page.point == (48.81, 7.79)
    assert page.location == "Salle Vauban, 3 rue du Port, Haguenau"
    assert str(page.hours) == "3.00"
    RegistrationFactory(event=event)
    assert selectors.event_page(event).full
    unlimited = _event(network, 11)
    assert selectors.event_page(unlimited).seats_left is None
    assert selectors.event_page(unlimited).point is None


def test_the_back_office_list_counts_registrations_by_section(network):
    upcoming = _event(network, 10)
    draft = _event(network, 11, status=EventStatus.DRAFT)
    past = EventFactory(network=network, starts_at=paris(2026, 8, 1, 9), ends_at=paris(2026, 8, 1, 12))
    RegistrationFactory.create_batch(2, event=upcoming)
    RegistrationFactory(event=upcoming, status=RegistrationStatus.WAITLISTED)
    rows = list(selectors.managed_events(network, "upcoming", now=NOW))
    assert rows == [upcoming] and (rows[0].confirmed_count, rows[0].waiting_count) == (2, 1)
    assert list(selectors.managed_events(network, "drafts", now=NOW)) == [draft]
    assert list(selectors.managed_events(network, "past", now=NOW)) == [past]
    assert selectors.managed_counts(network, now=NOW) == {"upcoming": 1, "past": 1, "drafts": 1}
