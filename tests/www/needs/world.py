"""A small network for the need page tests (tests/www/needs/, tests/browser/test_need_journey).

One author company, three suppliers whose confirmed capabilities cover a three-capability
need only together (laser cutting + bending, TIG welding, laser cutting), an animator, and a
search index of it all in a temporary directory.
"""

import pytest
from django.core.cache import cache

from maillage.matching.index import index_build, reader
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_capability_set
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

LASER = "proc.sheet_metal.cutting.laser"
BENDING = "proc.sheet_metal.bending"
TIG = "proc.joining.welding.tig"
SUPPLIERS = {
    "kieffer": ("Tôlerie Kieffer", [LASER, BENDING], "kieffer@example.org", (48.60, 7.76)),
    "roth": ("Soudure Roth", [TIG], "roth@example.org", (48.57, 7.74)),
    "vogel": ("Découpe Vogel", [LASER], "vogel@example.org", (48.62, 7.80)),
}
PASSWORD = "mot-de-passe-solide-42"


def _user(email):
    user = UserFactory(email=email)
    user.set_password(PASSWORD)
    user.save()
    return user


def build_needs_world(index_dir):
    cache.clear()
    network = NetworkFactory(slug="reseau-a", name="Réseau A")
    other_network = NetworkFactory(slug="reseau-b", name="Réseau B")
    commune = CommuneFactory(insee_code="67482", name="Strasbourg", latitude=48.58, longitude=7.75)
    world = {"network": network, "other_network": other_network, "commune": commune}

    def company(name, email, point, in_network=network):
        user = _user(email)
        establishment = EstablishmentFactory(
            name=name,
            commune=commune,
            latitude=point[0],
            longitude=point[1],
            member_of=in_network,
            users=[user],
        )
        return establishment, user

    world["author_establishment"], world["author"] = company(
        "Mécanique Weber", "auteur@example.org", (48.58, 7.75)
    )
    for key, (name, codes, email, point) in SUPPLIERS.items():
        establishment, user = company(name, email, point)
        for code in codes:
            profile_capability_set(
                establishment=establishment, code=code, actor=user, source=ChangeSource.MEMBER
            )
        world[key], world[f"{key}_user"] = establishment, user
    world["outsider_establishment"], world["outsider"] = company(
        "Usinage Lutz", "lutz@example.org", (48.50, 7.70), in_network=other_network
    )
    world["animator"] = _user("animatrice@example.org")
    network.animators.add(world["animator"])
    world["other_animator"] = _user("animateur-b@example.org")
    other_network.animators.add(world["other_animator"])
    world["admin"] = UserFactory(email="admin@example.org", admin=True)
    reader.reset()
    index_build()
    return world


@pytest.fixture
def needs_world(taxonomy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    yield build_needs_world(tmp_path / "index")
    reader.reset()
