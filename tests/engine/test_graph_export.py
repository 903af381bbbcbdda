"""JSON-ready views of a graph and its report."""

import json
import math

from maillage.engine.graph import (
    LARGE,
    NETWORK,
    SME,
    GraphEdge,
    GraphNode,
    SupplyGraph,
    analyse,
    critical_nodes,
    node_link_data,
    sme_component_rows,
)


def small_graph():
    sizes = {"S1": SME, "S2": SME, "S3": SME, "L1": LARGE, "U": None}
    nodes = [GraphNode(k, f"Nom {k}", size=v, territory="67") for k, v in sizes.items()]
    edges = [
        GraphEdge("S1", "L1", "45000000", 100, 100),
        GraphEdge("S2", "S1", "45000000", 10, math.inf, NETWORK),
        GraphEdge("S3", "U"),
        GraphEdge("U", "L1", "79100000"),
    ]
    return SupplyGraph.build(nodes, edges)


def test_node_link_data_is_strict_json_with_report_fields():
    graph = small_graph()
    data = node_link_data(graph, analyse(graph))
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["nodes"][0] == {
        "id": "S1",
        "name": "Nom S1",
        "size": "sme",
        "territory": "67",
        "category": None,
        "betweenness": data["nodes"][0]["betweenness"],
        "articulation_point": True,
    }
    link = data["links"][1]
    assert link == {
        "source": "S2",
        "target": "S1",
        "category": "45000000",
        "volume_min": 10.0,
        "volume_max": None,
        "confidentiality": "network",
    }
    assert data["links"][2]["category"] is None and data["links"][2]["volume_min"] is None


def test_critical_nodes_rank_by_betweenness():
    graph = small_graph()
    rows = critical_nodes(graph, analyse(graph), limit=3)
    # Path S2 – S1 – L1 – U – S3: the middle node carries most shortest paths.
    assert [row["key"] for row in rows] == ["L1", "S1", "U"]
    assert rows[0]["articulation_point"] and rows[0]["partners"] == 2


def test_sme_component_rows_largest_first():
    graph = small_graph()
    rows = sme_component_rows(graph, analyse(graph))
    assert rows == [
        {
            "members": ["S1", "S2"],
            "gateways": 1,
            "large_partners": 1,
            "links": 1,
            "distance": 1,
            "fragile": True,
        },
        {"members": ["S3"], "gateways": 0, "large_partners": 0, "links": 0, "distance": 2, "fragile": False},
    ]
