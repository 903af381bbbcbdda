"""The contact form: emails the establishment's users, hides their addresses, resists spam."""

import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from maillage.directory.models import EstablishmentUser
from maillage.www.establishments import contact
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def establishment():
    establishment = EstablishmentFactory(name="Fonderie Roth")
    for email in ("directeur@roth.example", "achats@roth.example"):
        EstablishmentUser.objects.create(user=UserFactory(email=email), establishment=establishment)
    EstablishmentUser.objects.create(
        user=UserFactory(email="parti@roth.example", is_active=False), establishment=establishment
    )
    return establishment


def form_data(**overrides):
    data = {
        "name": "Claire Acheteuse",
        "company": "Grand Groupe",
        "email": "claire@acheteur.example",
        "message": "Bonjour, pouvez-vous couler 200 carters en aluminium par mois ?",
        "website": "",
        "started": contact.issue_token(time.time() - 30),
    }
    return data | overrides


def post(client, establishment, **overrides):
    return client.post(reverse("establishments:contact", args=[establishment.siret]), form_data(**overrides))


def test_message_is_emailed_to_the_establishment_users_in_french_html_and_text(client, establishment):
    response = post(client, establishment)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["achats@roth.example", "directeur@roth.example"]
    assert message.reply_to == ["claire@acheteur.example"]
    assert "Claire Acheteuse" in message.subject and "Fonderie Roth" in message.subject
    assert "200 carters" in message.body and "Un visiteur de Maillage" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "200 carters" in html
    follow = client.get(response["Location"])
    assert "Votre message a été envoyé" in follow.content.decode()


def test_page_never_shows_the_users_addresses(client, establishment):
    html = client.get(reverse("establishments:detail", args=[establishment.siret])).content.decode()
    assert 'name="message"' in html
    assert "roth.example" not in html


def test_honeypot_fills_silently_send_nothing(client, establishment):
    response = post(client, establishment, website="http://spam.example")
    assert response.status_code == 302
    assert mail.outbox == []


def test_too_fast_submission_is_refused(client, establishment):
    response = post(client, establishment, started=contact.issue_token(time.time()))
    assert response.status_code == 200
    assert "trop vite" in response.content.decode()
    assert mail.outbox == []


def test_forged_token_is_refused(client, establishment):
    response = post(client, establishment, started="12345")
    assert "a expiré" in response.content.decode()
    assert mail.outbox == []


def test_invalid_fields_are_shown_next_to_them(client, establishment):
    response = post(client, establishment, email="pas-une-adresse", message="court")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in html
    assert mail.outbox == []


def test_rate_limit_per_session(client, establishment):
    for _ in range(contact.RATE_LIMIT_PER_SESSION):
        assert post(client, establishment).status_code == 302
    response = post(client, establishment)
    assert response.status_code == 429
    assert "Trop de messages" in response.content.decode()
    assert len(mail.outbox) == contact.RATE_LIMIT_PER_SESSION


def test_rate_limit_per_ip_across_sessions(client, establishment, django_user_model):
    from django.test import Client

    sent = 0
    for _ in range(contact.RATE_LIMIT_PER_IP):
        assert post(Client(), establishment).status_code == 302
        sent += 1
    assert post(Client(), establishment).status_code == 429
    assert len(mail.outbox) == sent


def test_establishment_without_users_nor_network_offers_no_form(client, db):
    lonely = EstablishmentFactory()
    html = client.get(reverse("establishments:detail", args=[lonely.siret])).content.decode()
    assert 'name="message"' not in html and "aucun réseau ne la suit ici" in html
    assert post(client, lonely).status_code == 404


@pytest.mark.parametrize("network_address", ["contact@ia-nord.example", ""])
def test_a_company_without_account_is_reached_through_its_networks_team(client, db, network_address):
    """No dead end: the message goes to the network's contact address, else to its animators,
    who put the visitor in touch; nobody's address is shown on the page."""
    member = MembershipFactory(
        establishment__name="Tôlerie Kieffer", network__name="Industries Alsace du Nord",
        network__contact_email=network_address,
    )  # fmt: skip
    member.network.animators.add(UserFactory(email="animatrice@ia-nord.example"))
    page = client.get(reverse("establishments:detail", args=[member.establishment.siret])).content.decode()
    assert 'name="message"' in page and "transmis à l’équipe" in page
    assert "animatrice@ia-nord.example" not in page
    response = post(client, member.establishment)
    assert response.status_code == 302
    message = mail.outbox[0]
    assert message.to == [network_address or "animatrice@ia-nord.example"]
    assert message.reply_to == ["claire@acheteur.example"]
    assert "mise en relation avec Tôlerie Kieffer" in message.subject
    assert "l’équipe d’animation du réseau Industries Alsace du Nord" in message.body
    assert "200 carters" in message.body


def test_a_company_in_a_networks_territory_is_reached_through_that_network(client, db):
    network = NetworkFactory(contact_email="contact@ia-nord.example")
    commune = CommuneFactory()
    network.epcis.add(commune.epci)
    prospect = EstablishmentFactory(commune=commune)  # no membership: the territory decides
    assert post(client, prospect).status_code == 302
    assert mail.outbox[0].to == ["contact@ia-nord.example"]


def test_email_is_in_french_whatever_the_visitor_language(client, establishment):
    client.cookies["django_language"] = "en"
    assert (
        "Contact the company"
        in client.get(reverse("establishments:detail", args=[establishment.siret])).content.decode()
    )
    post(client, establishment)
    assert "Un visiteur de Maillage" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("[Maillage] Message de")


def test_the_email_says_d_before_a_name_starting_with_a_vowel(client, establishment):
    post(client, establishment, name="Anne Martin")
    assert mail.outbox[0].subject == "[Maillage] Message d’Anne Martin pour Fonderie Roth"
    assert "depuis la page de Fonderie Roth." in mail.outbox[0].body
