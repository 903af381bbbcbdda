"""The network's e-mail to its contacts and « Mon compte »'s preferences in a real browser: an
animator writes to the contacts of a filtered list, previews, sends, and reads the history; the
pages fit a phone and a desktop without horizontal scrolling (screenshots in test-results/)."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from maillage.accounts.account_services import email_change_token
from maillage.directory.models import Contact, Membership
from maillage.mailings.models import Mailing, RecipientState
from maillage.mailings.tokens import unsubscribe_token
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, NetworkFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _world():
    animator = UserFactory(email="animatrice@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(
        slug="industries-nord", name="Industries du Nord", animators=[animator],
        contact_email="equipe@industries-nord.example",
    )  # fmt: skip
    consent = datetime.date(2026, 3, 2)
    companies = []
    for n, (name, role) in enumerate(
        [
            ("Fonderie Roth", "purchasing"),
            ("Établissements Muller-Schneider et fils", "hr"),
            ("Tôlerie Lutz", "site"),
        ]
    ):
        company = EstablishmentFactory(name=name, member_of=network)
        Contact.objects.create(
            network=network, establishment=company, first_name="Anne", last_name=f"Muller-Schneider {n}",
            role=role, email=f"contact{n}@example.org", consent_on=consent,
        )  # fmt: skip
        companies.append(company)
    prospect = EstablishmentFactory(name="Usinage Prospect")
    Membership.objects.create(network=network, establishment=prospect, status=Membership.Status.PROSPECT)
    Contact.objects.create(
        network=network,
        establishment=prospect,
        last_name="Prospect",
        email="p@example.org",
        consent_on=consent,
    )
    return network, companies


def test_animator_writes_to_the_contacts_of_the_filtered_list(page, axe):
    network, _companies = _world()
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.goto("/animation/industries-nord/membres/")
    page.get_by_label("Statut :", exact=True).select_option(label="Adhérent")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Écrire aux contacts").click()
    expect(page.get_by_text("3 contacts recevront ce message.")).to_be_visible()
    page.get_by_label("Objet :").fill("Réunion énergie du 12 janvier")
    page.get_by_label("Message :", exact=True).fill("Bonjour,\n\nNous vous attendons jeudi à 9 h.")
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_role("region", name="Aperçu")).to_contain_text("Nous vous attendons jeudi")
    assert axe(page) == []
    page.get_by_role("button", name="Envoyer à 3 contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réunion énergie du 12 janvier")
    expect(page.get_by_text("3 envoyés")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == [f"contact{n}@example.org" for n in range(3)]
    assert axe(page) == []


@pytest.mark.parametrize("width", [390, 1280])
def test_mailing_and_account_pages_fit_the_screen(page, axe, width):
    network, companies = _world()
    animator = network.animators.get()
    mailing = Mailing.objects.create(
        network=network, subject="Réunion énergie du 12 janvier", body="Bonjour,\nNous vous attendons.",
        created_by=animator, filters={"status": "member"},
    )  # fmt: skip
    states = [RecipientState.SENT, RecipientState.FAILED, RecipientState.PENDING]
    for contact, state in zip(Contact.objects.exclude(last_name="Prospect"), states, strict=True):
        mailing.recipients.create(contact=contact, email=contact.email, state=state)
    token = unsubscribe_token(network_id=network.pk, email="contact0@example.org")
    page.set_viewport_size({"width": width, "height": 900})
    SCREENSHOTS.mkdir(exist_ok=True)

    def shoot(name, path):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"mailing-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{name}: {overflow} px too wide at {width} px"
        assert axe(page) == [], name

    shoot("unsubscribe", f"/desabonnement/{token}/")
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.get_by_role("status")).to_contain_text("ne recevra plus")
    page.screenshot(path=str(SCREENSHOTS / f"mailing-unsubscribed-{width}.png"), full_page=True)

    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    shoot("compose", "/animation/industries-nord/messages/ecrire/?statut=member")
    shoot("history", "/animation/industries-nord/messages/")
    shoot("message", f"/animation/industries-nord/messages/{mailing.pk}/")
    shoot("member", f"/animation/industries-nord/membres/{companies[0].siret}/")
    shoot("account", "/compte/")
    shoot("preferences", "/compte/preferences/")
    shoot("email-change", "/compte/adresse/")
    confirm = email_change_token(user=animator, new_email="claire.weiss@industries-nord.example")
    shoot("email-confirm", f"/compte/adresse/confirmer/{confirm}/")
