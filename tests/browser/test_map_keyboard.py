"""Maps do not bar the keyboard (issue 14): markers are out of the tab order, « Passer la carte »
jumps past each map, and the content after the home page's map is a few Tab presses away.

The home page of a network with 80 located members: before, each marker was a tab stop (96 Tab
presses to the first link after the map). The list of members is the keyboard's equivalent.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_search_dead_end import world  # noqa: F401 (three companies, their index)
from tests.directory.factories import MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)
MARKERS = 80
# The first link after the map: the latest members, beside it.
AFTER_MAP = "section[aria-labelledby='latest-title'] a"
FOCUSED = """() => {
  const e = document.activeElement, text = (e.textContent || "").trim().slice(0, 30);
  return `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} ${text}`;
}"""


@pytest.fixture
def crowded_network():
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord")
    commune = CommuneFactory(insee_code="67180", name="Haguenau", latitude=48.8156, longitude=7.7906)
    for n in range(MARKERS):
        MembershipFactory(
            network=network,
            establishment__name=f"Atelier {n:02d}",
            establishment__commune=commune,
            establishment__latitude=48.70 + n * 0.003,
            establishment__longitude=7.70 + n * 0.003,
        )
    return network


def _tab_until(page, selector: str, limit: int = 150) -> tuple[int, list[str]]:
    """Tab presses from where the focus is until it is on ``selector``; and what was focused."""
    seen = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses, seen
    raise AssertionError(f"{selector} never focused after {limit} Tab presses: {seen}")


def test_home_map_markers_are_not_tab_stops(page, crowded_network):
    page.goto("/")
    expect(page.locator("#members-map")).to_have_attribute("data-markers", str(MARKERS))
    markers = page.locator("#members-map path.leaflet-interactive")
    expect(markers).to_have_count(MARKERS)
    assert markers.evaluate_all("(all) => all.every((m) => m.getAttribute('tabindex') === '-1')")
    presses, seen = _tab_until(page, AFTER_MAP)
    assert presses < 30, seen  # 96 before: one per marker
    assert not any(step.startswith("path") for step in seen), seen


def test_passer_la_carte_leads_past_the_map_in_few_presses(page, crowded_network):
    page.goto("/")
    expect(page.locator("#members-map")).to_have_attribute("data-markers", str(MARKERS))
    to_skip, seen = _tab_until(page, "a.map-skip")
    expect(page.get_by_role("link", name="Passer la carte")).to_be_visible()
    page.keyboard.press("Enter")
    after, more = _tab_until(page, AFTER_MAP)
    # From the top of the page: the header (with « Agenda » and « Créer un compte »), the home's
    # « Adhérer au réseau » and « Agenda du réseau », the search box, then the skip link; one
    # Tab after it.
    assert to_skip + 1 + after < 19, "\n".join(seen + ["Enter"] + more)
    assert after == 1, more


def test_search_map_markers_are_not_tab_stops_and_the_map_goes_with_the_results(page, world):  # noqa: F811
    page.goto("/recherche/?q=usinage")
    box = page.locator("#search-map")
    expect(box).to_have_attribute("data-markers", "2")
    markers = page.locator("#search-map path.leaflet-interactive")
    assert markers.evaluate_all("(all) => all.every((m) => m.getAttribute('tabindex') === '-1')")
    expect(page.locator("#search-map-end-skip")).to_be_attached()
    # An htmx search without results: the empty state, and neither the map nor its skip link.
    page.evaluate("window.__samePage = true")  # gone if the browser loaded a new page
    page.locator("#id_q").fill("zzzzqqq")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Aucun établissement ne répond à cette recherche.")).to_be_visible()
    expect(box).to_be_hidden()
    expect(page.locator("#search-map-end-skip")).to_be_hidden()
    # Results again: the map comes back, at its size, with its markers.
    page.locator("#id_q").fill("usinage")
    page.get_by_role("button", name="Rechercher").click()
    expect(box).to_be_visible()
    expect(box).to_have_attribute("data-markers", "2")
    assert box.bounding_box()["height"] > 100
    assert page.evaluate("window.__samePage") is True, "htmx swapped the results in place"
