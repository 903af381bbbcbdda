"""Events seen from one company: « Mon entreprise » (its users) and the animator's timeline."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.events import attendance
from maillage.events.company import company_events_attended, company_training
from maillage.events.models import RegistrationStatus
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    animator = UserFactory()
    network = NetworkFactory(slug="plasti-ouest", animators=[animator])
    company, other = (
        EstablishmentFactory(name="Roux Plasturgie"),
        EstablishmentFactory(name="Moules Atlantique"),
    )
    now = timezone.now()
    past = EventFactory(
        network=network,
        title="Lean au poste",
        sessions=[(now - datetime.timedelta(days=3, hours=4), now - datetime.timedelta(days=3))],
    )
    upcoming = EventFactory(network=network, title="Business corner de printemps")
    lina = RegistrationFactory(event=past, establishment=company, first_name="Lina", last_name="Roux")
    RegistrationFactory(event=past, establishment=other, first_name="Marc", last_name="Blanc")
    attendance.check_in(lina, past.sessions.get(), None)
    RegistrationFactory(event=upcoming, establishment=company, first_name="Paul", last_name="Roux")
    RegistrationFactory(
        event=upcoming,
        establishment=company,
        first_name="Anne",
        last_name="Annulée",
        status=RegistrationStatus.CANCELLED,
    )
    return {"animator": animator, "network": network, "company": company, "other": other, "past": past}


def test_company_training_selector(scene):
    training = company_training(scene["company"])
    assert [r.first_name for r in training.upcoming] == ["Paul"]
    assert [(a.event.title, a.people, a.hours) for a in training.attended] == [
        ("Lean au poste", ["Lina Roux"], Decimal("4"))
    ]
    this_year = timezone.localtime(scene["past"].starts_at).year == timezone.localtime().year
    assert training.hours_this_year == (Decimal("4") if this_year else 0)
    assert not company_training(EstablishmentFactory())


def test_mine_page_shows_the_company_block_to_its_users(client, scene):
    user = EstablishmentUserFactory(establishment=scene["company"]).user
    client.force_login(user)
    page = client.get("/mon-entreprise/").content.decode()
    assert "Événements et formations" in page
    assert "Paul Roux" in page and "Lina Roux" in page and "Business corner de printemps" in page
    assert "Marc Blanc" not in page and "Annulée" not in page
    stranger = EstablishmentUserFactory(establishment=scene["other"]).user
    client.force_login(stranger)
    page = client.get("/mon-entreprise/").content.decode()
    assert "Lina Roux" not in page and "Paul Roux" not in page


def test_animator_timeline_lists_the_events_attended(client, scene):
    from tests.directory.factories import MembershipFactory

    MembershipFactory(network=scene["network"], establishment=scene["company"])
    assert [a.event.title for a in company_events_attended(scene["network"], scene["company"])] == [
        "Lean au poste"
    ]
    assert company_events_attended(NetworkFactory(), scene["company"]) == []
    client.force_login(scene["animator"])
    page = client.get(
        f"/animation/plasti-ouest/journal/entreprise/{scene['company'].siret}/"
    ).content.decode()
    assert "Événement suivi" in page and "Lean au poste" in page and "Lina Roux" in page
