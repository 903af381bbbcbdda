"""The supply graph page and its JSON: every role × every confidentiality level.

A relation the role may not see never reaches the HTML or the JSON (not its client's name,
not its level, not its amount), and an exact amount only where ``amount_visible`` allows.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.directory.models import EstablishmentUser
from maillage.relations.models import RelationSource, RelationStatus
from tests.accounts.factories import UserFactory
from tests.directory.factories import (
    EstablishmentFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)
from tests.relations.factories import SupplyRelationFactory
from tests.relations.matrix import LEVELS, ROLES, SEES, SEES_AMOUNT

PAGE = "/qui-travaille-pour-qui/"
DATA = "/qui-travaille-pour-qui/donnees.json"
BASE_AMOUNT = 7_654_320


def client_name(level: str) -> str:
    return f"Client confidentiel {level}"


def amount_pattern(level: str) -> re.Pattern:
    # 7654321 written with any thousands separator (space, narrow no-break space, dot…).
    value = f"{BASE_AMOUNT + 1 + LEVELS.index(level)}"
    return re.compile(r"\D{0,12}".join([value[0], value[1:4], value[4:]]))


@pytest.fixture
def world(db):
    network_a, network_b = NetworkFactory(), NetworkFactory()
    supplier = MembershipFactory(
        network=network_a,
        establishment__organisation=OrganisationFactory(name="Fournisseur Alpha", size_category="PME"),
    ).establishment
    clients = {
        level: EstablishmentFactory(
            organisation=OrganisationFactory(name=client_name(level), size_category="GE")
        )
        for level in LEVELS
    }
    users = {"visitor": AnonymousUser(), "outsider": UserFactory()}
    for role, establishments in (
        ("member_a", [MembershipFactory(network=network_a).establishment]),
        ("member_b", [MembershipFactory(network=network_b).establishment]),
        ("supplier_user", [supplier]),
        ("client_user", list(clients.values())),
    ):
        users[role] = UserFactory()
        for establishment in establishments:
            EstablishmentUser.objects.create(user=users[role], establishment=establishment)
    users["animator_a"], users["animator_b"] = UserFactory(), UserFactory()
    network_a.animators.add(users["animator_a"])
    network_b.animators.add(users["animator_b"])
    users["admin"] = UserFactory(admin=True)
    relations = {
        level: SupplyRelationFactory(
            supplier=supplier,
            client=client,
            confidentiality=level,
            source=RelationSource.LEDGER,
            volume_band="1m-5m",
            amount=Decimal(BASE_AMOUNT + 1 + LEVELS.index(level)),
        )
        for level, client in clients.items()
    }
    return {"users": users, "relations": relations}


def _get(client, world, role, url, **params):
    user = world["users"][role]
    if user.is_authenticated:
        client.force_login(user)
    return client.get(url, params)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", LEVELS)
def test_page_shows_a_relation_and_its_amount_only_to_allowed_roles(client, world, role, level):
    response = _get(client, world, role, PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert (client_name(level) in html) == (level in SEES[role])
    assert bool(amount_pattern(level).search(html)) == (level in SEES_AMOUNT[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", LEVELS)
def test_json_carries_a_relation_and_its_amount_only_for_allowed_roles(client, world, role, level):
    response = _get(client, world, role, DATA)
    assert response.status_code == 200
    body = response.content.decode()
    data = response.json()
    assert (client_name(level) in body) == (level in SEES[role])
    assert (str(BASE_AMOUNT + 1 + LEVELS.index(level)) in body) == (level in SEES_AMOUNT[role])
    links = {link["confidentiality"]: link for link in data["links"]}
    assert (level in links) == (level in SEES[role])
    if level in links:
        amount = links[level]["amount"]
        assert (amount is not None) == (level in SEES_AMOUNT[role])
        # Without the amount, the volume is the band's range, which every viewer of it may read.
        expected = (1_000_000, 5_000_000) if amount is None else (amount, amount)
        assert (links[level]["volume_min"], links[level]["volume_max"]) == expected


@pytest.mark.parametrize("role", ROLES)
def test_level_filter_offers_only_the_levels_the_role_sees(client, world, role):
    html = _get(client, world, role, PAGE).content.decode()
    options = set(re.findall(r'<option value="(public|network|animators|parties)"', html))
    assert options == SEES[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", LEVELS)
def test_asking_for_a_hidden_level_is_refused_without_leaking(client, world, role, level):
    response = _get(client, world, role, DATA, confidentialite=level)
    if level in SEES[role]:
        assert response.status_code == 200
        assert {link["confidentiality"] for link in response.json()["links"]} == {level}
    else:
        assert response.status_code == 400
        assert client_name(level) not in response.content.decode()
    html = _get(client, world, role, PAGE, confidentialite=level).content.decode()
    assert (client_name(level) in html) == (level in SEES[role])


@pytest.mark.parametrize("role", ROLES)
def test_figures_are_computed_on_the_visible_relations_only(client, world, role):
    data = _get(client, world, role, DATA).json()
    (row,) = data["concentration"]
    # The supplier's clients are the visible ones; each weighs the same band or amount.
    assert row["n_clients"] == len(SEES[role])
    assert row["hhi"] == pytest.approx(1 / len(SEES[role]), rel=1e-3)


@pytest.mark.parametrize("role", ["visitor", "member_a", "animator_a"])
def test_disputed_relation_is_kept_from_those_outside_it(client, world, role):
    relation = world["relations"]["public"]
    relation.status = RelationStatus.DISPUTED
    relation.save()
    html = _get(client, world, role, PAGE).content.decode()
    assert (client_name("public") in html) == (role == "animator_a")
