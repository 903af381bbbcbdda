"""A network's home page names its network to the autocomplete, whose communes then come first."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.directory.factories import NetworkFactory
from tests.www.search.test_suggestions_territory import VALUE, _order, communes  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/recherche/suggestions/"


def _order_on(client, slug):
    """The communes suggested for « hag » on the page of the network ``slug``."""
    response = client.get(URL, {"champ": "pres", "pres": "hag", "reseau": slug})
    assert response.status_code == 200
    assert "Cookie" in response["Vary"]
    return VALUE.findall(response.content.decode())


@pytest.fixture
def two_networks(communes):  # noqa: F811
    """The small commune is the Bas-Rhin network's; a second network makes the platform plural."""
    bas_rhin = NetworkFactory(slug="alsace-du-nord")
    bas_rhin.communes.add(communes["small"])
    moselle = NetworkFactory(slug="moselle")
    moselle.communes.add(communes["big"])
    return bas_rhin, moselle


def test_the_page_network_puts_its_territory_first_for_a_visitor(client, two_networks):
    assert _order(client) == ["Hagondange (57)", "Haguenau-le-Petit (67)"]  # no page network
    assert _order_on(client, "alsace-du-nord") == ["Haguenau-le-Petit (67)", "Hagondange (57)"]
    assert _order_on(client, "moselle") == ["Hagondange (57)", "Haguenau-le-Petit (67)"]


def test_an_unknown_network_is_ignored(client, two_networks):
    assert _order_on(client, "inconnu") == ["Hagondange (57)", "Haguenau-le-Petit (67)"]
    assert _order_on(client, "") == ["Hagondange (57)", "Haguenau-le-Petit (67)"]


def test_an_unknown_network_falls_back_to_the_users_own(client, two_networks):
    bas_rhin, moselle = two_networks
    user = UserFactory()
    bas_rhin.animators.add(user)
    client.force_login(user)
    assert _order_on(client, "inconnu") == ["Haguenau-le-Petit (67)", "Hagondange (57)"]


def test_the_page_network_wins_over_the_users_own(client, two_networks):
    bas_rhin, moselle = two_networks
    user = UserFactory()
    bas_rhin.animators.add(user)
    client.force_login(user)
    assert _order(client) == ["Haguenau-le-Petit (67)", "Hagondange (57)"]
    assert _order_on(client, "moselle") == ["Hagondange (57)", "Haguenau-le-Petit (67)"]


def test_the_network_home_passes_its_network_to_the_autocomplete(client, two_networks):
    bas_rhin, moselle = two_networks
    html = client.get(reverse("home:network_detail", args=[moselle.slug])).content.decode()
    assert 'data-autocomplete="/recherche/suggestions/"' in html
    assert 'data-autocomplete-network="moselle"' in html
    index = client.get("/").content.decode()  # the list of networks is no network's page
    assert 'data-autocomplete="/recherche/suggestions/"' in index
    assert "data-autocomplete-network" not in index


def test_the_search_page_names_no_network(client, two_networks):
    html = client.get(reverse("search:search")).content.decode()
    assert 'data-autocomplete="/recherche/suggestions/"' in html
    assert "data-autocomplete-network" not in html
