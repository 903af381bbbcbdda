"""Sign-up and « Adhérer au réseau » in a real browser: a visitor signs up, confirms from the
e-mail, claims a company by name, an animator approves, the new member edits its profile from
« Mon entreprise »; a visitor asks to join and the animator accepts. The pages fit a phone and a
desktop without horizontal scrolling (screenshots in test-results/)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from maillage.accounts.models import JoinRequest
from maillage.directory.models import Contact, Membership
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
PASSWORD = "brise-du-matin-42"


@pytest.fixture
def network():
    animator = UserFactory(email="animatrice@example.org")
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord", animators=[animator])
    commune = CommuneFactory(insee_code="67180", name="Haguenau")
    network.epcis.add(commune.epci)
    EstablishmentFactory(name="Fonderie Roth", commune=commune, city="Haguenau", member_of=network)
    EstablishmentFactory(name="Plasturgie Weber", commune=commune, city="Haguenau")
    return network


def _pick_company(page, typed: str, label="Votre entreprise :"):
    """Type in the company picker, wait for htmx to fill the datalist, take its first option (a
    native datalist's popup is not part of the page Playwright drives)."""
    field = page.get_by_label(label, exact=True)
    field.press_sequentially(typed, delay=30)
    option = page.locator("#company-options option").first
    expect(option).to_be_attached()
    field.fill(option.get_attribute("value"))


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_visitor_signs_up_claims_by_name_and_edits_the_profile_once_approved(page, network):
    page.goto("/")
    page.get_by_role("link", name="Créer un compte").first.click()
    page.get_by_label("Prénom :", exact=True).fill("Claire")
    page.get_by_label("Nom :", exact=True).fill("Roth")
    page.get_by_label("Adresse e-mail :", exact=True).fill("claire@fonderie-roth.fr")
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, encore :", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/compte/inscription/confirmer/\S+/", message.body)[0]
    page.goto(_path(link))
    page.get_by_role("button", name="Confirmer et activer mon compte").click()
    expect(page.get_by_role("status")).to_contain_text("Adresse confirmée")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revendiquer votre entreprise")

    _pick_company(page, "Fonderie")
    page.get_by_label("Message aux animateurs (facultatif) :", exact=True).fill("Je dirige la fonderie.")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Demande envoyée à l’animation du réseau Industries du Nord"
    )
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Animation").click()
    page.get_by_role("link", name=re.compile("^Revendications")).click()
    page.get_by_role("button", name="Accepter la demande pour Fonderie Roth").click()
    expect(page.get_by_role("status")).to_contain_text("claire@fonderie-roth.fr peut désormais agir")
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "claire@fonderie-roth.fr", PASSWORD)
    page.get_by_role("link", name="Mon entreprise").click()
    expect(page.get_by_role("heading", level=2, name="Fonderie Roth")).to_be_visible()
    page.get_by_role("link", name="Modifier le profil").click()
    page.get_by_label("Présentation :", exact=True).fill("Fonderie d'aluminium, pièces de 1 à 40 kg.")
    page.get_by_role("button", name="Enregistrer la présentation").click()
    expect(page.get_by_role("status")).to_contain_text("Présentation enregistrée.")


def test_visitor_asks_to_join_and_the_animator_accepts(page, network):
    page.goto("/")
    page.get_by_role("link", name="Adhérer au réseau").first.click()
    _pick_company(page, "Plasturgie")
    page.get_by_label("Ce que vous attendez du réseau :", exact=True).fill("Trouver des sous-traitants.")
    page.get_by_label("Prénom :", exact=True).fill("Luc")
    page.get_by_label("Nom :", exact=True).fill("Weber")
    page.get_by_label("Fonction :", exact=True).select_option(label="Direction générale")
    page.get_by_label("Adresse e-mail :", exact=True).fill("luc@plasturgie-weber.fr")
    page.get_by_label(
        "J’accepte de recevoir les messages du réseau (événements, bulletins, enquêtes)."
    ).check()
    page.get_by_role("button", name="Envoyer la demande d’adhésion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande d’adhésion envoyée")
    assert [m.to for m in mail.outbox] == [["animatrice@example.org"]]

    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Animation").click()
    page.get_by_role("link", name=re.compile("^Demandes d’adhésion 1")).click()
    page.get_by_role("button", name="Accepter l’adhésion de Plasturgie Weber").click()
    expect(page.get_by_role("status")).to_contain_text("Plasturgie Weber est désormais adhérente")
    join = JoinRequest.objects.get()
    assert Membership.objects.get(network=network, establishment=join.establishment).status == "member"
    assert Contact.objects.get(network=network, establishment=join.establishment).consent_on is not None


@pytest.mark.parametrize("width", [390, 1280])
def test_signup_and_join_pages_fit_the_screen(page, axe, network, width):
    JoinRequest.objects.create(
        network=network, establishment=EstablishmentFactory(name="Établissements Muller-Schneider et fils"),
        first_name="Anne", last_name="Muller", role="hr", email="anne.muller@muller-schneider.fr",
        phone="03 88 12 34 56", motivation="Recruter des soudeurs et partager nos formations.",
    )  # fmt: skip
    page.set_viewport_size({"width": width, "height": 900})
    SCREENSHOTS.mkdir(exist_ok=True)
    visitor_pages = {
        "home": "/",
        "signup": "/compte/inscription/",
        "signup-sent": "/compte/inscription/envoyee/",
        "join": "/reseaux/industries-nord/adherer/",
        "join-sent": "/reseaux/industries-nord/adherer/envoyee/",
    }
    inactive = UserFactory(email="nouveau@example.org", is_active=False)
    from maillage.accounts.services import signup_token

    visitor_pages["signup-confirm"] = f"/compte/inscription/confirmer/{signup_token(inactive)}/"
    member = UserFactory(email="membre@example.org")
    member_pages = {"claim": "/revendiquer/"}
    animator_pages = {"join-requests": "/animation/industries-nord/adhesions/"}
    for who, pages in (
        (None, visitor_pages),
        (member, member_pages),
        ("animatrice@example.org", animator_pages),
    ):
        if who is not None:
            page.context.clear_cookies()
            login(page, who if isinstance(who, str) else who.email, DEFAULT_PASSWORD)
        for name, path in pages.items():
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / f"signup-{name}-{width}.png"), full_page=True)
            overflow = page.evaluate(OVERFLOW)
            assert overflow <= 0, f"{name}: {overflow} px too wide at {width} px"
            assert axe(page) == [], name
