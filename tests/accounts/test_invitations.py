"""Invitations: single-use links that expire after 7 days."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillage.accounts.errors import AccountError
from maillage.accounts.models import Invitation, User
from maillage.accounts.services import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_from_token,
)
from maillage.directory.models import EstablishmentUser
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite(world, **kwargs):
    defaults = {"network": world["a"], "email": "nouvelle@example.org", "invited_by": world["animator_a"]}
    defaults.setdefault("establishment", world["peer"])
    return invitation_create(**(defaults | kwargs))


def _link(message) -> str:
    return re.search(r"http://testserver(/compte/invitation/[^/\s]+/)", message.body).group(1)


def test_invitation_email_is_french_html_and_text(world, emails_at_once):
    _invite(world)
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject == "Invitation à rejoindre Réseau A sur Maillage"
    assert "Fonderie Roth" in message.body and "valable 7 jours" in message.body
    assert message.alternatives[0][1] == "text/html" and _link(message) in message.alternatives[0][0]


def test_member_invitation_needs_an_establishment_of_the_network(world):
    with pytest.raises(AccountError, match="n’appartient pas au réseau"):
        _invite(world, establishment=world["elsewhere"])
    with pytest.raises(AccountError, match="Choisissez l’établissement"):
        _invite(world, establishment=None)


def test_accepting_sets_the_password_creates_the_link_and_logs_in(client, world, emails_at_once):
    _invite(world)
    link = _link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200 and "nouvelle@example.org" in page.content.decode()
    response = client.post(
        link,
        {
            "first_name": "Léa",
            "last_name": "Roth",
            "password1": "un-secret-solide-7",
            "password2": "un-secret-solide-7",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/mon-entreprise/{world['peer'].siret}/profil/"
    user = User.objects.get(email="nouvelle@example.org")
    assert user.check_password("un-secret-solide-7") and user.first_name == "Léa"
    assert EstablishmentUser.objects.filter(user=user, establishment=world["peer"]).exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    # Single use: the same link now gives a clear page.
    again = client.get(link)
    assert again.status_code == 410
    assert "déjà été utilisé" in again.content.decode()


def test_weak_or_mismatched_passwords_are_refused(client, world, emails_at_once):
    _invite(world)
    link = _link(mail.outbox[0])
    weak = client.post(link, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200 and weak.context["form"].errors["password1"]
    mismatch = client.post(link, {"password1": "un-secret-solide-7", "password2": "un-autre-secret-8"})
    assert mismatch.context["form"].errors["password2"] == ["Les deux mots de passe diffèrent."]
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_expired_invitation_gives_a_clear_page(client, world, emails_at_once):
    invitation = _invite(world)
    link = _link(mail.outbox[0])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link)
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()


def test_signature_older_than_seven_days_is_expired(world, monkeypatch, emails_at_once):
    invitation = _invite(world)
    token = _link(mail.outbox[0]).split("/")[-2]
    later = timezone.now() + timedelta(days=7, seconds=5)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    with pytest.raises(InvitationError) as error:
        invitation_from_token(token)
    assert error.value.reason == "expired"
    assert invitation.accepted_at is None


def test_altered_link_gives_a_clear_page(client, world, emails_at_once):
    _invite(world)
    response = client.get(_link(mail.outbox[0])[:-3] + "xx/")
    assert response.status_code == 410
    assert "incomplet ou a été modifié" in response.content.decode()


def test_existing_account_gets_the_link_without_a_new_password(client, world, emails_at_once):
    existing = UserFactory(email="nouvelle@example.org")
    _invite(world)
    response = client.post(_link(mail.outbox[0]))
    assert response.status_code == 302 and response["Location"] == "/compte/connexion/"
    assert EstablishmentUser.objects.filter(user=existing, establishment=world["peer"]).exists()


def test_co_animator_invitation_makes_an_animator(world):
    invitation = _invite(world, role=Invitation.Role.ANIMATOR, establishment=None)
    user = invitation_accept(invitation=invitation, password="un-secret-solide-7")
    assert world["a"].animators.filter(pk=user.pk).exists()
    with pytest.raises(InvitationError):
        invitation_accept(invitation=invitation, password="un-secret-solide-7")
