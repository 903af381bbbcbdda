"""The home page: a single network's page, or the list of networks."""

from datetime import date

import pytest
from django.urls import reverse

from maillage.directory.models import Establishment, Membership
from maillage.referential.models import Commune
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.profiles import conftest as profiles_conftest
from tests.referential.factories import CommuneFactory, HeadcountBandFactory
from tests.taxonomy.shipped import shipped_taxonomy_fixture

pytestmark = pytest.mark.django_db
_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
taxonomy = profiles_conftest.taxonomy


@pytest.fixture
def network():
    commune = CommuneFactory(name="Haguenau")
    network = NetworkFactory(name="Industries Alsace du Nord", description="Les industriels du Nord.")
    network.epcis.add(commune.epci)
    big = HeadcountBandFactory(code="32", label="250 à 499 salariés", min_employees=250, max_employees=499)
    MembershipFactory(network=network, establishment__name="Tôlerie Kieffer", establishment__commune=commune)
    MembershipFactory(
        network=network, establishment__name="Fonderie Roth", establishment__commune=commune,
        establishment__headcount_band=big,
    )  # fmt: skip
    MembershipFactory(network=network, establishment__name="Prospect Lutz", status=Membership.Status.PROSPECT)
    EstablishmentFactory(name="Non adhérent Braun", commune=commune)
    return network


def test_single_network_home_page_is_in_french_with_figures_and_members(client, network):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Industries Alsace du Nord" in html
    assert "Chiffres clés" in html
    assert "Tôlerie Kieffer" in html and "Fonderie Roth" in html and "Haguenau" in html
    assert "250 à 499 salariés" in html
    figures = response.context["figures"]
    assert figures.members == 2
    assert figures.prospects == 1
    assert (figures.jobs_min, figures.jobs_max) == (20 + 250, 49 + 499)
    assert figures.territory_establishments == 3  # two members and one non-member in Haguenau
    assert figures.communes_covered == 1


def test_prospects_and_non_members_are_not_listed(client, network):
    html = client.get("/").content.decode()
    assert "Prospect Lutz" not in html
    assert "Non adhérent Braun" not in html


def test_home_page_in_english(client, network):
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Key figures" in html
    assert "Members" in html
    assert "250 to 499 employees" in html
    assert "Chiffres clés" not in html


def test_language_switcher_sets_english(client, network):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Key figures" in response.content.decode()


def test_several_networks_are_listed_and_each_has_its_page(client, network):
    other = NetworkFactory(name="Vallée de la Bresle")
    MembershipFactory(network=other, establishment__name="Verrerie de la Bresle")
    index = client.get("/").content.decode()
    assert "Industries Alsace du Nord" in index and "Vallée de la Bresle" in index
    page = client.get(reverse("home:network_detail", args=[other.slug])).content.decode()
    assert "Verrerie de la Bresle" in page
    assert "Tôlerie Kieffer" not in page
    assert "Fonderie Roth" not in page


def test_unknown_network_is_404(client, network):
    assert client.get("/reseaux/inconnu/").status_code == 404


def test_no_network_yet_says_how_to_start(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "make demo" in response.content.decode()


def test_member_list_is_paginated_with_bounded_queries(client, network, django_assert_max_num_queries):
    for i in range(60):
        MembershipFactory(network=network, establishment__name=f"Adhérent {i:02d}")
    # Constant whatever the size: network, figures (4), capabilities, latest, map, page (2).
    with django_assert_max_num_queries(10):
        first = client.get("/")
    with django_assert_max_num_queries(10):
        third = client.get("/?page=3")
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.count == 62
    assert len(third.context["page"].object_list) == 12
    assert 'rel="next"' in first.content.decode()


def test_generated_establishments_are_marked(client, network):
    MembershipFactory(
        network=network, establishment__name="Usinage fictif", establishment__is_generated=True,
        establishment__organisation__is_generated=True,
    )  # fmt: skip
    html = client.get("/").content.decode()
    assert "entreprise fictive" in html


def test_home_has_a_search_entry_with_autocomplete(client, network):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/recherche/"' in html and 'name="q"' in html
    assert 'data-autocomplete="/recherche/suggestions/"' in html and "js/autocomplete.js" in html


def test_home_map_holds_every_located_member_and_nobody_else(client, network):
    response = client.get("/")
    points = response.context["points"]
    assert sorted(point["name"] for point in points) == ["Fonderie Roth", "Tôlerie Kieffer"]
    assert all(point["latitude"] and point["longitude"] for point in points)
    html = response.content.decode()
    assert 'id="members-map"' in html and 'id="members-map-points"' in html and "leaflet.js" in html
    assert "Prospect Lutz" not in html.split('id="members-map-points"')[1].split("</script>")[0]


def test_home_map_has_a_skip_link_to_what_follows_it(client, network):
    html = client.get("/").content.decode()
    skip = html.index('href="#members-map-end">Passer la carte</a>')
    assert skip < html.index('id="members-map"') < html.index('id="members-map-end"')


def test_home_without_located_members_shows_no_map_but_says_why(client, network):
    Establishment.objects.update(latitude=None, longitude=None)
    Commune.objects.update(latitude=None, longitude=None)  # a member without stands at its commune
    html = client.get("/").content.decode()
    assert 'id="members-map"' not in html and "Passer la carte" not in html
    assert "Aucun adhérent n’est encore localisé" in html and "0 adhérent" not in html


def test_latest_members_are_the_most_recent_memberships(client, network):
    for day in range(1, 9):
        MembershipFactory(network=network, establishment__name=f"Nouveau {day}", joined_on=date(2026, 3, day))
    latest = client.get("/").context["latest"]
    assert [m.establishment.name for m in latest] == [f"Nouveau {day}" for day in range(8, 2, -1)]
    html = client.get("/").content.decode()
    assert "Derniers adhérents" in html and f'href="/etablissements/{latest[0].establishment.siret}/"' in html


def test_key_figures_count_the_capabilities_members_hold(client, network, taxonomy):
    from maillage.profiles.models import CapabilityStatus, Profile, ProfileCapability

    members = list(network.memberships.filter(status=Membership.Status.MEMBER))
    for membership, codes in zip(
        members, (["proc.machining", "proc.foundry"], ["proc.foundry"]), strict=True
    ):
        profile = Profile.objects.create(establishment=membership.establishment)
        for code in codes:
            ProfileCapability.objects.create(
                profile=profile, node=taxonomy[code], status=CapabilityStatus.CONFIRMED
            )
    rejected = Profile.objects.create(establishment=EstablishmentFactory())
    MembershipFactory(network=network, establishment=rejected.establishment)
    ProfileCapability.objects.create(
        profile=rejected, node=taxonomy["proc.sheet_metal"], status=CapabilityStatus.REJECTED
    )
    response = client.get("/")
    assert response.context["capability_count"] == 2
    assert "Savoir-faire représentés" in response.content.decode()


def test_home_shows_the_description_in_the_visitors_language_and_the_contact(client, network):
    network.description_en = "The manufacturers of the North."
    network.contact_email = "contact@reseau.example"
    network.save()

    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Les industriels du Nord." in french and "The manufacturers" not in french
    assert "The manufacturers of the North." in english and "Les industriels du Nord." not in english
    assert 'href="mailto:contact@reseau.example"' in french


def test_network_list_shows_each_description_in_the_visitors_language(client, network):
    NetworkFactory(name="Plasturgie Est", description="Plasturgistes.", description_en="Plastics makers.")

    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Plastics makers." in english and "Plasturgistes." not in english
