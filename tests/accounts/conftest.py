import pytest
from django.core.cache import cache

from maillage.directory.models import Membership
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.www.factories import CommuneFactory, EstablishmentFactory, MembershipFactory, NetworkFactory


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
    own = MembershipFactory(network=network_a, establishment__name="Tôlerie Kieffer").establishment
    peer = MembershipFactory(network=network_a, establishment__name="Fonderie Roth").establishment
    prospect = MembershipFactory(
        network=network_a, status=Membership.Status.PROSPECT, establishment__name="Prospect Lutz"
    ).establishment
    elsewhere = MembershipFactory(network=network_b, establishment__name="Usinage Vogel").establishment
    commune = CommuneFactory(name="Bischwiller")
    network_a.epcis.add(commune.epci)
    unclaimed = EstablishmentFactory(name="Plasturgie Weber", commune=commune)
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
        "admin": UserFactory(email="admin@example.org", is_superuser=True, is_staff=True),
        "visitor": None,
    }  # fmt: skip
