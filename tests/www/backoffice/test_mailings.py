import datetime

import pytest
from django.core import mail
from django.test import Client

from maillage.directory.models import Contact, Membership
from maillage.mailings.models import Mailing, RecipientState, Unsubscription
from maillage.mailings.tokens import unsubscribe_token
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    animator = UserFactory()
    network = NetworkFactory(animators=[animator], contact_email="equipe@reseau.example")
    member = EstablishmentFactory(member_of=network)
    prospect = EstablishmentFactory()
    Membership.objects.create(network=network, establishment=prospect, status=Membership.Status.PROSPECT)
    consent = datetime.date(2026, 3, 1)
    for establishment, last_name, role in (
        (member, "Adhérente", Contact.Role.PURCHASING),
        (member, "Rh", Contact.Role.HR),
        (prospect, "Prospecte", Contact.Role.PURCHASING),
    ):
        Contact.objects.create(
            network=network, establishment=establishment, last_name=last_name, role=role,
            email=f"{last_name.lower()}@example.org", consent_on=consent,
        )  # fmt: skip
    client.force_login(animator)
    return {"network": network, "member": member, "animator": animator}


def compose_url(network, query=""):
    return f"/animation/{network.slug}/messages/ecrire/{query}"


def test_the_member_list_links_to_the_compose_page_with_its_filter(client, world):
    response = client.get(f"/animation/{world['network'].slug}/membres/?statut=member")
    assert f'href="{compose_url(world["network"], "?statut=member")}"' in response.content.decode()


def test_compose_counts_and_samples_the_filtered_contacts(client, world):
    network = world["network"]
    response = client.get(compose_url(network, "?statut=member"))
    assert response.context["count"] == 2
    assert "Adhérente" in response.content.decode() and "Prospecte" not in response.content.decode()
    response = client.get(compose_url(network, "?statut=member&fonction=hr"))
    assert [c.last_name for c in response.context["sample"]] == ["Rh"]


def test_preview_then_send_to_the_filtered_contacts(client, world, django_capture_on_commit_callbacks):
    network = world["network"]
    url = compose_url(network, "?statut=member&fonction=purchasing")
    data = {"subject": "Visite d’usine", "body": "Bonjour,\nRendez-vous jeudi."}
    response = client.post(url, {**data, "action": "preview"})
    assert response.status_code == 200
    assert response.context["preview"]["subject"] == "Visite d’usine"
    assert not Mailing.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "action": "send"})
    mailing = Mailing.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/messages/{mailing.pk}/")
    assert mailing.filters["status"] == "member" and mailing.role == "purchasing"
    assert [m.to for m in mail.outbox] == [["adhérente@example.org"]]
    page = client.get(response["Location"])
    assert page.context["counts"].sent_count == 1
    assert "Envoyé" in page.content.decode()
    history = client.get(f"/animation/{network.slug}/messages/")
    assert "Visite d’usine" in history.content.decode()


def test_sending_an_empty_message_shows_the_form_again(client, world):
    response = client.post(compose_url(world["network"]), {"subject": "Objet", "body": "", "action": "send"})
    assert response.status_code == 400
    assert not Mailing.objects.exists()


def test_a_message_of_another_network_is_not_found(client, world):
    other = NetworkFactory(animators=[world["animator"]])
    mailing = Mailing.objects.create(network=world["network"], subject="Objet", body="Texte")
    assert client.get(f"/animation/{other.slug}/messages/{mailing.pk}/").status_code == 404


def test_unsubscribe_asks_first_then_acts_on_post(world):
    network = world["network"]
    token = unsubscribe_token(network_id=network.pk, email="rh@example.org")
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(f"/desabonnement/{token}/")
    assert page.status_code == 200 and "rh@example.org" in page.content.decode()
    assert not Unsubscription.objects.exists()
    # RFC 8058: the mail client's one-click POST carries no CSRF token.
    response = visitor.post(f"/desabonnement/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Unsubscription.objects.get().email == "rh@example.org"


def test_a_tampered_unsubscribe_link_is_not_found(world):
    token = unsubscribe_token(network_id=world["network"].pk, email="rh@example.org")
    assert Client().post(f"/desabonnement/{token[:-3]}abc/").status_code == 404
    assert not Unsubscription.objects.exists()


def test_the_animator_sees_the_unsubscription_on_the_contact_and_it_is_left_out(client, world):
    network = world["network"]
    Unsubscription.objects.create(network=network, email="rh@example.org")
    page = client.get(f"/animation/{network.slug}/membres/{world['member'].siret}/")
    assert "désabonné le" in page.content.decode()
    assert client.get(compose_url(network, "?statut=member")).context["count"] == 1


def test_the_history_shows_each_recipients_state(client, world):
    network = world["network"]
    mailing = Mailing.objects.create(network=network, subject="Objet", body="Texte")
    contacts = Contact.objects.order_by("last_name")
    for contact, state in zip(
        contacts, (RecipientState.SENT, RecipientState.FAILED, RecipientState.PENDING), strict=True
    ):
        mailing.recipients.create(contact=contact, email=contact.email, state=state)
    page = client.get(f"/animation/{network.slug}/messages/{mailing.pk}/").content.decode()
    for label in ("Envoyé", "Échec", "En attente"):
        assert label in page


def test_the_pages_speak_english_too(client, world, settings):
    network = world["network"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(compose_url(network, "?statut=member")).content.decode()
    assert "Write to contacts" in page and "2 contacts will receive this message." in page
    assert "Messages to contacts" in client.get(f"/animation/{network.slug}/messages/").content.decode()
    token = unsubscribe_token(network_id=network.pk, email="rh@example.org")
    assert "Unsubscribe me" in client.get(f"/desabonnement/{token}/").content.decode()


def test_the_person_can_undo_an_unsubscription_by_mistake(world):
    token = unsubscribe_token(network_id=world["network"].pk, email="rh@example.org")
    visitor = Client()
    visitor.post(f"/desabonnement/{token}/")
    assert Unsubscription.objects.exists()
    page = visitor.post(f"/desabonnement/{token}/", {"action": "resubscribe"})
    assert page.status_code == 200 and "recevra de nouveau" in page.content.decode()
    assert not Unsubscription.objects.exists()
