"""Establishment and organisation pages: identity, profile per role, similar companies, queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from maillage.directory.models import EstablishmentUser
from maillage.profiles import services
from maillage.profiles.display import distance_km, similar_nearby
from maillage.profiles.models import ChangeSource, ReferenceVisibility
from maillage.www.typography import NBSP
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.profiles import conftest as profiles_conftest
from tests.taxonomy.shipped import shipped_taxonomy_fixture
from tests.visible import visible_text

pytestmark = pytest.mark.django_db
# The real taxonomy, loaded once per package by the profiles fixtures.
_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
taxonomy = profiles_conftest.taxonomy
SPREADSHEET = ChangeSource.SPREADSHEET


def url(establishment):
    return reverse("establishments:detail", args=[establishment.siret])


@pytest.fixture
def network():
    return NetworkFactory(name="Industries Alsace du Nord")


@pytest.fixture
def kieffer(taxonomy, network):
    establishment = EstablishmentFactory(
        name="Tôlerie Kieffer", street="3 rue des Forges", postal_code="67500", latitude=48.81, longitude=7.79
    )
    MembershipFactory(network=network, establishment=establishment)
    kwargs = {"establishment": establishment, "actor": None, "source": SPREADSHEET}
    services.profile_update(description_fr="Tôlerie fine et chaudronnerie pour l'industrie.", **kwargs)
    services.profile_capability_set(code="proc.machining.milling", **kwargs)
    services.profile_capability_set(code="proc.joining.welding.tig", status="proposed", **kwargs)
    services.profile_equipment_add(
        code="equip.press.hydraulic", label="Presse 300", specs={"force": "300 t"}, **kwargs
    )
    services.profile_certification_add(
        code="cert.iso9001", number="FR-1", valid_until=date.today() + timedelta(days=300), **kwargs
    )
    services.profile_certification_add(
        code="cert.en9100", number="FR-2", valid_from=date(2019, 1, 1), valid_until=date(2021, 1, 1), **kwargs
    )
    services.profile_reference_add(
        client="Airbus", project="Carters", visibility=ReferenceVisibility.PUBLIC, **kwargs
    )
    services.profile_reference_add(
        client="Safran", project="Brides", visibility=ReferenceVisibility.MEMBERS, **kwargs
    )
    return establishment


def test_visitor_sees_identity_and_public_profile_but_not_members_only_references(client, kieffer):
    response = client.get(url(kieffer))
    assert response.status_code == 200
    html = response.content.decode()
    siret = kieffer.siret
    assert f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" in html
    assert "Tôlerie Kieffer" in html and "3 rue des Forges" in html
    assert "Mécanique industrielle" in html and "25.62B" in html
    assert "20 à 49 salariés" in html
    assert "Savoir-faire confirmés" in html and "Savoir-faire probables" in html
    assert f"300{NBSP}t" in html
    assert "expirée le" in html and "valable jusqu’au" in html
    assert "Airbus" in html
    assert "Safran" not in html
    assert "1 autre référence est réservée" in html
    assert "Modifier le profil" not in html


def test_machine_figures_read_in_french_units_and_a_count_as_a_plain_number(client, kieffer):
    services.profile_equipment_add(
        code="equip.machine_tool.lathe",
        label="Tour CN",
        specs={"spindle_speed": "20000 tr/min", "axes": "5"},
        establishment=kieffer,
        actor=None,
        source=SPREADSHEET,
    )
    html = client.get(url(kieffer)).content.decode()
    assert f"Vitesse de broche maximale{NBSP}: 20{NBSP}000{NBSP}tr/min" in html
    assert f"Nombre d’axes{NBSP}: 5" in html
    assert "count" not in visible_text(html) and "rpm" not in visible_text(html)
    with translation.override("en"):
        english = client.get(url(kieffer), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"20,000{NBSP}rpm" in english


def test_member_of_the_same_network_sees_members_only_references(client, kieffer, network):
    colleague = UserFactory()
    other = MembershipFactory(network=network).establishment
    EstablishmentUser.objects.create(user=colleague, establishment=other)
    client.force_login(colleague)
    html = client.get(url(kieffer)).content.decode()
    assert "Safran" in html and "Airbus" in html
    assert "Modifier le profil" not in html


def test_member_of_another_network_does_not_see_members_only_references(client, kieffer):
    stranger = UserFactory()
    EstablishmentUser.objects.create(user=stranger, establishment=MembershipFactory().establishment)
    client.force_login(stranger)
    assert "Safran" not in client.get(url(kieffer)).content.decode()


def test_own_user_sees_edit_link(client, kieffer):
    owner = UserFactory()
    EstablishmentUser.objects.create(user=owner, establishment=kieffer)
    client.force_login(owner)
    html = client.get(url(kieffer)).content.decode()
    assert "Safran" in html
    assert reverse("profile_edit:edit", args=[kieffer.siret]) in html


def test_unknown_and_malformed_sirets_are_404(client, db):
    assert client.get("/etablissements/12345678900011/").status_code == 404
    assert client.get("/etablissements/123/").status_code == 404
    assert client.get("/entreprises/123456789/").status_code == 404


def test_closed_and_generated_establishments_are_marked_and_not_contactable(client, db):
    closed = EstablishmentFactory(is_active=False, is_generated=True, organisation__is_generated=True)
    EstablishmentUser.objects.create(user=UserFactory(), establishment=closed)
    html = client.get(url(closed)).content.decode()
    assert "fermé" in html and "entreprise fictive" in html
    assert 'name="message"' not in html
    assert client.post(reverse("establishments:contact", args=[closed.siret]), {}).status_code == 404


def test_map_carries_coordinates_and_configured_tiles(client, kieffer, settings):
    settings.MAILLAGE_TILE_URL = "https://tuiles.example.org/{z}/{x}/{y}.png"
    settings.MAILLAGE_TILE_ATTRIBUTION = "© Tuiles d’exemple"
    html = client.get(url(kieffer)).content.decode()
    assert 'data-lat="48.810000"' in html and 'data-lon="7.790000"' in html
    assert "https://tuiles.example.org/{z}/{x}/{y}.png" in html and "© Tuiles d’exemple" in html
    assert "leaflet/leaflet.js" in html


def test_map_has_a_skip_link_to_what_follows_it(client, kieffer):
    html = client.get(url(kieffer)).content.decode()
    skip = html.index('href="#establishment-map-end">Passer la carte</a>')
    assert skip < html.index('id="establishment-map"') < html.index('id="establishment-map-end"')


def test_unlocated_establishment_has_no_map(client, db):
    establishment = EstablishmentFactory(latitude=None, longitude=None)
    html = client.get(url(establishment)).content.decode()
    assert "n’est pas localisé" in html and "establishment-map" not in html


def test_similar_companies_nearby_share_capabilities_within_30_km(client, kieffer, taxonomy):
    def located(name, lat, lon, code, active=True):
        establishment = EstablishmentFactory(name=name, latitude=lat, longitude=lon, is_active=active)
        services.profile_capability_set(
            establishment=establishment, code=code, actor=None, source=SPREADSHEET
        )
        return establishment

    near = located("Usinage Voisin", 48.85, 7.85, "proc.machining.milling")
    located("Usinage Lointain", 48.2, 7.0, "proc.machining.milling")  # about 90 km
    located("Boulangerie Proche", 48.82, 7.80, "svc.design")
    located("Usinage Fermé", 48.82, 7.80, "proc.machining.milling", active=False)
    neighbours = similar_nearby(kieffer)
    assert [n.establishment for n in neighbours] == [near]
    assert neighbours[0].distance_km == pytest.approx(distance_km(48.81, 7.79, 48.85, 7.85))
    assert "Usinage Voisin" in client.get(url(kieffer)).content.decode()


def test_organisation_page_lists_its_establishments(client, db):
    head = EstablishmentFactory(name="Siège Roth", is_head_office=True)
    second = EstablishmentFactory(
        organisation=head.organisation, siret=head.siret[:9] + "00029", name="Atelier Roth"
    )
    other = EstablishmentFactory(name="Autre entreprise")
    response = client.get(reverse("establishments:organisation", args=[head.organisation.siren]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Siège Roth" in html and "Atelier Roth" in html and "Autre entreprise" not in html
    assert reverse("establishments:detail", args=[second.siret]) in html
    assert other.siret not in html


def test_establishment_page_queries_do_not_grow_with_the_profile(
    client, kieffer, taxonomy, django_assert_max_num_queries
):
    viewer = UserFactory()
    EstablishmentUser.objects.create(user=viewer, establishment=kieffer)
    client.force_login(viewer)
    neighbour = EstablishmentFactory(latitude=48.8, longitude=7.8)
    services.profile_capability_set(
        establishment=neighbour, code="proc.machining.milling", actor=None, source=SPREADSHEET
    )
    with django_assert_max_num_queries(30) as small:
        client.get(url(kieffer))
    kwargs = {"establishment": kieffer, "actor": None, "source": SPREADSHEET}
    for i in range(8):
        services.profile_equipment_add(
            code="equip.press.hydraulic", label=f"Presse {i}", specs={"force": f"{100 + i} t"}, **kwargs
        )
        services.profile_reference_add(client=f"Client {i}", **kwargs)
        located = EstablishmentFactory(latitude=48.8, longitude=7.8)
        services.profile_capability_set(
            establishment=located, code="proc.machining.milling", actor=None, source=SPREADSHEET
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(kieffer))
    assert "Presse 7" in response.content.decode()


def test_page_in_english(client, kieffer):
    client.cookies["django_language"] = "en"
    html = client.get(url(kieffer)).content.decode()
    assert '<html lang="en">' in html
    assert "Similar companies nearby" in html and "Capabilities confirmed by the company" in html
    assert "1 other reference is reserved for the network's members." in html
    assert "Entreprises similaires" not in html


def test_membership_line_elides_de_before_a_vowel_and_reads_in_english(client, kieffer, network):
    other = NetworkFactory(name="Plasturgie Grand Est")
    MembershipFactory(network=other, establishment=kieffer)
    html = client.get(url(kieffer)).content.decode()
    assert "Adhérent d’<a" in html and "Industries Alsace du Nord</a> et de <a" in html
    assert "Adhérent de Industries" not in html
    client.cookies["django_language"] = "en"
    html = client.get(url(kieffer)).content.decode()
    assert "Member of <a" in html and "</a> and of <a" in html
