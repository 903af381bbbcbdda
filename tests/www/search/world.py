"""A small search world for the no-dead-end tests (issue 13, item 4), with its own index.

A network « Industries Alsace du Nord » whose territory is one EPCI around Haguenau, and six
companies that said what they do (confirmed capabilities, one valid EN 9100), five in the
territory and one in Lyon. Nobody does waterjet cutting. Each test gets a fresh index in its
temporary directory (a few establishments: well under a second).

Usage: ``from tests.www.search.world import search_world_fixture, taxonomy, _shipped_taxonomy_loaded``
then ask for ``search_world`` (the last two are the shipped taxonomy's fixtures, at the
importing module's scope).
"""

import datetime

import pytest
from django.utils import timezone

from maillage.matching.index import index_build, reader
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_capability_set, profile_certification_add, profile_update
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.profiles.conftest import taxonomy  # noqa: F401
from tests.referential.factories import CommuneFactory, DepartmentFactory, EpciFactory, RegionFactory
from tests.taxonomy.shipped import shipped_taxonomy_fixture

_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")

HARD_ANODISING = "proc.surface.anodising.hard"
MILLING_5AXIS = "proc.machining.milling.5axis"
COMPANIES = {
    # name: (commune, capabilities, EN 9100, description)
    "Alsace Anodisation": ("haguenau", [HARD_ANODISING], True, ""),
    "Anodisation Rhodanienne": ("lyon", [HARD_ANODISING], False, ""),
    "Usinage Dupont": ("haguenau", [MILLING_5AXIS], False, ""),
    "Tournage Muller": ("haguenau", ["proc.machining.turning"], False, "Usinage de pièces de révolution."),
    "Tôlerie Schmitt": ("haguenau", ["proc.sheet_metal.cutting.laser"], False, ""),
    "Composites du Rhin": ("haguenau", ["proc.composites.infusion"], False, ""),
}


def _company(name: str, commune, capabilities: list[str], certified: bool, description: str):
    establishment = EstablishmentFactory(
        name=name, commune=commune, latitude=commune.latitude, longitude=commune.longitude
    )
    for code in capabilities:
        profile_capability_set(establishment=establishment, code=code, actor=None, source=ChangeSource.MEMBER)
    if certified:
        today = timezone.localdate()
        profile_certification_add(
            establishment=establishment,
            code="cert.en9100",
            actor=None,
            source=ChangeSource.MEMBER,
            valid_from=today - datetime.timedelta(days=800),
            valid_until=today + datetime.timedelta(days=400),
        )
    if description:
        profile_update(
            establishment=establishment, actor=None, source=ChangeSource.MEMBER, description_fr=description
        )
    return establishment


@pytest.fixture(name="search_world")
def search_world_fixture(taxonomy, settings, tmp_path):  # noqa: F811
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    epci = EpciFactory(name="CA de Haguenau")
    rhone = DepartmentFactory(
        code="69", name="Rhône", region=RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    )
    communes = {
        "haguenau": CommuneFactory(
            insee_code="67180", name="Haguenau", epci=epci, latitude=48.8156, longitude=7.7906
        ),
        "lyon": CommuneFactory(
            insee_code="69123",
            name="Lyon",
            department=rhone,
            latitude=45.7640,
            longitude=4.8357,
            postal_codes=["69001"],
        ),
    }
    network = NetworkFactory(slug="alsace-du-nord", name="Industries Alsace du Nord", epcis=[epci])
    world = {"network": network, **communes}
    for name, (commune, capabilities, certified, description) in COMPANIES.items():
        world[name] = _company(name, communes[commune], capabilities, certified, description)
    index_build()
    yield world
    reader.reset()
