"""Accounts in a real browser: claim approval, login throttling, keyboard-only login."""

import pytest
from playwright.sync_api import expect

from maillage.accounts.services import claim_create
from maillage.directory.models import EstablishmentUser
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network():
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord")
    network.animators.add(UserFactory(email="animatrice@example.org"))
    return network


def test_animator_approves_a_claim_then_the_new_member_edits_the_profile(page, network):
    establishment = MembershipFactory(
        network=network,
        establishment__name="Fonderie Roth",
        establishment__commune=CommuneFactory(insee_code="67180"),
    ).establishment
    claimant = UserFactory(email="directeur@example.org")
    claim_create(user=claimant, siret=establishment.siret, message="Je dirige la fonderie.")

    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Animation").click()
    page.get_by_role("link", name="Revendications").click()
    expect(page.get_by_text("Je dirige la fonderie.")).to_be_visible()
    page.get_by_role("button", name="Accepter la demande pour Fonderie Roth").click()
    expect(page.get_by_role("status")).to_contain_text(
        "directeur@example.org peut désormais agir pour Fonderie Roth"
    )
    assert EstablishmentUser.objects.filter(user=claimant, establishment=establishment).exists()
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "directeur@example.org", DEFAULT_PASSWORD)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.goto(f"/mon-entreprise/{establishment.siret}/profil/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fonderie Roth")
    page.get_by_label("Présentation :", exact=True).fill("Fonderie d'aluminium, pièces de 1 à 40 kg.")
    page.get_by_role("button", name="Enregistrer la présentation").click()
    expect(page.get_by_role("status")).to_contain_text("Présentation enregistrée.")


def test_login_throttling_message_shows(page, settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    UserFactory(email="claire@example.org")
    for _ in range(3):
        login(page, "claire@example.org", "mauvais-mot-de-passe")
        expect(page.get_by_role("alert")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    login(page, "claire@example.org", DEFAULT_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text(
        "Trop de tentatives de connexion ont échoué. Réessayez dans 15 minutes."
    )
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)


def test_keyboard_only_login(page):
    UserFactory(email="claire@example.org")
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    # Tab through the header to the login link, then log in without the mouse.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Connexion":
            break
    expect(page.get_by_role("link", name="Connexion")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Adresse e-mail")).to_be_focused()
    page.keyboard.type("claire@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_member_cannot_open_another_company_edit_page(page, network):
    commune = CommuneFactory(insee_code="67180")
    own = MembershipFactory(
        network=network, establishment__name="Tôlerie Kieffer", establishment__commune=commune
    )
    other = MembershipFactory(
        network=network, establishment__name="Fonderie Roth", establishment__commune=commune
    )
    EstablishmentUser.objects.create(
        user=UserFactory(email="membre@example.org"), establishment=own.establishment
    )
    login(page, "membre@example.org", DEFAULT_PASSWORD)
    assert page.goto(f"/mon-entreprise/{own.establishment.siret}/profil/").status == 200
    assert page.goto(f"/mon-entreprise/{other.establishment.siret}/profil/").status == 403
    page.goto("/")
    page.get_by_role("button", name="Se déconnecter").click()
    assert page.goto(f"/mon-entreprise/{own.establishment.siret}/profil/").url.endswith(
        f"/compte/connexion/?next=/mon-entreprise/{own.establishment.siret}/profil/"
    )
