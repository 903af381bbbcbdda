"""Issue 12, findings 2 and 3: data never becomes markup, and the CSP is watched.

An establishment name from a SIRENE or spreadsheet import can hold anything: on every map its
tooltip must show it as text and run nothing. The browser tests fail on any violation of the
Content-Security-Policy (``conftest.page``); the last tests prove that the watch sees one.
"""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from maillage.matching.index import index_build, reader
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_capability_set
from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.services import taxonomy_load
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)
HOSTILE = '<img src=x onerror="window.__xss = 1">Usinage & Fils'


@pytest.fixture
def hostile(settings):
    settings.MAILLAGE_TILE_URL = ""  # no tile server in tests: the markers show on a blank map
    commune = CommuneFactory(name="Haguenau", search_name="haguenau", latitude=48.8156, longitude=7.7906)
    network = NetworkFactory(slug="alsace-nord", name="Industries Alsace du Nord")
    establishment = EstablishmentFactory(name=HOSTILE, commune=commune, latitude=48.82, longitude=7.79)
    MembershipFactory(network=network, establishment=establishment)
    return establishment


def hover_marker_and_read_tooltip(page, map_id: str):
    marker = page.locator(f"#{map_id} path.leaflet-interactive").first
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible()
    return tooltip


def assert_shown_as_text(page, tooltip) -> None:
    expect(tooltip).to_have_text(HOSTILE)
    assert tooltip.locator("img").count() == 0
    assert page.evaluate("() => window.__xss") is None


def test_a_hostile_name_stays_text_on_the_home_map(page, hostile):
    page.goto("/")
    expect(page.locator("#members-map")).to_have_attribute("data-markers", "1")
    tooltip = hover_marker_and_read_tooltip(page, "members-map")
    assert_shown_as_text(page, tooltip)
    page.locator("#members-map path.leaflet-interactive").first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(HOSTILE)
    assert popup.locator("img").count() == 0


def test_a_hostile_name_stays_text_on_the_establishment_map(page, hostile):
    page.goto(f"/etablissements/{hostile.siret}/")
    expect(page.locator("#establishment-map path.leaflet-interactive")).to_have_count(1)
    tooltip = hover_marker_and_read_tooltip(page, "establishment-map")
    assert_shown_as_text(page, tooltip)


def test_a_hostile_name_stays_text_on_the_search_map(page, hostile, settings, tmp_path):
    taxonomy_load(data=read_taxonomy(), dry_run=False)
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    profile_capability_set(
        establishment=hostile, code="proc.machining.milling", actor=None, source=ChangeSource.MEMBER
    )
    index_build()
    try:
        page.goto("/recherche/?q=fraisage")
        expect(page.locator("#search-map")).to_have_attribute("data-markers", "1")
        tooltip = hover_marker_and_read_tooltip(page, "search-map")
        assert_shown_as_text(page, tooltip)
    finally:
        reader.reset()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/directory/establishment/",
        "/admin/directory/establishment/add/",
        "/admin/accounts/user/add/",
        "/admin/needs/need/",
    ],
)
def test_the_admin_runs_under_the_csp(page, hostile, path):
    UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    login(page, "admin@example.org", DEFAULT_PASSWORD)
    assert page.goto(path).status == 200
    expect(page.locator("#content")).to_be_visible()
    page.wait_for_timeout(300)


def tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (226, 232, 214)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_tiles_of_the_configured_server_load_under_the_csp(page, hostile, settings, csp_violations):
    settings.MAILLAGE_TILE_URL = "https://{s}.tuiles.example.org/osm/{z}/{x}/{y}.png"
    png = tile_png()
    page.route(
        "https://*.tuiles.example.org/**", lambda route: route.fulfill(body=png, content_type="image/png")
    )
    page.goto("/")
    tiles = page.locator("#members-map img.leaflet-tile-loaded")
    expect(tiles.first).to_be_visible()
    assert page.evaluate("() => document.querySelector('#members-map img.leaflet-tile').naturalWidth") == 256
    assert csp_violations == []

    # Any other image server is refused.
    page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.src = "https://tuiles.ailleurs.example.net/0/0/0.png";
            document.body.appendChild(image);
        }"""
    )
    wait_for_violations(page, csp_violations)
    assert any("img-src" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()


def wait_for_violations(page, csp_violations, *, timeout_ms: int = 3000) -> None:
    """Until the first report, then a little longer: the event and the console message both come."""
    for _ in range(timeout_ms // 100):
        if csp_violations:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)


def test_an_injected_inline_script_is_reported_as_a_csp_violation(page, csp_violations):
    NetworkFactory()
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injected = 1";
            document.body.appendChild(script);
        }"""
    )
    wait_for_violations(page, csp_violations)

    assert page.evaluate("() => window.__injected") is None
    assert any("script-src" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()  # expected here: the fixture would fail the test otherwise


def test_an_injected_inline_handler_is_reported_as_a_csp_violation(page, csp_violations):
    NetworkFactory()
    page.goto("/")
    page.evaluate(
        """() => {
            document.body.insertAdjacentHTML("beforeend", '<img src="/x.png" onerror="window.__xss = 1">');
        }"""
    )
    wait_for_violations(page, csp_violations)

    assert page.evaluate("() => window.__xss") is None
    assert any("script-src" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()
