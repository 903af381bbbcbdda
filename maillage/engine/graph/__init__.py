"""Supply-graph analytics: pure Python + numpy + igraph, no Django (see docs/graph.md).

graph = SupplyGraph.build(nodes, edges)            # GraphNode, GraphEdge records
seen = visible_subgraph(graph, allowed_levels={"public", "network"})
report = analyse(seen)                             # every analytic, with timings
"""

from maillage.engine.graph.analyse import GraphReport, analyse
from maillage.engine.graph.concentration import (
    Concentration,
    SingleSource,
    client_concentration,
    single_source_dependencies,
    volume_estimates,
)
from maillage.engine.graph.errors import ChainFileError, GraphInputError
from maillage.engine.graph.export import critical_nodes, node_link_data, sme_component_rows
from maillage.engine.graph.filters import category_matches, visible_subgraph
from maillage.engine.graph.model import (
    ANIMATORS,
    LARGE,
    LEVELS,
    NETWORK,
    PARTIES,
    PUBLIC,
    SME,
    GraphEdge,
    GraphNode,
    SupplyGraph,
)
from maillage.engine.graph.structure import (
    Betweenness,
    SmeLargeBridges,
    articulation_points,
    betweenness,
    cut_edges,
    samples_for,
    sampling_epsilon,
    sme_large_bridges,
)

__all__ = [
    "ANIMATORS",
    "LARGE",
    "LEVELS",
    "NETWORK",
    "PARTIES",
    "PUBLIC",
    "SME",
    "Betweenness",
    "ChainFileError",
    "Concentration",
    "GraphEdge",
    "GraphInputError",
    "GraphNode",
    "GraphReport",
    "SingleSource",
    "SmeLargeBridges",
    "SupplyGraph",
    "analyse",
    "articulation_points",
    "betweenness",
    "category_matches",
    "client_concentration",
    "critical_nodes",
    "cut_edges",
    "node_link_data",
    "sampling_epsilon",
    "samples_for",
    "single_source_dependencies",
    "sme_component_rows",
    "sme_large_bridges",
    "visible_subgraph",
    "volume_estimates",
]
