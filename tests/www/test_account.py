"""« Mon compte » and « Mon entreprise » (issue 15, item 2): one's own name, password, data and
account; what one acts for. Each user reaches their own only, and a deletion really deletes."""

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import Claim, User
from maillage.accounts.services import claim_create
from maillage.directory.models import EstablishmentUser
from maillage.needs.models import Need, Notification
from tests.accounts.factories import DEFAULT_PASSWORD, EstablishmentUserFactory, UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory
from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    establishment = MembershipFactory(establishment__name="Tôlerie Kieffer").establishment
    return EstablishmentUserFactory(establishment=establishment, user__email="membre@example.org").user


def test_the_header_leads_a_member_to_their_company_and_account(client, member):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert (
        f'href="{reverse("profile_edit:mine")}"' in html and f'href="{reverse("accounts:account")}"' in html
    )
    mine = client.get(reverse("profile_edit:mine")).content.decode()
    assert "Tôlerie Kieffer" in mine and "Profil complet à 0" in mine
    assert reverse("profile_edit:edit", args=[member.establishment_links.get().establishment.siret]) in mine


def test_a_user_without_company_is_told_how_to_claim_one_and_sees_the_pending_claim(client):
    user = UserFactory()
    client.force_login(user)
    assert "Vous n’agissez encore pour aucune entreprise." in client.get("/mon-entreprise/").content.decode()
    establishment = EstablishmentFactory(name="Fonderie Roth")
    MembershipFactory(establishment=establishment)
    claim_create(user=user, siret=establishment.siret)
    assert "Fonderie Roth — demandée le" in client.get("/mon-entreprise/").content.decode()


def test_the_name_is_changed(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:account"), {"first_name": " Claire ", "last_name": "Kieffer"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Claire", "Kieffer")


def test_changing_the_password_keeps_this_session_and_ends_the_others(client, member):
    other = Client()
    other.force_login(member)
    client.force_login(member)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "Un-nouveau-mot-2026",
            "new_password2": "Un-nouveau-mot-2026",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Un-nouveau-mot-2026")
    assert client.get(reverse("accounts:account")).status_code == 200
    assert other.get(reverse("accounts:account")).status_code == 302  # sent to the login page


def test_the_export_holds_the_users_own_data_and_nobody_elses(client, member):
    peer = EstablishmentUserFactory(user__email="voisin@example.org").user
    need = NeedFactory(author=member, title="Pièces usinées en série")
    NeedFactory(author=peer, title="Le besoin du voisin")
    Notification.objects.create(user=member, need=need, kind="match")
    client.force_login(member)
    response = client.get(reverse("accounts:account_export"))
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees-maillage.json"'
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["compte"]["adresse_email"] == "membre@example.org"
    assert [e["nom"] for e in data["entreprises"]] == ["Tôlerie Kieffer"]
    assert [n["titre"] for n in data["besoins_publies"]] == ["Pièces usinées en série"]
    assert len(data["notifications"]) == 1
    assert "voisin" not in response.content.decode()


def test_a_wrong_password_deletes_nothing(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:account_delete"), {"password": "pas-le-bon"})
    assert response.status_code == 400 and "Mot de passe incorrect" in response.content.decode()
    assert User.objects.filter(pk=member.pk, is_active=True).exists()


def test_deleting_an_account_deletes_the_user_and_what_hangs_on_it(client, member):
    establishment = EstablishmentFactory()
    MembershipFactory(establishment=establishment)
    claim_create(user=member, siret=establishment.siret)
    client.force_login(member)
    response = client.post(reverse("accounts:account_delete"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and SESSION_KEY not in client.session
    assert not User.objects.filter(pk=member.pk).exists()
    assert not EstablishmentUser.objects.filter(user_id=member.pk).exists()
    assert not Claim.objects.filter(user_id=member.pk).exists()
    assert not User.objects.filter(email="membre@example.org").exists()


def test_an_author_of_needs_is_anonymised_and_the_needs_stay(client, member):
    need = NeedFactory(author=member)
    client.force_login(member)
    client.post(reverse("accounts:account_delete"), {"password": DEFAULT_PASSWORD})
    need = Need.objects.get(pk=need.pk)
    author = need.author
    assert author.pk == member.pk and not author.is_active and not author.has_usable_password()
    assert (author.first_name, author.last_name) == ("", "")
    assert "membre@example.org" not in (author.email, author.username)
    assert not author.establishment_links.exists()
    assert Client().login(username="membre@example.org", password=DEFAULT_PASSWORD) is False
