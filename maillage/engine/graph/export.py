"""Plain, JSON-ready views of a graph and its report, for pages, exports and the API."""

from __future__ import annotations

import math

import numpy as np

from maillage.engine.graph.analyse import GraphReport
from maillage.engine.graph.model import LEVELS, SIZES, SupplyGraph


def _number(value: float) -> float | None:
    return None if math.isnan(value) else (None if math.isinf(value) else float(value))


def node_link_data(graph: SupplyGraph, report: GraphReport | None = None) -> dict:
    """``{"nodes": [...], "links": [...]}`` (networkx's node-link layout) for a browser graph view.

    Nodes carry their attributes and, with a report, betweenness and articulation flags;
    links carry category, volume bounds (None when unknown; an open range's upper bound is
    None too) and confidentiality. Filter with visible_subgraph first: this shows everything.
    """
    critical = np.zeros(graph.n_nodes, dtype=bool)
    if report is not None:
        critical[report.articulation_points] = True
    nodes = []
    for i, key in enumerate(graph.keys):
        node = {
            "id": key,
            "name": graph.names[i],
            "size": SIZES[graph.node_size[i]],
            "territory": graph.node_territory[i],
            "category": graph.node_category[i],
        }
        if report is not None:
            node["betweenness"] = float(report.betweenness.values[i])
            node["articulation_point"] = bool(critical[i])
        nodes.append(node)
    links = [
        {
            "source": graph.keys[s],
            "target": graph.keys[d],
            "category": graph.categories[c] if c >= 0 else None,
            "volume_min": _number(low),
            "volume_max": _number(high),
            "confidentiality": LEVELS[level],
        }
        for s, d, c, low, high, level in zip(
            graph.src.tolist(),
            graph.dst.tolist(),
            graph.edge_category.tolist(),
            graph.volume_min.tolist(),
            graph.volume_max.tolist(),
            graph.level.tolist(),
            strict=True,
        )
    ]
    return {"directed": True, "multigraph": True, "nodes": nodes, "links": links}


def critical_nodes(graph: SupplyGraph, report: GraphReport, limit: int = 50) -> list[dict]:
    """Nodes ranked by betweenness, articulation points first among equals."""
    critical = np.zeros(graph.n_nodes, dtype=bool)
    critical[report.articulation_points] = True
    values = report.betweenness.values
    order = np.lexsort((np.arange(graph.n_nodes), ~critical, -values))[:limit]
    degree = np.bincount(graph.pairs.ravel(), minlength=graph.n_nodes)
    return [
        {
            "key": graph.keys[i],
            "name": graph.names[i],
            "betweenness": float(values[i]),
            "articulation_point": bool(critical[i]),
            "partners": int(degree[i]),
        }
        for i in order.tolist()
    ]


def sme_component_rows(graph: SupplyGraph, report: GraphReport, limit: int = 50) -> list[dict]:
    """SME components, the largest first: members, gateways, partners, links, distance, fragility."""
    bridges = report.bridges
    order = np.lexsort((np.arange(bridges.size.shape[0]), -bridges.size))[:limit]
    return [
        {
            "members": [graph.keys[i] for i in bridges.members(c).tolist()],
            "gateways": int(bridges.gateways[c]),
            "large_partners": int(bridges.large_partners[c]),
            "links": int(bridges.n_links[c]),
            "distance": None if math.isinf(bridges.distance[c]) else int(bridges.distance[c]),
            "fragile": bool(bridges.fragile[c]),
        }
        for c in order.tolist()
    ]
