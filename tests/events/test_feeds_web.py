"""The feeds' addresses and « Mon agenda personnel » (``/compte/agenda/``)."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from maillage.events import feeds
from maillage.events.models import Audience, CalendarFeedToken, EventKind
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    network = NetworkFactory(slug="plasturgie")
    soon = timezone.now() + datetime.timedelta(days=5)
    span = dict(starts_at=soon, ends_at=soon + datetime.timedelta(hours=2), network=network)
    EventFactory(title="Atelier ouvert", **span)
    EventFactory(title="Visite", kind=EventKind.VISIT, **span)
    EventFactory(title="Réservé", audience=Audience.MEMBERS, **span)
    return network


def _titles(response) -> set[str]:
    return {str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def test_network_feed_is_a_calendar_with_cache_headers(client, network):
    response = client.get("/reseaux/plasturgie/agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=900" in response["Cache-Control"]
    assert _titles(response) == {"Atelier ouvert", "Visite"}


def test_network_feed_filters_by_type_and_theme(client, network):
    assert _titles(client.get("/reseaux/plasturgie/agenda.ics?type=visit")) == {"Visite"}
    assert _titles(client.get("/reseaux/plasturgie/agenda.ics?type=visit&type=workshop")) == {
        "Atelier ouvert",
        "Visite",
    }
    assert _titles(client.get("/reseaux/plasturgie/agenda.ics?theme=proc.inconnu")) == set()


def test_a_member_gets_a_private_copy_with_members_only_events(client, network):
    user = UserFactory()
    EstablishmentFactory(member_of=network, users=[user])
    client.force_login(user)
    response = client.get("/reseaux/plasturgie/agenda.ics")
    assert "Réservé" in _titles(response)
    assert "private" in response["Cache-Control"]


def test_unknown_network_feed_is_not_found(client):
    assert client.get("/reseaux/inconnu/agenda.ics").status_code == 404


def test_person_feed_needs_no_login_and_a_revoked_token_is_not_found(client, network):
    user = UserFactory()
    RegistrationFactory(event=network.events.get(title="Visite"), user=user, email=user.email)
    token = feeds.feed_token_create(user).token
    response = client.get(f"/agenda/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert _titles(response) == {"Visite"}
    feeds.feed_token_revoke(token)
    assert client.get(f"/agenda/{token}.ics").status_code == 404
    assert client.get("/agenda/pas-un-jeton.ics").status_code == 404


def test_feed_settings_creates_renews_and_revokes_the_link(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/compte/agenda/")
    assert page.status_code == 200 and "Créer mon lien d’agenda" in page.content.decode()
    client.post("/compte/agenda/", {"action": "create"})
    first = feeds.feed_token_active(user).token
    page = client.get("/compte/agenda/").content.decode()
    assert f"webcal://testserver/agenda/{first}.ics" in page
    assert f"http://testserver/agenda/{first}.ics" in page
    client.post("/compte/agenda/", {"action": "renew"})
    second = feeds.feed_token_active(user).token
    assert second != first
    assert client.get(f"/agenda/{first}.ics").status_code == 404
    client.post("/compte/agenda/", {"action": "revoke"})
    assert feeds.feed_token_active(user) is None
    assert CalendarFeedToken.objects.filter(user=user, revoked_at=None).count() == 0
    assert client.get(f"/agenda/{second}.ics").status_code == 404


def test_feed_settings_never_shows_another_users_link(client):
    other = UserFactory()
    token = feeds.feed_token_create(other).token
    client.force_login(UserFactory())
    assert token not in client.get("/compte/agenda/").content.decode()


def test_the_account_page_links_to_the_feed_settings(client):
    client.force_login(UserFactory())
    assert 'href="/compte/agenda/"' in client.get("/compte/").content.decode()


def test_a_calendar_client_may_ask_for_the_headers_only(client, network):
    response = client.head("/reseaux/plasturgie/agenda.ics")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert client.post("/reseaux/plasturgie/agenda.ics").status_code == 405


def test_the_network_calendar_links_to_its_feed(client, network):
    page = client.get("/reseaux/plasturgie/agenda/").content.decode()
    assert 'href="/reseaux/plasturgie/agenda.ics"' in page
