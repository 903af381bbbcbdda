"""« Revendiquer votre entreprise »: request, animators' decision, resulting rights."""

import pytest
from django.core import mail

from maillage.accounts import permissions
from maillage.accounts.errors import AccountError
from maillage.accounts.models import Claim
from maillage.accounts.services import claim_approve, claim_create, claim_reject
from maillage.directory.models import EstablishmentUser
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_claim_goes_to_the_animators_of_the_members_network(world, emails_at_once):
    claimant = UserFactory(email="directeur@example.org")
    claim = claim_create(user=claimant, siret=world["peer"].siret, message="Je dirige le site.")
    assert claim.network == world["a"] and claim.status == Claim.Status.PENDING
    assert [m.to for m in mail.outbox] == [["animatrice-a@example.org"]]
    assert "Je dirige le site." in mail.outbox[0].body
    assert "/animation/reseau-a/revendications/" in mail.outbox[0].body


def test_claim_on_a_non_member_goes_to_the_network_covering_its_territory(world):
    claim = claim_create(user=UserFactory(), siret=world["unclaimed"].siret)
    assert claim.network == world["a"]


def test_claim_accepts_a_siret_with_spaces(world):
    siret = world["peer"].siret
    claim = claim_create(user=UserFactory(), siret=f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    assert claim.establishment == world["peer"]


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("123", "Un SIRET compte exactement 14 chiffres."),
        ("12345678901234", "SIRET invalide : clé de contrôle incorrecte."),
        ("73282932000074", "Aucun établissement de l’annuaire ne porte ce SIRET."),
    ],
)
def test_bad_sirets_are_refused_with_a_clear_message(world, siret, message):
    with pytest.raises(AccountError) as error:
        claim_create(user=UserFactory(), siret=siret)
    assert message in str(error.value)


def test_second_pending_claim_and_claim_on_own_establishment_are_refused(world):
    claimant = UserFactory()
    claim_create(user=claimant, siret=world["peer"].siret)
    with pytest.raises(AccountError, match="déjà en attente"):
        claim_create(user=claimant, siret=world["peer"].siret)
    with pytest.raises(AccountError, match="déjà pour cet établissement"):
        claim_create(user=world["member"], siret=world["own"].siret)


def test_approval_creates_the_link_and_emails_the_claimant(world, emails_at_once):
    claimant = UserFactory(email="directeur@example.org")
    claim = claim_create(user=claimant, siret=world["peer"].siret)
    mail.outbox.clear()
    claim = claim_approve(claim=claim, by=world["animator_a"])
    assert claim.status == Claim.Status.APPROVED and claim.decided_by == world["animator_a"]
    assert claim.decided_at is not None
    assert EstablishmentUser.objects.filter(user=claimant, establishment=world["peer"]).exists()
    assert permissions.can_edit_establishment(claimant, world["peer"])
    assert mail.outbox[0].to == ["directeur@example.org"]
    assert "accepté votre demande" in mail.outbox[0].body.replace("&#x27;", "'")
    with pytest.raises(AccountError, match="déjà été traitée"):
        claim_reject(claim=claim, by=world["animator_a"])


def test_rejection_grants_nothing_and_tells_why(world, emails_at_once):
    claimant = UserFactory()
    claim = claim_create(user=claimant, siret=world["peer"].siret)
    claim = claim_reject(claim=claim, by=world["animator_a"], note="Inconnu de l'entreprise.")
    assert claim.status == Claim.Status.REJECTED
    assert not EstablishmentUser.objects.filter(user=claimant).exists()
    assert "Inconnu de l" in mail.outbox[-1].body


def test_claim_page_requires_login(client, world):
    response = client.get("/revendiquer/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/?next=")


def test_claim_page_creates_the_request_and_lists_it(client, world):
    client.force_login(UserFactory())
    response = client.post("/revendiquer/", {"siret": world["peer"].siret, "message": ""}, follow=True)
    html = response.content.decode()
    assert "Demande envoyée à l’animation du réseau Réseau A" in html
    assert "Fonderie Roth" in html and "En attente" in html


def test_claim_page_shows_errors_on_the_siret_field(client, world):
    client.force_login(UserFactory())
    response = client.post("/revendiquer/", {"siret": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["siret"] == ["Un SIRET compte exactement 14 chiffres."]
