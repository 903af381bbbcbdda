"""Calendar feeds, read back by ``icalendar`` and ``recurring-ical-events`` (the readers calendar
applications are built on), not by our own code."""

import datetime

import icalendar
import pytest
import recurring_ical_events
from django.utils import timezone

from maillage.directory.models import Membership
from maillage.events import feeds, ics
from maillage.events.errors import EventError
from maillage.events.models import Audience, EventKind, EventStatus, RegistrationStatus
from maillage.taxonomy.services import taxonomy_refresh_tree_paths
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory, paris
from tests.taxonomy.factories import TaxonomyNodeFactory

pytestmark = pytest.mark.django_db


def _read(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def _titles(data: bytes) -> set[str]:
    return {str(vevent["SUMMARY"]) for vevent in _read(data).walk("VEVENT")}


def _by_title(data: bytes) -> dict[str, icalendar.Event]:
    return {str(vevent["SUMMARY"]): vevent for vevent in _read(data).walk("VEVENT")}


@pytest.fixture
def world():
    animator = UserFactory()
    network = NetworkFactory(slug="plasturgie", name="Pôle Plasturgie", animators=[animator])
    member = UserFactory(email="membre@example.org")
    company = EstablishmentFactory(member_of=network, users=[member])
    outsider = UserFactory(email="autre@example.org")
    soon = timezone.now() + datetime.timedelta(days=10)
    hours = datetime.timedelta(hours=3)
    make = dict(network=network, starts_at=soon, ends_at=soon + hours)
    return {
        "network": network,
        "animator": animator,
        "member": member,
        "company": company,
        "outsider": outsider,
        "public": EventFactory(title="Atelier ouvert", **make),
        "members": EventFactory(title="Soirée des adhérents", audience=Audience.MEMBERS, **make),
        "draft": EventFactory(title="Brouillon", status=EventStatus.DRAFT, **make),
        "cancelled": EventFactory(
            title="Visite annulée", status=EventStatus.CANCELLED, kind=EventKind.VISIT, **make
        ),
        "old": EventFactory(
            title="Atelier d’il y a un an",
            network=network,
            starts_at=soon - datetime.timedelta(days=380),
            ends_at=soon - datetime.timedelta(days=380) + hours,
        ),
        "other_network": EventFactory(title="Ailleurs", starts_at=soon, ends_at=soon + hours),
    }


def test_public_feed_has_published_events_not_drafts_nor_members_only_for_a_visitor(world):
    titles = _titles(feeds.network_feed_ics(world["network"]))
    assert titles == {"Atelier ouvert", "Visite annulée"}


def test_a_member_and_an_animator_see_the_members_only_events(world):
    assert "Soirée des adhérents" in _titles(feeds.network_feed_ics(world["network"], user=world["member"]))
    animator = _titles(feeds.network_feed_ics(world["network"], user=world["animator"]))
    assert {"Soirée des adhérents", "Atelier ouvert"} <= animator
    assert "Brouillon" not in animator  # a feed shows what is published, even to its managers
    assert "Soirée des adhérents" not in _titles(
        feeds.network_feed_ics(world["network"], user=world["outsider"])
    )


def test_a_cancelled_event_stays_in_the_feed_marked_cancelled(world):
    vevents = _by_title(feeds.network_feed_ics(world["network"]))
    assert vevents["Visite annulée"]["STATUS"] == "CANCELLED"
    assert vevents["Atelier ouvert"]["STATUS"] == "CONFIRMED"


def test_each_event_links_back_to_its_page_and_says_its_kind(world):
    vevent = _by_title(feeds.network_feed_ics(world["network"]))["Atelier ouvert"]
    page = f"http://testserver/reseaux/plasturgie/agenda/{world['public'].slug}/"
    assert str(vevent["URL"]) == page
    assert page in str(vevent["DESCRIPTION"])
    assert vevent["CATEGORIES"].cats == ["Atelier"]


def test_the_feed_filters_by_kind(world):
    visits = feeds.network_feed_ics(world["network"], kinds=["visit"])
    assert _titles(visits) == {"Visite annulée"}
    assert _titles(feeds.network_feed_ics(world["network"], kinds=["nothing"])) == set()


def test_the_feed_filters_by_topic_with_its_subtree(world):
    moulding = TaxonomyNodeFactory(code="proc.moulage")
    injection = TaxonomyNodeFactory(code="proc.moulage.injection", parent=moulding)
    welding = TaxonomyNodeFactory(code="proc.soudage")
    taxonomy_refresh_tree_paths()
    world["public"].topics.add(injection)
    world["cancelled"].topics.add(welding)
    assert _titles(feeds.network_feed_ics(world["network"], topics=["proc.moulage"])) == {"Atelier ouvert"}
    assert _titles(feeds.network_feed_ics(world["network"], topics=["proc.soudage"])) == {"Visite annulée"}
    both = feeds.network_feed_ics(world["network"], topics=["proc.moulage.injection", "proc.soudage"])
    assert _titles(both) == {"Atelier ouvert", "Visite annulée"}
    assert _titles(feeds.network_feed_ics(world["network"], topics=["proc.inconnu"])) == set()


def test_the_feed_goes_back_three_months(world):
    network = world["network"]
    recent = timezone.now() - datetime.timedelta(days=60)
    EventFactory(
        network=network,
        title="Il y a deux mois",
        starts_at=recent,
        ends_at=recent + datetime.timedelta(hours=2),
    )
    titles = _titles(feeds.network_feed_ics(network))
    assert "Il y a deux mois" in titles
    assert "Atelier d’il y a un an" not in titles


def test_uid_is_stable_and_sequence_follows_the_event(world):
    event = world["public"]
    first = _by_title(feeds.network_feed_ics(world["network"]))["Atelier ouvert"]
    event.sequence = 2
    event.starts_at += datetime.timedelta(hours=1)
    event.ends_at += datetime.timedelta(hours=1)
    event.save()
    second = _by_title(feeds.network_feed_ics(world["network"]))["Atelier ouvert"]
    assert first["UID"] == second["UID"] == f"{event.uid}@maillage"
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 2)
    assert second.decoded("DTSTART") - first.decoded("DTSTART") == datetime.timedelta(hours=1)


def test_a_multi_session_training_spans_its_half_days_and_lists_them(world):
    sessions = [
        (paris(2027, 9, 15, 9), paris(2027, 9, 15, 12, 30)),
        (paris(2027, 9, 22, 9), paris(2027, 9, 22, 12, 30)),
        (paris(2027, 9, 29, 13, 30), paris(2027, 9, 29, 17)),
    ]
    EventFactory(network=world["network"], title="TRS et SMED", kind=EventKind.TRAINING, sessions=sessions)
    calendar = _read(feeds.network_feed_ics(world["network"]))
    # A calendar asked for a day between two half-days shows the training once, whole.
    between = recurring_ical_events.of(calendar).between(paris(2027, 9, 20, 0), paris(2027, 9, 21, 0))
    assert [str(e["SUMMARY"]) for e in between] == ["TRS et SMED"]
    vevent = between[0]
    assert vevent.decoded("DTSTART") == sessions[0][0]
    assert vevent.decoded("DTEND") == sessions[-1][1]
    description = str(vevent["DESCRIPTION"])
    assert "mercredi 15 septembre 2027, 9 h 00 – 12 h 30" in description
    assert "mercredi 29 septembre 2027, 13 h 30 – 17 h 00" in description
    september = recurring_ical_events.of(calendar).between(paris(2027, 9, 1, 0), paris(2027, 10, 1, 0))
    assert len(september) == 1


def test_feed_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(30):
        EventFactory(network=world["network"], title=f"Atelier {n}", sessions=[
            (paris(2027, 3, 1 + n % 28, 9), paris(2027, 3, 1 + n % 28, 12)),
            (paris(2027, 4, 1 + n % 28, 9), paris(2027, 4, 1 + n % 28, 12)),
        ])  # fmt: skip
    with django_assert_max_num_queries(6):
        feeds.network_feed_ics(world["network"], user=world["member"], topics=[])


# --- The private feed ----------------------------------------------------------------------


def test_the_private_feed_has_exactly_my_registrations(world):
    member = world["member"]
    token = feeds.feed_token_create(member).token
    RegistrationFactory(event=world["public"], user=member, email=member.email)
    RegistrationFactory(
        event=world["members"], email="MEMBRE@example.org".lower(), status=RegistrationStatus.WAITLISTED
    )
    RegistrationFactory(event=world["cancelled"], user=member, email=member.email)
    RegistrationFactory(event=world["other_network"], email="quelquun@example.org")  # someone else's
    vevents = _by_title(feeds.person_feed_ics(token))
    assert set(vevents) == {"Atelier ouvert", "Liste d’attente — Soirée des adhérents", "Visite annulée"}
    assert vevents["Atelier ouvert"]["STATUS"] == "CONFIRMED"
    assert "Votre inscription : Confirmée." in str(vevents["Atelier ouvert"]["DESCRIPTION"])
    assert vevents["Liste d’attente — Soirée des adhérents"]["STATUS"] == "TENTATIVE"
    assert vevents["Visite annulée"]["STATUS"] == "CANCELLED"


def test_a_cancelled_registration_shows_cancelled_and_a_new_one_wins(world):
    member = world["member"]
    token = feeds.feed_token_create(member).token
    RegistrationFactory(
        event=world["public"], user=member, email=member.email, status=RegistrationStatus.CANCELLED
    )
    assert _by_title(feeds.person_feed_ics(token))["Atelier ouvert"]["STATUS"] == "CANCELLED"
    RegistrationFactory(
        event=world["public"], user=member, email=member.email, status=RegistrationStatus.OFFERED
    )
    vevents = _read(feeds.person_feed_ics(token)).walk("VEVENT")
    assert [(str(v["SUMMARY"]), v["STATUS"]) for v in vevents] == [
        ("Place proposée — Atelier ouvert", "TENTATIVE")
    ]


def test_the_private_feed_drops_members_only_events_once_the_company_left(world):
    member = world["member"]
    token = feeds.feed_token_create(member).token
    RegistrationFactory(event=world["members"], user=member, email=member.email)
    assert _titles(feeds.person_feed_ics(token)) == {"Soirée des adhérents"}
    Membership.objects.filter(establishment=world["company"]).update(status=Membership.Status.FORMER)
    assert _titles(feeds.person_feed_ics(token)) == set()


def test_a_revoked_or_renewed_token_no_longer_opens_the_feed(world):
    first = feeds.feed_token_create(world["member"]).token
    second = feeds.feed_token_create(world["member"]).token  # renewal: the first stops
    with pytest.raises(EventError):
        feeds.person_feed_ics(first)
    feeds.person_feed_ics(second)
    assert feeds.feed_token_revoke(second) is True
    assert feeds.feed_token_revoke(second) is False
    with pytest.raises(EventError):
        feeds.person_feed_ics(second)
    assert feeds.feed_token_active(world["member"]) is None


def test_an_inactive_user_token_no_longer_opens_the_feed(world):
    token = feeds.feed_token_create(world["member"]).token
    world["member"].is_active = False
    world["member"].save()
    with pytest.raises(EventError):
        feeds.person_feed_ics(token)


def test_the_fast_feed_writer_reads_back_as_the_icalendar_one(world):
    """``ics.feed`` writes by hand what ``ics.calendar`` writes through ``icalendar``: read back,
    both give the same properties, text with commas, semicolons, backslashes, new lines and long
    accented lines (folded inside neither a character nor an escape) included."""
    event = world["public"]
    event.title = "Atelier « TRS ; SMED », C:\\outils — " + "déjà vu éàü " * 12 + "🏭"
    kwargs = {
        "url": "https://example.org/reseaux/plasturgie/agenda/atelier/?a=1,2;b",
        "description": "Ligne 1, avec; tout\nLigne 2 \\ fin " + "é" * 90,
        "location": "Salle 2, 1 rue de l’Industrie; Haguenau",
        "now": timezone.now(),
        "categories": ["Atelier", "Visite, usine"],
        "summary": "",
        "status": "TENTATIVE",
    }
    slow = _read(
        ics.calendar([event], name="Agenda, réseau", component=lambda e: ics.event_component(e, **kwargs))
    )
    fast = _read(ics.feed([(event, kwargs)], name="Agenda, réseau"))
    assert fast.to_ical() == slow.to_ical()
    (a,), (b,) = slow.walk("VEVENT"), fast.walk("VEVENT")
    assert sorted(a.items()) == sorted(b.items())
    assert all(len(line) <= 75 for line in ics.feed([(event, kwargs)], name="x").split(b"\r\n"))
    assert ics.feed([], name="Vide").startswith(b"BEGIN:VCALENDAR") and _read(ics.feed([], name="Vide"))


def test_private_feed_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    member = world["member"]
    token = feeds.feed_token_create(member).token
    for n in range(30):
        event = EventFactory(network=world["network"], title=f"Atelier {n}")
        RegistrationFactory(event=event, user=member, email=member.email)
    # The token, the registrations, their networks, who the user is there (3), the events
    # they may see, the events' rows, their sessions: 9, whatever the number of events.
    with django_assert_max_num_queries(9):
        assert len(_titles(feeds.person_feed_ics(token))) == 30
