"""The search journey with the keyboard only, and axe-core on the home map and the open autocomplete.

Keyboard only: Tab to the search box, type, pick a suggestion with the arrow keys and Enter
(WAI-ARIA combobox), do the same for the place, submit, Tab through the results and open
one. The index is built for real from factory data and the shipped taxonomy.
"""

import re

import pytest
from playwright.sync_api import expect

from maillage.matching.index import index_build, reader
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_capability_set
from tests.browser.search_world import HAGUENAU, haguenau_commune, search_ready
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db(transaction=True)
MILLING_SHOPS = [
    ("Fraisage Kieffer", 0.01, 0.02),
    ("Mécanique Roth", -0.03, 0.04),
    ("Usinage Schmitt", 0.05, -0.02),
]


@pytest.fixture
def world(settings, tmp_path):
    search_ready(settings, tmp_path)
    haguenau = haguenau_commune()
    network = NetworkFactory(slug="alsace-nord", name="Industries Alsace du Nord")
    shops = []
    for name, dlat, dlon in MILLING_SHOPS:
        establishment = EstablishmentFactory(
            name=name,
            organisation__name=name,
            commune=haguenau,
            latitude=HAGUENAU[0] + dlat,
            longitude=HAGUENAU[1] + dlon,
        )
        MembershipFactory(network=network, establishment=establishment)
        profile_capability_set(
            establishment=establishment, code="proc.machining.milling", actor=None, source=ChangeSource.MEMBER
        )
        shops.append(establishment)
    index_build()
    yield shops
    reader.reset()


def tab_until(page, predicate: str, *, limit: int = 40, backwards: bool = False) -> None:
    """Press Tab until ``predicate`` (JS, on ``document.activeElement`` as ``el``) holds."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            return
    raise AssertionError(f"never reached by the keyboard: {predicate}")


def choose_with_arrows(page, box, wanted_value: str) -> None:
    """ArrowDown through the open listbox until the active option is ``wanted_value``, then Enter."""
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_be_visible()
    for _ in range(listbox.get_by_role("option").count()):
        page.keyboard.press("ArrowDown")
        active = page.locator(f"#{box.get_attribute('aria-activedescendant')}")
        expect(active).to_have_attribute("aria-selected", "true")
        if active.get_attribute("data-value") == wanted_value:
            page.keyboard.press("Enter")
            expect(box).to_have_attribute("aria-expanded", "false")
            assert box.get_attribute("aria-activedescendant") is None
            return
    raise AssertionError(f"no option {wanted_value!r}")


def test_search_journey_with_the_keyboard_only(page, world):
    page.goto("/recherche/")
    tab_until(page, "el.id === 'id_q'")
    box = page.locator("#id_q")
    expect(box).to_have_attribute("role", "combobox")
    page.keyboard.type("milli", delay=30)  # an English word: the French label is suggested
    choose_with_arrows(page, box, "Fraisage")
    expect(box).to_have_value("Fraisage")

    tab_until(page, "el.id === 'id_pres'")
    place = page.locator("#id_pres")
    page.keyboard.type("hagu", delay=30)
    choose_with_arrows(page, place, "Haguenau (67)")
    expect(place).to_have_value("Haguenau (67)")

    page.keyboard.press("Enter")  # the list is closed: Enter submits the form
    results = page.locator("#search-results .search-result")
    expect(results).to_have_count(len(MILLING_SHOPS))
    expect(page).to_have_url(re.compile(r"/recherche/\?q=Fraisage&pres=Haguenau"))

    result_link = "el.tagName === 'A' && el.closest('.search-result')"
    tab_until(page, result_link)
    first = page.evaluate("() => document.activeElement.closest('.search-result').dataset.siret")
    tab_until(page, f"{result_link} && el.closest('.search-result').dataset.siret !== '{first}'")
    second = page.evaluate("() => document.activeElement.closest('.search-result').dataset.siret")
    tab_until(
        page, f"{result_link} && el.closest('.search-result').dataset.siret === '{first}'", backwards=True
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/etablissements/{first}/$"))
    assert first != second
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_escape_closes_the_suggestions_and_a_company_opens_its_page(page, world):
    page.goto("/recherche/")
    tab_until(page, "el.id === 'id_q'")
    page.keyboard.type("kieff", delay=30)
    box = page.locator("#id_q")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("kieff")
    page.keyboard.press("ArrowDown")  # reopens on the first option
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/etablissements/{world[0].siret}/$"))


def test_home_search_entry_reaches_the_results_with_the_keyboard(page, world):
    page.goto("/")
    expect(page.locator("#members-map")).to_have_attribute("data-markers", str(len(MILLING_SHOPS)))
    tab_until(page, "el.id === 'id_q'")
    page.keyboard.type("fraisa", delay=30)
    choose_with_arrows(page, page.locator("#id_q"), "Fraisage")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q=Fraisage"))
    expect(page.locator("#search-results .search-result")).to_have_count(len(MILLING_SHOPS))


def test_home_with_its_map_has_no_serious_violation(page, axe, world):
    page.goto("/")
    expect(page.locator("#members-map .leaflet-interactive")).to_have_count(len(MILLING_SHOPS))
    assert axe(page) == []


def test_search_page_with_the_autocomplete_open_has_no_serious_violation(page, axe, world):
    page.goto("/recherche/?q=fraisage&pres=Haguenau")
    expect(page.locator("#search-results .search-result")).to_have_count(len(MILLING_SHOPS))
    box = page.locator("#id_q")
    box.focus()
    box.fill("")
    page.keyboard.type("frai", delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "q-suggestion-0")
    assert axe(page) == []
