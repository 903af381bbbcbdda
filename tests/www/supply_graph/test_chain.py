"""The page on a real multi-echelon supply chain (Willems 2008, chain 27: 482 stages, 941 arcs)."""

import numpy as np
import pytest

from maillage.engine.graph import GraphEdge, GraphNode, SupplyGraph, articulation_points
from maillage.engine.graph.willems import read_chain
from maillage.relations.models import RelationSource, RelationStatus, SupplyRelation
from tests.shared_data import shared_path

CHAIN = shared_path("bench", "supply-chains", "willems2008", "raw", "27.csv")
DATA = "/qui-travaille-pour-qui/donnees.json"


@pytest.fixture
def chain(db):
    chain = read_chain(CHAIN)
    # Stages are outside entities named like the source: one public relation per arc.
    SupplyRelation.objects.bulk_create(
        SupplyRelation(
            supplier_name=f"Étape {supplier}",
            client_name=f"Étape {client}",
            source=RelationSource.ANIMATOR,
            confidentiality="public",
            status=RelationStatus.CONFIRMED,
        )
        for supplier, client in chain.arcs
    )
    return chain


def test_chain_is_drawn_truncated_and_analysed_like_the_engine_does(client, chain):
    data = client.get(DATA).json()
    touched = {stage for arc in chain.arcs for stage in arc}
    assert len(data["nodes"]) == len(touched) == 482
    assert len(data["links"]) == len(chain.arcs) == 941
    assert data["truncated"]
    assert sum(node["x"] is not None for node in data["nodes"]) == 250
    # Same articulation points as the engine on the chain read directly.
    direct = SupplyGraph.build(
        [GraphNode(key=f"nom:étape {name}".casefold()) for name in sorted(touched)],
        [
            GraphEdge(supplier=f"nom:étape {s}".casefold(), client=f"nom:étape {c}".casefold())
            for s, c in chain.arcs
        ],
    )
    expected = {direct.keys[i] for i in articulation_points(direct).tolist()}
    assert {node["id"] for node in data["nodes"] if node["articulation_point"]} == expected
    assert expected  # the chain has cut vertices: the comparison is not vacuous
    assert {row["basis"] for row in data["concentration"]} == {"count"}  # no volumes in the source
    hhi = np.array([row["hhi"] for row in data["concentration"]])
    assert ((hhi > 0) & (hhi <= 1)).all()
    assert client.get("/qui-travaille-pour-qui/").status_code == 200
