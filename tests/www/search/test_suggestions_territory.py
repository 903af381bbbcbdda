"""Commune suggestions put the network's own territory first, then the most populated."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.directory.selectors import commune_suggestions
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory, DepartmentFactory

pytestmark = pytest.mark.django_db
URL = "/recherche/suggestions/"
VALUE = re.compile(r'data-field="pres" data-value="([^"]*)"')


@pytest.fixture
def communes():
    """Two « Hag… » communes: the big one in the Moselle, the small one in the Bas-Rhin."""
    return {
        "big": CommuneFactory(insee_code="57283", name="Hagondange", population=9000,
                              department=DepartmentFactory(code="57", name="Moselle")),
        "small": CommuneFactory(insee_code="67180", name="Haguenau-le-Petit", population=800),
    }  # fmt: skip


def _names(suggestions):
    return [suggestion.name for suggestion in suggestions]


def _territory(network, commune, through):
    if through == "communes":
        network.communes.add(commune)
    elif through == "epcis":
        network.epcis.add(commune.epci)
    else:
        network.departments.add(commune.department)


def _order(client):
    response = client.get(URL, {"champ": "pres", "pres": "hag"})
    assert response.status_code == 200
    return VALUE.findall(response.content.decode())


@pytest.mark.parametrize("through", ["communes", "epcis", "departments"])
def test_the_selector_puts_the_territory_first_in_one_query(communes, through):
    network = NetworkFactory()
    _territory(network, communes["small"], through)
    assert _names(commune_suggestions("hag")) == ["Hagondange", "Haguenau-le-Petit"]
    with CaptureQueriesContext(connection) as queries:
        found = commune_suggestions("hag", network=network)
    assert _names(found) == ["Haguenau-le-Petit", "Hagondange"]
    assert len(queries) == 1


def test_a_network_without_territory_keeps_the_population_order(communes):
    network = NetworkFactory()
    assert _names(commune_suggestions("hag", network=network)) == ["Hagondange", "Haguenau-le-Petit"]


def test_more_populated_communes_of_the_territory_still_come_first_among_themselves(communes):
    network = NetworkFactory()
    network.communes.add(communes["small"], communes["big"])
    assert _names(commune_suggestions("hag", network=network)) == ["Hagondange", "Haguenau-le-Petit"]


def test_on_a_single_network_platform_its_territory_comes_first_for_everyone(client, communes):
    network = NetworkFactory()
    network.epcis.add(communes["small"].epci)
    assert _order(client) == ["Haguenau-le-Petit (67)", "Hagondange (57)"]


def test_with_several_networks_a_visitor_gets_the_population_order(client, communes):
    NetworkFactory().epcis.add(communes["small"].epci)
    NetworkFactory()
    assert _order(client) == ["Hagondange (57)", "Haguenau-le-Petit (67)"]


def test_a_member_user_and_an_animator_get_their_own_network_first(client, communes):
    own = NetworkFactory()
    own.communes.add(communes["small"])
    other = NetworkFactory()
    other.communes.add(communes["big"])
    establishment = EstablishmentFactory(commune=communes["small"])
    MembershipFactory(network=own, establishment=establishment)
    client.force_login(EstablishmentUserFactory(establishment=establishment).user)
    assert _order(client) == ["Haguenau-le-Petit (67)", "Hagondange (57)"]
    animator = UserFactory()
    other.animators.add(animator)
    client.force_login(animator)
    assert _order(client) == ["Hagondange (57)", "Haguenau-le-Petit (67)"]


def test_a_user_of_several_networks_gets_the_population_order(client, communes):
    first, second = NetworkFactory(), NetworkFactory()
    first.communes.add(communes["small"])
    second.communes.add(communes["small"])
    user = UserFactory()
    first.animators.add(user)
    second.animators.add(user)
    client.force_login(user)
    # Both networks list the small commune, yet neither is « the » user's network.
    assert _order(client) == ["Hagondange (57)", "Haguenau-le-Petit (67)"]


def test_a_user_without_network_on_a_network_platform_gets_the_population_order(client, communes):
    NetworkFactory().communes.add(communes["small"])
    NetworkFactory()
    client.force_login(UserFactory())
    assert _order(client) == ["Hagondange (57)", "Haguenau-le-Petit (67)"]


def test_the_answer_varies_with_the_session(client, communes):
    NetworkFactory()
    assert "Cookie" in client.get(URL, {"champ": "pres", "pres": "hag"})["Vary"]
