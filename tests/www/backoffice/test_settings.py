"""Back-office network settings and territory, written through ``network_update``."""

from django.urls import reverse

from maillage.directory.models import Network
from maillage.www.typography import NBSP
from tests.referential.factories import CommuneFactory, DepartmentFactory, EpciFactory
from tests.www.backoffice.world import world_fixture  # noqa: F401


def url(network):
    return reverse("backoffice:settings", args=[network.slug])


def data(**overrides):
    return {
        "name": "Pôle Alsace Industrie",
        "description": "Les industriels du nord de l’Alsace.",
        "description_en": "Manufacturers of northern Alsace.",
        "contact_email": "contact@pole-alsace.example",
        "departments": "",
        "epcis": "",
        "communes": "",
    } | overrides


def test_page_shows_the_settings_and_the_current_territory(client, world):
    world["commune_a"].population = 245_078  # with Haguenau's 1,000: the issue's « 246078 habitants »
    world["commune_a"].save()
    client.force_login(world["animator_a"])
    response = client.get(url(world["a"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{world['commune_a'].epci.siren} — CA de Haguenau" in page  # the EPCI, as a line to edit
    assert "2 communes" in page and "Bischwiller" in page and "Haguenau" in page
    assert f"246{NBSP}078 habitants" in page


def test_a_network_without_territory_says_so_in_words(client, world):
    world["a"].communes.clear()
    world["a"].epcis.clear()
    world["a"].departments.clear()
    client.force_login(world["animator_a"])
    page = client.get(url(world["a"])).content.decode()
    assert "Aucune commune" in page and "0 commune" not in page


def test_animator_updates_settings_and_territory_by_code_and_by_name(client, world):
    other_epci = EpciFactory(name="CC du Pays de Niederbronn")
    CommuneFactory(insee_code="67324", name="Niederbronn-les-Bains", epci=other_epci)
    lonely = CommuneFactory(insee_code="67447", name="Saverne")
    client.force_login(world["animator_a"])
    response = client.post(
        url(world["a"]),
        data(
            epcis=f"{world['commune_a'].epci.siren} — CA de Haguenau\ncc du pays de niederbronn",
            communes="Saverne",
        ),
    )
    assert response.status_code == 302
    network = Network.objects.get(pk=world["a"].pk)
    assert (network.name, network.contact_email) == ("Pôle Alsace Industrie", "contact@pole-alsace.example")
    assert network.localised_description("en") == "Manufacturers of northern Alsace."
    assert network.localised_description("fr") == "Les industriels du nord de l’Alsace."
    assert set(network.epcis.all()) == {world["commune_a"].epci, other_epci}
    assert list(network.communes.all()) == [lonely]
    assert network.territory_communes().count() == 4
    page = client.get(response.url).content.decode()
    assert "Réglages enregistrés. Le territoire compte 4 communes." in page


def test_a_whole_department_counts_all_its_communes(client, world):
    haut_rhin = DepartmentFactory(code="68", name="Haut-Rhin")
    for code in ("68066", "68224", "68297"):
        CommuneFactory(insee_code=code, department=haut_rhin)
    client.force_login(world["animator_a"])
    client.post(url(world["a"]), data(departments="Haut-Rhin"))
    assert Network.objects.get(pk=world["a"].pk).territory_communes().count() == 3


def test_unknown_and_ambiguous_entries_are_refused_naming_field_and_line(client, world):
    CommuneFactory(insee_code="67001", name="Sainte-Croix")
    CommuneFactory(
        insee_code="01340", name="Sainte-Croix", department=DepartmentFactory(code="01", name="Ain")
    )
    client.force_login(world["animator_a"])
    response = client.post(
        url(world["a"]), data(communes="Sainte-Croix", epcis="\nCC imaginaire", contact_email="x")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"ligne 2{NBSP}: «{NBSP}CC imaginaire{NBSP}» ne correspond à rien du référentiel." in page
    assert (
        f"ligne 1{NBSP}: «{NBSP}Sainte-Croix{NBSP}» est ambigu "
        "(01340 Sainte-Croix (01), 67001 Sainte-Croix (67))"
    ) in page
    assert Network.objects.get(pk=world["a"].pk).name == "Réseau A"  # nothing written


def test_animator_of_another_network_cannot_change_the_settings(client, world):
    client.force_login(world["animator_b"])
    assert client.get(url(world["a"])).status_code == 403
    assert client.post(url(world["a"]), data()).status_code == 403
    assert Network.objects.get(pk=world["a"].pk).name == "Réseau A"


def test_animator_allows_the_last_batch_to_confirm_of_the_network_needs(client, world):
    from maillage.needs.selectors import need_settings

    client.force_login(world["animator_a"])
    assert f"dernier lot «{NBSP}à confirmer{NBSP}»" in client.get(url(world["a"])).content.decode()
    assert need_settings(world["a"]).send_unconfirmed_matches is False
    assert client.post(url(world["a"]), data(send_unconfirmed_matches="on")).status_code == 302
    assert need_settings(world["a"]).send_unconfirmed_matches is True
    assert client.get(url(world["a"])).context["form"]["send_unconfirmed_matches"].value() is True
    client.post(url(world["a"]), data())
    assert need_settings(world["a"]).send_unconfirmed_matches is False


def test_the_network_contact_address_is_required(client, world):
    """Visitors' messages to companies without an account and replies to the network's e-mails
    go to it: a network's settings are not saved without one."""
    client.force_login(world["animator_a"])
    response = client.post(url(world["a"]), data(contact_email=""))
    assert response.status_code == 200 and response.context["form"].errors["contact_email"]
