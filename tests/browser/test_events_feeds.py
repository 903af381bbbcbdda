"""« Mon agenda personnel » in a real browser: a member creates the link of their private feed,
copies it, subscribes (the feed answers), renews it; the page fits a phone and a desktop
without horizontal scrolling (screenshots in test-results/) and passes axe-core."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from maillage.events.feeds import feed_token_active
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [390, 1280])
def test_member_creates_copies_and_renews_the_private_feed_link(page, axe, width):
    user = UserFactory(email="membre@example.org")
    page.set_viewport_size({"width": width, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, "membre@example.org", DEFAULT_PASSWORD)
    page.goto("/compte/")
    page.get_by_role("link", name="Mon agenda personnel : les événements auxquels je suis inscrit").click()
    page.get_by_role("button", name="Créer mon lien d’agenda").click()
    token = feed_token_active(user).token
    webcal = page.get_by_label("Pour s’abonner depuis un agenda (webcal://)")
    expect(webcal).to_have_value(f"webcal://testserver/agenda/{token}.ics")
    page.get_by_role("button", name="Copier").first.click()
    expect(page.get_by_role("button", name="Copié")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == f"webcal://testserver/agenda/{token}.ics"
    assert page.evaluate(OVERFLOW) <= 0
    assert axe(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"events-feed-settings-{width}.png"), full_page=True)
    feed = page.request.get(f"/agenda/{token}.ics")
    assert feed.status == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    page.get_by_role("button", name="Créer un nouveau lien").click()
    expect(page.get_by_text("Nouveau lien créé : l’ancien ne fonctionne plus.")).to_be_visible()
    assert page.request.get(f"/agenda/{token}.ics").status == 404
