"""The animator back-office: members, invitations, claims; nothing of another network."""

import pytest
from django.core import mail
from django.test import Client

from maillage.accounts.models import Claim, Invitation
from maillage.accounts.services import claim_create, invitation_create
from maillage.directory.models import EstablishmentUser
from maillage.www.typography import NBSP
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_animator_sees_the_members_of_their_network_with_statuses(client, world):
    client.force_login(world["animator_a"])
    html = client.get("/animation/reseau-a/membres/").content.decode()
    assert "Tôlerie Kieffer" in html and "Fonderie Roth" in html and "Prospect Lutz" in html
    assert "Usinage Vogel" not in html
    assert f"Adhérent{NBSP}: 2" in html and f"Prospect{NBSP}: 1" in html
    assert "Affaires gardées dans le territoire" in html  # the needs' activity figures


def test_member_filters_by_status_and_search(client, world):
    client.force_login(world["animator_a"])
    prospects = client.get("/animation/reseau-a/membres/", {"statut": "prospect"}).content.decode()
    assert "Prospect Lutz" in prospects and "Fonderie Roth" not in prospects
    found = client.get("/animation/reseau-a/membres/", {"q": "fonderie"}).content.decode()
    assert "Fonderie Roth" in found and "Tôlerie Kieffer" not in found
    by_siret = client.get("/animation/reseau-a/membres/", {"q": world["own"].siret[:9]}).content.decode()
    assert "Tôlerie Kieffer" in by_siret


def test_back_office_index_redirects_a_single_network_animator(client, world):
    client.force_login(world["animator_a"])
    assert client.get("/animation/")["Location"] == "/animation/reseau-a/membres/"
    client.force_login(world["admin"])
    html = client.get("/animation/").content.decode()
    assert "Réseau A" in html and "Réseau B" in html


def test_header_links_to_the_back_office_for_animators_only(client, world):
    client.force_login(world["animator_a"])
    assert 'href="/animation/"' in client.get("/").content.decode()
    client.force_login(world["member"])
    assert 'href="/animation/"' not in client.get("/").content.decode()


def test_animator_of_network_a_sees_nothing_of_network_b(client, world):
    claim_b = claim_create(user=UserFactory(), siret=world["elsewhere"].siret)
    client.force_login(world["animator_a"])
    for page in ("membres", "invitations", "revendications"):
        assert client.get(f"/animation/reseau-b/{page}/").status_code == 403
    assert client.post(f"/animation/reseau-b/revendications/{claim_b.pk}/accepter/").status_code == 403
    # Through their own network's URL, another network's claim is simply not found.
    assert client.post(f"/animation/reseau-a/revendications/{claim_b.pk}/accepter/").status_code == 404
    assert client.post(f"/animation/reseau-a/revendications/{claim_b.pk}/refuser/").status_code == 404
    claim_b.refresh_from_db()
    assert claim_b.status == Claim.Status.PENDING
    assert "Usinage Vogel" not in client.get("/animation/reseau-a/revendications/").content.decode()


def test_animator_approves_a_pending_claim(client, world):
    claimant = UserFactory(email="directeur@example.org")
    claim = claim_create(user=claimant, siret=world["peer"].siret, message="Directeur du site")
    client.force_login(world["animator_a"])
    page = client.get("/animation/reseau-a/revendications/").content.decode()
    assert "directeur@example.org" in page and "Directeur du site" in page
    response = client.post(f"/animation/reseau-a/revendications/{claim.pk}/accepter/", follow=True)
    assert "peut désormais agir pour Fonderie Roth" in response.content.decode()
    assert EstablishmentUser.objects.filter(user=claimant, establishment=world["peer"]).exists()
    again = client.post(f"/animation/reseau-a/revendications/{claim.pk}/accepter/", follow=True)
    assert "déjà été traitée" in again.content.decode()


def test_animator_rejects_a_claim_with_a_reason(client, world):
    claim = claim_create(user=UserFactory(), siret=world["peer"].siret)
    client.force_login(world["animator_a"])
    client.post(f"/animation/reseau-a/revendications/{claim.pk}/refuser/", {"note": "Personne inconnue"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED and claim.decision_note == "Personne inconnue"


def test_claim_decisions_are_post_only(client, world):
    claim = claim_create(user=UserFactory(), siret=world["peer"].siret)
    client.force_login(world["animator_a"])
    assert client.get(f"/animation/reseau-a/revendications/{claim.pk}/accepter/").status_code == 405


def test_claim_decisions_need_the_csrf_token(world):
    claim = claim_create(user=UserFactory(), siret=world["peer"].siret)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["animator_a"])
    assert client.post(f"/animation/reseau-a/revendications/{claim.pk}/accepter/").status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


def test_animator_invites_a_member_user_by_email(client, world, emails_at_once):
    client.force_login(world["animator_a"])
    response = client.post(
        "/animation/reseau-a/invitations/",
        {"email": "nouvelle@example.org", "role": "member", "siret": world["peer"].siret},
        follow=True,
    )
    html = response.content.decode()
    assert "Invitation envoyée à nouvelle@example.org" in html
    assert "nouvelle@example.org" in html and "En attente, expire le" in html
    assert mail.outbox[-1].to == ["nouvelle@example.org"]
    assert Invitation.objects.get().establishment == world["peer"]


def test_animator_picks_the_invited_users_establishment_by_name(client, world):
    client.force_login(world["animator_a"])
    page = client.get("/animation/reseau-a/invitations/").content.decode()
    # The company picker: suggestions while typing, no list of every member in the page.
    assert 'list="company-options"' in page and '<option value="Fonderie Roth">' not in page
    options = client.get("/revendiquer/entreprises/", {"siret": "Fonderie R"}).content.decode()
    assert "Fonderie Roth" in options
    response = client.post(
        "/animation/reseau-a/invitations/",
        {"email": "nouvelle@example.org", "role": "member", "siret": "fonderie roth"},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().establishment == world["peer"]


def test_invitation_to_an_establishment_of_another_network_is_refused(client, world):
    client.force_login(world["animator_a"])
    response = client.post(
        "/animation/reseau-a/invitations/",
        {"email": "x@example.org", "role": "member", "siret": world["elsewhere"].siret},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["siret"] == ["Indiquez le SIRET d’un établissement du réseau."]
    assert not Invitation.objects.exists()


def test_invitations_list_shows_only_this_network(client, world):
    invitation_create(
        network=world["b"], email="b@example.org", invited_by=world["animator_b"], role="animator"
    )
    client.force_login(world["animator_a"])
    assert "b@example.org" not in client.get("/animation/reseau-a/invitations/").content.decode()


def test_claims_and_invitations_are_listed_read_only_in_the_admin(client, world):
    claim_create(user=UserFactory(), siret=world["peer"].siret)
    invitation_create(
        network=world["a"], email="x@example.org", invited_by=world["animator_a"], role="animator"
    )
    client.force_login(world["admin"])
    assert "Fonderie Roth" in client.get("/admin/accounts/claim/").content.decode()
    assert "x@example.org" in client.get("/admin/accounts/invitation/").content.decode()
    assert client.get("/admin/accounts/claim/add/").status_code == 403


def test_members_list_links_to_the_membership_page_and_the_profile_editor(client, world):
    client.force_login(world["animator_a"])
    html = client.get("/animation/reseau-a/membres/").content.decode()
    assert f'href="/animation/reseau-a/membres/{world["peer"].siret}/"' in html
    assert f'href="/mon-entreprise/{world["peer"].siret}/profil/"' in html
