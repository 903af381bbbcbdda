"""Two networks and their people, shared by the back-office page tests (tests/www/backoffice/)."""

import pytest
from django.core.cache import cache

from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.www.factories import (
    CommuneFactory,
    EpciFactory,
    EstablishmentFactory,
    MembershipFactory,
    NetworkFactory,
)


@pytest.fixture(name="world")
def world_fixture(db):
    cache.clear()
    network_a = NetworkFactory(slug="reseau-a", name="Réseau A")
    network_b = NetworkFactory(slug="reseau-b", name="Réseau B")
    epci_a, epci_b = EpciFactory(name="CA de Haguenau"), EpciFactory(name="Eurométropole")
    commune_a = CommuneFactory(insee_code="67046", name="Bischwiller", epci=epci_a)
    commune_a2 = CommuneFactory(insee_code="67180", name="Haguenau", epci=epci_a)
    commune_b = CommuneFactory(insee_code="67482", name="Strasbourg", epci=epci_b)
    network_a.epcis.add(epci_a)
    network_b.epcis.add(epci_b)
    own = EstablishmentFactory(name="Tôlerie Kieffer", commune=commune_a)
    elsewhere = EstablishmentFactory(name="Usinage Vogel", commune=commune_b)
    MembershipFactory(network=network_a, establishment=own)
    MembershipFactory(network=network_b, establishment=elsewhere)
    animator_a = UserFactory(email="animatrice-a@example.org")
    animator_b = UserFactory(email="animateur-b@example.org")
    network_a.animators.add(animator_a)
    network_b.animators.add(animator_b)
    return {
        "a": network_a, "b": network_b, "own": own, "elsewhere": elsewhere,
        "commune_a": commune_a, "commune_a2": commune_a2, "commune_b": commune_b,
        "member": EstablishmentUserFactory(establishment=own, user__email="membre@example.org").user,
        "animator_a": animator_a, "animator_b": animator_b,
        "admin": UserFactory(email="admin@example.org", is_superuser=True, is_staff=True),
    }  # fmt: skip
