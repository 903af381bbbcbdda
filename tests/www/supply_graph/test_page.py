"""The supply graph page: dependency figures beside the drawing, filters, partial and JSON."""

from decimal import Decimal

import pytest

from maillage.referential.models import CpvCode
from maillage.relations.models import RelationSource
from maillage.www.supply_graph import queries
from maillage.www.typography import number
from tests.directory.factories import EstablishmentFactory, OrganisationFactory
from tests.referential.factories import CommuneFactory, DepartmentFactory
from tests.relations.factories import SupplyRelationFactory

PAGE = "/qui-travaille-pour-qui/"
DATA = "/qui-travaille-pour-qui/donnees.json"


def _company(name, size, department="67"):
    commune = CommuneFactory(department=DepartmentFactory(code=department, name=f"Département {department}"))
    return EstablishmentFactory(
        organisation=OrganisationFactory(name=name, size_category=size), commune=commune
    )


def _relation(supplier, client, cpv, amount, **extra):
    # Public procurement data, public: every viewer sees the relation and its amount.
    return SupplyRelationFactory(
        supplier=supplier,
        client=client,
        cpv=cpv,
        amount=Decimal(amount),
        volume_band="",
        source=RelationSource.PUBLIC_PROCUREMENT,
        **extra,
    )


@pytest.fixture
def world(db):
    works = CpvCode.objects.create(code="45210000", label="Travaux de construction de bâtiments")
    medical = CpvCode.objects.create(code="33000000", label="Matériel médical")
    s1, s2 = _company("Sous-traitant Un", "PME"), _company("Sous-traitant Deux", "PME", "68")
    s3, c1 = _company("Groupe Trois", "ETI"), _company("Grand Donneur", "GE")
    _relation(s1, c1, works, 900)
    _relation(s1, None, works, 100, client_name="Mairie de Test", client_siren="")
    _relation(s2, c1, medical, 500)
    _relation(s3, c1, works, 700)
    return {"s1": s1, "s2": s2, "s3": s3, "c1": c1}


def key(establishment):
    return f"etab:{establishment.pk}"


def test_top_client_share_and_hhi_per_supplier(client, world):
    rows = {row["supplier"]: row for row in client.get(DATA).json()["concentration"]}
    one = rows[key(world["s1"])]
    assert one["top_client"] == key(world["c1"])
    assert one["top_share"] == pytest.approx(0.9)
    assert one["hhi"] == pytest.approx(0.82)
    assert one["basis"] == "volume"
    html = client.get(PAGE).content.decode()
    assert "90\u00a0%" in html and f">{number(8200, decimals=0)}<" in html  # « 8 200 »


def test_single_source_dependencies_are_listed(client, world):
    rows = client.get(DATA).json()["single_source"]
    pairs = {(row["client"], row["category"], row["supplier"]) for row in rows}
    assert pairs == {
        (key(world["c1"]), "33000000", key(world["s2"])),
        ("nom:mairie de test", "45210000", key(world["s1"])),
    }
    html = client.get(PAGE).content.decode()
    assert "Matériel médical" in html.split('id="sg-single-source"')[1]


def test_articulation_points_and_betweenness_rank_critical_nodes(client, world):
    rows = {row["key"]: row for row in client.get(DATA).json()["critical_nodes"]}
    assert rows[key(world["c1"])]["articulation_point"]
    assert rows[key(world["s1"])]["articulation_point"]
    assert not rows[key(world["s2"])]["articulation_point"]
    assert rows[key(world["c1"])]["betweenness"] > rows[key(world["s1"])]["betweenness"] > 0


def test_sme_large_links_are_flagged_critical_when_they_are_cut_edges(client, world):
    html = client.get(PAGE).content.decode()
    table = html.split('id="sg-links"')[1].split("</table>")[0]
    assert "Sous-traitant Deux" in table and "Sous-traitant Un" in table and "Groupe Trois" not in table
    assert table.count(">oui<") == 2  # both SMEs hang on the large group by one relation


def test_category_filter_keeps_the_category_and_its_descendants(client, world):
    data = client.get(DATA, {"categorie": "33000000"}).json()
    assert {(link["source"], link["target"]) for link in data["links"]} == {
        (key(world["s2"]), key(world["c1"]))
    }
    html = client.get(PAGE, {"categorie": "45210000"}).content.decode()
    assert "Sous-traitant Deux" not in html and "Groupe Trois" in html


def test_territory_filter_keeps_relations_with_an_end_in_the_department(client, world):
    data = client.get(DATA, {"territoire": "68"}).json()
    assert {node["id"] for node in data["nodes"]} == {key(world["s2"]), key(world["c1"])}


def test_filter_values_not_among_visible_relations_are_refused(client, world):
    response = client.get(PAGE, {"categorie": "99999999", "territoire": "2A"})
    assert response.status_code == 200
    assert response.content.decode().count('class="field-error"') == 2
    assert client.get(DATA, {"categorie": "99999999"}).status_code == 400


def test_htmx_request_gets_the_results_partial(client, world):
    response = client.get(PAGE, {"territoire": "68"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'data-relations="1"' in html


def test_empty_graph_says_so(client, db):
    html = client.get(PAGE).content.decode()
    assert "Aucune relation visible avec ces filtres." in html
    assert "0 relation" not in html and "0 entreprise" not in html  # zero said in words (issue 14)
    assert client.get(DATA).json()["nodes"] == []


def test_layout_is_deterministic_and_inside_the_drawing(client, world):
    first, second = client.get(DATA).json(), client.get(DATA).json()
    positions = [(node["x"], node["y"]) for node in first["nodes"]]
    assert positions == [(node["x"], node["y"]) for node in second["nodes"]]
    assert all(0 <= x <= queries.WIDTH and 0 <= y <= queries.HEIGHT for x, y in positions)
    assert len(set(positions)) == len(positions)


def test_large_graph_draws_the_most_connected_nodes_and_says_so(client, world, monkeypatch):
    monkeypatch.setattr(queries, "MAX_DRAWN", 2)
    html = client.get(PAGE).content.decode()
    assert html.count('class="sg-node ') == 2
    assert "les plus reliées sur 5" in html
    # The tables still count every node.
    assert 'data-nodes="5"' in html
    data = client.get(DATA).json()
    assert data["truncated"] and sum(node["x"] is not None for node in data["nodes"]) == 2


@pytest.mark.parametrize("extra", [0, 12])
def test_queries_do_not_grow_with_relations(client, world, extra, django_assert_max_num_queries):
    buyer = world["c1"]
    for n in range(extra):
        _relation(_company(f"Atelier {n}", "PME"), buyer, None, 10 + n)
    # Session-less visitor: the choices' query and the graph's query, whatever the size.
    with django_assert_max_num_queries(4):
        assert client.get(PAGE).status_code == 200
