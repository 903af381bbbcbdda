"""``GET /api/v1/relations``: the same role × confidentiality matrix as the pages and exports."""

from decimal import Decimal

import pytest

from maillage.relations.models import RelationSource
from tests.relations.factories import SupplyRelationFactory
from tests.relations.matrix import LEVELS, ROLES, SEES, SEES_AMOUNT
from tests.relations.test_visibility import world  # noqa: F401

URL = "/api/v1/relations"


def _get(client, user, **params):
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(client, world, role):  # noqa: F811
    answer = _get(client, world["users"][role])
    by_id = {row["id"]: row for row in answer["results"]}
    assert answer["total"] == len(by_id)
    for level, relation in world["relations"].items():
        assert (relation.pk in by_id) == (level in SEES[role]), level
        if relation.pk in by_id:
            amount = by_id[relation.pk]["amount"]
            assert (amount is not None) == (level in SEES_AMOUNT[role]), level
            if amount is not None:
                assert Decimal(str(amount)) == relation.amount
            else:
                assert by_id[relation.pk]["amount_year"] is None


def test_api_filters_by_level_and_network_and_pages(client, world):  # noqa: F811
    admin = world["users"]["admin"]
    only = _get(client, admin, confidentiality="animators")
    assert [row["confidentiality"] for row in only["results"]] == ["animators"]
    SupplyRelationFactory(confidentiality="public", source=RelationSource.SUPPLIER)  # outside network A
    in_network = _get(client, admin, network=world["network_a"].slug)
    assert in_network["total"] == len(LEVELS)
    first = _get(client, admin, limit=2)
    second = _get(client, admin, limit=2, offset=2)
    assert first["total"] == len(LEVELS) + 1 and len(first["results"]) == 2
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_api_refuses_bad_parameters_naming_them(client, world):  # noqa: F811
    response = client.get(URL, {"confidentiality": "secret"})
    assert response.status_code == 422 and "confidentiality" in response.content.decode()
    assert client.get(URL, {"limit": 100000}).status_code == 422
    assert client.get(URL, {"network": "nulle-part"}).status_code == 404
