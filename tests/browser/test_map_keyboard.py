"""Maps do not bar the keyboard (issue 14): markers are out of the tab order, « Passer la carte »
jumps past each map, and the content after the home page's map is a few Tab presses away.

The home page of a network with 80 located members: before, each marker was a tab stop (96 Tab
presses to the first link after the map). The list of members is the keyboard's equivalent.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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
    # From the top of the page: the header, the search box, then the skip link; one Tab after it.
    assert to_skip + 1 + after < 15, seen + ["Enter"] + more
    assert after == 1, more
