"""A buyer searches with a place and judges a result from its card (issue 13, item 6): activity,
size and distance on the card, no horizontal scroll on a 390 px phone, no serious axe violation."""

import re

import pytest
from playwright.sync_api import expect

from maillage.matching.index import index_build, reader
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_capability_set, profile_equipment_add
from tests.browser.search_world import HAGUENAU, haguenau_commune, search_ready
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.referential.factories import HeadcountBandFactory, NafCodeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings, tmp_path):
    search_ready(settings, tmp_path)
    haguenau = haguenau_commune()
    network = NetworkFactory(slug="alsace-nord", name="Industries Alsace du Nord")
    shop = EstablishmentFactory(
        name="Fraisage Kieffer",
        organisation__name="Fraisage Kieffer",
        commune=haguenau,
        latitude=HAGUENAU[0] + 0.1,
        longitude=HAGUENAU[1],
        naf=NafCodeFactory(code="25.62B", label="Mécanique industrielle"),
        headcount_band=HeadcountBandFactory(
            code="21", label="50 à 99 salariés", min_employees=50, max_employees=99
        ),
    )
    MembershipFactory(network=network, establishment=shop)
    kwargs = {"establishment": shop, "actor": None, "source": ChangeSource.MEMBER}
    profile_capability_set(code="proc.machining.milling", **kwargs)
    profile_equipment_add(
        code="equip.machine_tool.machining_centre.5axis", specs={"travel_x": "1200 mm"}, quantity=2, **kwargs
    )
    index_build()
    yield shop
    reader.reset()


def test_a_result_card_shows_activity_size_and_distance(page, axe, world):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/recherche/")
    page.locator("#id_q").fill("fraisage")
    page.locator("#id_pres").fill("Haguenau")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"/recherche/\?q=fraisage&pres=Haguenau"))
    card = page.locator(f"#result-{world.siret}")
    expect(card.locator(".search-result__activity")).to_have_text("Activité : Mécanique industrielle")
    expect(card.locator(".search-result__size")).to_have_text("Effectif : 50 à 99 salariés")
    expect(card.locator(".search-result__distance")).to_have_text(re.compile(r"^11,1\s?km$"))
    expect(card.locator(".badge--member")).to_have_text("Membre du réseau")
    expect(card.locator(".search-result__machines")).to_contain_text("Centre d’usinage 5 axes × 2")
    expect(card.locator(".search-result__why")).to_have_text(
        re.compile(r"^Déclaré par l’entreprise\s: fraisage\s; à 11,1\skm de Haguenau\.$")
    )
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe(page) == []
