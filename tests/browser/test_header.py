"""The header on a phone: the menu folds behind « Menu », opens and closes by click and Escape,
and everything in it is reachable; on a wide screen it is always open."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import NetworkFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network():
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord")
    network.animators.add(UserFactory(email="animatrice@example.org"))
    return network


def test_the_menu_folds_on_a_phone_and_opens_on_demand(page, network):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.goto("/")
    toggle = page.get_by_role("button", name="Menu")
    logout = page.get_by_role("button", name="Se déconnecter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(logout).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    for name in ("Recherche", "Animation", "Notifications", "Mon entreprise", "Mon compte"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_in_viewport()
    expect(logout).to_be_in_viewport()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    page.keyboard.press("Escape")
    expect(logout).to_be_hidden()
    expect(toggle).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_on_a_wide_screen_the_menu_is_always_open(page, network):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Connexion")).to_be_visible()
    expect(page.get_by_role("link", name="Mentions légales")).to_be_visible()


def test_without_script_the_menu_stays_open(browser, live_server, network):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="Connexion")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    context.close()
