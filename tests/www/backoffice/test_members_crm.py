"""The network's CRM in the back-office (issue 15, item 1): companies added by name, memberships
with their history, contacts seen by the network's team only, the list's export."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.directory.models import Contact, Membership
from maillage.directory.selectors import network_contacts
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    network = NetworkFactory(slug="ia-nord", name="Industries Alsace du Nord")
    network.animators.add(UserFactory(email="animatrice@ia-nord.example"))
    return network


@pytest.fixture
def animator(client, network):
    client.force_login(network.animators.get())
    return client


def url(name, *args):
    return reverse(f"backoffice:{name}", args=["ia-nord", *args])


def test_a_company_named_once_is_added_with_its_history(animator, network):
    roth = EstablishmentFactory(name="Fonderie Roth", commune=CommuneFactory(name="Haguenau"))
    response = animator.post(
        url("member_add"), {"company": "fonderie ROTH", "status": "member", "category": "PME"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(network=network, establishment=roth)
    assert membership.status == "member" and membership.joined_on == timezone.localdate()
    page = animator.get(url("member", roth.siret)).content.decode()
    assert "Ajoutée au réseau (Adhérent)" in page


def test_namesakes_are_offered_as_a_choice_and_a_siret_is_read_with_spaces(animator, network):
    first = EstablishmentFactory(name="Mécanique Lutz", commune=CommuneFactory(name="Gries"))
    second = EstablishmentFactory(name="Mécanique Lutz", commune=CommuneFactory(name="Hatten"))
    response = animator.post(url("member_add"), {"company": "Mécanique Lutz", "status": "prospect"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "2 établissements portent ce nom" in page and "Gries" in page and "Hatten" in page
    animator.post(
        url("member_add"), {"company": "Mécanique Lutz", "siret": second.siret, "status": "prospect"}
    )
    assert list(network.memberships.values_list("establishment", flat=True)) == [second.pk]
    spaced = " ".join([first.siret[:3], first.siret[3:6], first.siret[6:9], first.siret[9:]])
    animator.post(url("member_add"), {"company": spaced, "status": "prospect"})
    assert network.memberships.count() == 2
    again = animator.post(url("member_add"), {"company": first.siret, "status": "member"})
    assert (
        again.status_code == 400 and "figure déjà parmi les entreprises du réseau" in again.content.decode()
    )


def test_status_changes_set_the_dates_and_are_recorded_in_words(animator, network):
    membership = MembershipFactory(network=network, status="prospect", joined_on=None)
    siret = membership.establishment.siret
    animator.post(url("member", siret), {"status": "member", "category": ""})
    membership.refresh_from_db()
    assert membership.joined_on == timezone.localdate()
    animator.post(url("member", siret), {"status": "former", "category": ""})
    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()
    page = animator.get(url("member", siret)).content.decode().replace("\u00a0", " ")
    assert "Statut : Prospect → Adhérent" in page
    assert "Statut : Adhérent → Ancien adhérent" in page
    history = page[page.index('id="historique"') :]
    assert "status" not in history and "→ former" not in history  # no code on screen
    assert membership.changes.filter(changed_by__email="animatrice@ia-nord.example").count() == 4


def test_contacts_are_linked_to_their_account_and_deleted_for_real(animator, network):
    membership = MembershipFactory(network=network, establishment__name="Tôlerie Kieffer")
    establishment = membership.establishment
    user = EstablishmentUserFactory(establishment=establishment, user__email="achats@kieffer.example").user
    data = {
        "first_name": "Paul",
        "last_name": "Kieffer",
        "role": "purchasing",
        "email": "Achats@Kieffer.example",
    }
    assert animator.post(url("contact_add", establishment.siret), data).status_code == 302
    contact = Contact.objects.get()
    assert contact.email == "achats@kieffer.example"
    assert network_contacts(network, establishment=establishment).get().has_account
    page = animator.get(url("member", establishment.siret)).content.decode()
    assert "Paul Kieffer" in page and "a un compte" in page
    user.is_active = False  # read, not stored: a closed account no longer counts
    user.save()
    assert not network_contacts(network, establishment=establishment).get().has_account
    animator.post(url("contact_remove", establishment.siret, contact.pk))
    assert not Contact.objects.exists()


def test_contacts_never_reach_members_nor_visitors(client, network):
    membership = MembershipFactory(network=network)
    Contact.objects.create(
        network=network,
        establishment=membership.establishment,
        last_name="Secret",
        email="direction@secret.example",
    )
    member = EstablishmentUserFactory(establishment=membership.establishment).user
    for who in (None, member):
        if who:
            client.force_login(who)
        public = client.get(reverse("establishments:detail", args=[membership.establishment.siret]))
        assert "direction@secret.example" not in public.content.decode()
        assert client.get(url("member", membership.establishment.siret)).status_code in (302, 403)


def test_the_export_follows_the_filters_with_french_headers(animator, network):
    MembershipFactory(network=network, establishment__name="Payée SA", status="member", dues_status="paid")
    MembershipFactory(
        network=network, establishment__name="En retard SARL", status="member", dues_status="late"
    )
    response = animator.get(url("members") + "?cotisation=late&format=csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffSIRET;Établissement;Commune;Statut;Adhérent depuis;")
    assert "En retard SARL" in text and "Payée SA" not in text and ";En retard;" in text


def test_the_filters_offer_what_the_companies_have_now_though_kept_in_the_cache(network):
    """The facets are cached under a version of the memberships and their companies: a new
    member, a new category and a company that moved show at the next visit."""
    from maillage.accounts.selectors import network_member_facets

    haguenau = CommuneFactory(name="Haguenau")
    first = EstablishmentFactory(commune=haguenau)
    MembershipFactory(network=network, establishment=first, category="PME")
    before = network_member_facets(network)
    assert before.categories == ["PME"] and [siren for siren, _ in before.epcis] == [haguenau.epci_id]
    assert network_member_facets(network) == before  # the cache answers

    other = EstablishmentFactory(commune=CommuneFactory(name="Wissembourg"))
    MembershipFactory(network=network, establishment=other, category="ETI")
    after = network_member_facets(network)
    assert after.categories == ["ETI", "PME"] and len(after.epcis) == 2

    moved = CommuneFactory(name="Bischwiller")
    first.commune = moved
    first.save()
    assert haguenau.epci_id not in [siren for siren, _ in network_member_facets(network).epcis]
    assert moved.epci_id in [siren for siren, _ in network_member_facets(network).epcis]
