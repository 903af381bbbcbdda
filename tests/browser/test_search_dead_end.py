"""The no-dead-end search page in a browser (issue 13, item 4): the complete and partial sections,
the closest answers with what each lacks, readable at 390 px and without serious axe violation."""

import pytest
from playwright.sync_api import expect

from maillage.matching.index import index_build, reader
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_capability_set, profile_update
from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.services import taxonomy_load
from tests.directory.factories import EstablishmentFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)
COMPANIES = [
    ("Usinage Dupont", "proc.machining.milling.5axis", ""),
    ("Tournage Muller", "proc.machining.turning", "Usinage de pièces de révolution."),
    ("Tôlerie Schmitt", "proc.sheet_metal.cutting.laser", ""),
]


@pytest.fixture
def world(settings, tmp_path):
    taxonomy_load(data=read_taxonomy(), dry_run=False)
    settings.MAILLAGE_TILE_URL = ""  # no tile server in tests
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    haguenau = CommuneFactory(insee_code="67180", name="Haguenau", latitude=48.8156, longitude=7.7906)
    for number, (name, code, description) in enumerate(COMPANIES):
        establishment = EstablishmentFactory(
            name=name, commune=haguenau, latitude=48.8156 + number / 100, longitude=7.7906
        )
        profile_capability_set(establishment=establishment, code=code, actor=None, source=ChangeSource.MEMBER)
        if description:
            profile_update(
                establishment=establishment,
                actor=None,
                source=ChangeSource.MEMBER,
                description_fr=description,
            )
    index_build()
    yield
    reader.reset()


def test_complete_and_partial_sections_read_well_at_390_px(page, axe, world):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/recherche/?q=usinage+5+axes")
    sections = page.locator("#search-results h2.search-section")
    expect(sections).to_have_count(2)
    expect(sections.nth(0)).to_have_text("1 établissement répond à toute votre demande")
    expect(sections.nth(1)).to_have_text("1 établissement répond en partie à votre demande")
    partial = page.locator(".search-result--partial")
    expect(partial).to_have_count(1)
    expect(partial.locator(".search-result__lacking")).to_have_text("Il lui manque : fraisage 5 axes")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert axe(page) == []


def test_a_request_nobody_meets_shows_the_closest_and_why(page, axe, world):
    page.goto("/recherche/?q=waterjet+cutting+of+composite+panels")
    expect(page.locator(".search-relaxed")).to_contain_text("recherche élargie à « Découpe de tôles »")
    expect(page.locator("h2.search-section")).to_have_text(
        "Aucune entreprise ne répond à tout ; les plus proches de votre demande :"
    )
    first = page.locator(".search-result").first
    expect(first).to_have_attribute("data-name", "Tôlerie Schmitt")
    lacking = first.locator(".search-result__lacking")
    expect(lacking).to_have_text("Il lui manque : découpe jet d’eau, composites")
    assert axe(page) == []
