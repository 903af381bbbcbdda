"""Two networks and their people, shared by the back-office page tests (tests/www/backoffice/)."""

import pytest
from django.core.cache import cache

from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.referential.factories import CommuneFactory, EpciFactory


@pytest.fixture(name="world")
def world_fixture(db):
    cache.clear()
    epci_a, epci_b = EpciFactory(name="CA de Haguenau"), EpciFactory(name="Eurométropole")
    animator_a = UserFactory(email="animatrice-a@example.org")
    animator_b = UserFactory(email="animateur-b@example.org")
    network_a = NetworkFactory(slug="reseau-a", name="Réseau A", epcis=[epci_a], animators=[animator_a])
    network_b = NetworkFactory(slug="reseau-b", name="Réseau B", epcis=[epci_b], animators=[animator_b])
    commune_a = CommuneFactory(insee_code="67046", name="Bischwiller", epci=epci_a)
    commune_a2 = CommuneFactory(insee_code="67180", name="Haguenau", epci=epci_a)
    commune_b = CommuneFactory(insee_code="67482", name="Strasbourg", epci=epci_b)
    member = UserFactory(email="membre@example.org")
    own = EstablishmentFactory(name="Tôlerie Kieffer", commune=commune_a, member_of=network_a, users=[member])
    elsewhere = EstablishmentFactory(name="Usinage Vogel", commune=commune_b, member_of=network_b)
    return {
        "a": network_a, "b": network_b, "own": own, "elsewhere": elsewhere,
        "commune_a": commune_a, "commune_a2": commune_a2, "commune_b": commune_b,
        "member": member, "animator_a": animator_a, "animator_b": animator_b,
        "admin": UserFactory(email="admin@example.org", admin=True),
    }  # fmt: skip
