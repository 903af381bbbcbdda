import pytest
from django.core.cache import cache

from maillage.directory.models import Membership
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    # Login throttling counts failures in the cache: each test starts from none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """Two networks, each with an animator; network A has members, a prospect and a member user."""
    network_a = NetworkFactory(slug="reseau-a", name="Réseau A")
    network_b = NetworkFactory(slug="reseau-b", name="Réseau B")
    # Fixed INSEE codes: the factory's sequence would pass 5 characters over a long session.
    commune_a = CommuneFactory(insee_code="67046", name="Bischwiller")
    commune_b = CommuneFactory(insee_code="67482", name="Strasbourg")
    network_a.epcis.add(commune_a.epci)
    network_b.epcis.add(commune_b.epci)

    def member(network, name, commune, **kwargs):
        establishment = EstablishmentFactory(name=name, commune=commune)
        return MembershipFactory(network=network, establishment=establishment, **kwargs).establishment

    own = member(network_a, "Tôlerie Kieffer", commune_a)
    peer = member(network_a, "Fonderie Roth", commune_a)
    prospect = member(network_a, "Prospect Lutz", commune_a, status=Membership.Status.PROSPECT)
    elsewhere = member(network_b, "Usinage Vogel", commune_b)
    unclaimed = EstablishmentFactory(name="Plasturgie Weber", commune=commune_a)
    member = EstablishmentUserFactory(establishment=own, user__email="membre@example.org").user
    other_member = EstablishmentUserFactory(establishment=elsewhere, user__email="membre-b@example.org").user
    animator_a = UserFactory(email="animatrice-a@example.org")
    animator_b = UserFactory(email="animateur-b@example.org")
    network_a.animators.add(animator_a)
    network_b.animators.add(animator_b)
    return {
        "a": network_a, "b": network_b, "own": own, "peer": peer, "prospect": prospect,
        "elsewhere": elsewhere, "unclaimed": unclaimed, "member": member, "other_member": other_member,
        "animator_a": animator_a, "animator_b": animator_b,
        "admin": UserFactory(email="admin@example.org", admin=True),
        "visitor": None,
    }  # fmt: skip
