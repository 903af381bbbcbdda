"""Structural risk on the undirected view: articulation points, cut edges, betweenness,
and the links between SMEs and large groups (definitions and bounds in docs/graph.md)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from maillage.engine.graph.model import LARGE, SIZES, SME, SupplyGraph

SME_CODE = SIZES.index(SME)
LARGE_CODE = SIZES.index(LARGE)

# Exact Brandes costs O(n·m); above this much work we sample sources (see betweenness()).
EXACT_WORK = 2e8
DEFAULT_SAMPLES = 256
BUDGET_BATCH = 8  # sources per igraph call when sampling against a time budget


def articulation_points(graph: SupplyGraph) -> np.ndarray:
    """Nodes whose removal disconnects part of the graph from the rest (sorted node indices)."""
    return np.asarray(sorted(graph.igraph.articulation_points()), dtype=np.int64)


def cut_edges(graph: SupplyGraph) -> np.ndarray:
    """Undirected node pairs whose link is the only path between two parts: shape (k, 2)."""
    ids = graph.igraph.bridges()
    return graph.pairs[np.asarray(sorted(ids), dtype=np.int64)].reshape(-1, 2)


@dataclass(frozen=True)
class Betweenness:
    """Normalised betweenness (networkx's ``normalized=True`` convention) per node.

    When ``exact`` is false the values are a source-sampling estimate: with probability at
    least 1 − ``delta``, every node's value is within ``epsilon`` of the exact one.
    """

    values: np.ndarray
    exact: bool
    samples: int
    epsilon: float
    delta: float


def sampling_epsilon(n: int, samples: int, delta: float) -> float:
    """Hoeffding bound (union over the n nodes) for ``samples`` sources drawn without replacement."""
    if samples >= n or n < 3:
        return 0.0
    return n / (n - 1) * math.sqrt(math.log(2 * n / delta) / (2 * samples))


def samples_for(n: int, epsilon: float, delta: float) -> int:
    """Sources needed so that sampling_epsilon(n, samples, delta) <= epsilon."""
    t = epsilon * (n - 1) / n
    return min(n, math.ceil(math.log(2 * n / delta) / (2 * t * t)))


def betweenness(
    graph: SupplyGraph,
    *,
    exact_work: float = EXACT_WORK,
    samples: int = DEFAULT_SAMPLES,
    time_budget: float | None = None,
    delta: float = 0.05,
    seed: int = 0,
) -> Betweenness:
    """Betweenness on the undirected simple view: exact when n·m <= exact_work, else sampled.

    The sampled estimate runs Brandes from sources drawn uniformly without replacement and
    scales the sum of their dependencies by n / k, which is unbiased. With ``time_budget``
    (seconds), sources are processed in batches and sampling stops before the budget would
    be exceeded (at least one batch runs): ``samples`` and ``epsilon`` report what was done.
    """
    g = graph.igraph
    n, m = g.vcount(), g.ecount()
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    if n * m <= exact_work or samples >= n:
        return Betweenness(_exact_raw(graph) * scale, True, n, 0.0, delta)
    sources = np.random.default_rng(seed).choice(n, size=samples, replace=False).tolist()
    batch = samples if time_budget is None else BUDGET_BATCH
    raw = np.zeros(n, dtype=np.float64)
    start = time.perf_counter()
    used = 0
    while used < samples:
        chunk = sources[used : used + batch]
        raw += np.asarray(g.betweenness(directed=False, sources=chunk), dtype=np.float64)
        used += len(chunk)
        if time_budget is not None:
            elapsed = time.perf_counter() - start
            if elapsed * (used + batch) / used > time_budget:
                break
    return Betweenness(raw * (n / used) * scale, False, used, sampling_epsilon(n, used, delta), delta)


def _exact_raw(graph: SupplyGraph) -> np.ndarray:
    """Exact unnormalised betweenness, with the sources' leaves folded into their neighbour.

    A leaf ℓ (degree 1) hanging on v sees every other node through v, so its dependencies
    equal v's except on v itself, which lies on all of ℓ's |component| − 2 paths. Running
    Brandes from the non-leaf nodes only, each weighted by 1 + its leaves, and adding that
    term gives the exact values (checked against networkx) at a fraction of the cost when
    many relations are one-off (a third of the largest Willems chain, most DECP suppliers).
    """
    g = graph.igraph
    n = graph.n_nodes
    pairs = graph.pairs
    degree = np.bincount(pairs.ravel(), minlength=n)
    a, b = pairs[:, 0], pairs[:, 1]
    leaf_a = (degree[a] == 1) & (degree[b] > 1)
    leaf_b = (degree[b] == 1) & (degree[a] > 1)
    leaves = np.concatenate([a[leaf_a], b[leaf_b]])
    parents = np.concatenate([b[leaf_a], a[leaf_b]])
    weight = np.ones(n, dtype=np.int64)
    weight[degree <= 1] = 0  # leaves fold into their parent; isolated nodes and lone pairs weigh nothing
    np.add.at(weight, parents, 1)
    raw = np.zeros(n, dtype=np.float64)
    for w in np.unique(weight[weight > 0]).tolist():
        sources = np.flatnonzero(weight == w).tolist()
        raw += w * np.asarray(g.betweenness(directed=False, sources=sources), dtype=np.float64)
    if leaves.shape[0]:
        membership = np.asarray(g.connected_components().membership, dtype=np.int64)
        size = np.bincount(membership)
        raw += 0.5 * np.bincount(parents, weights=size[membership[parents]] - 2.0, minlength=n)
    return raw


@dataclass(frozen=True)
class SmeLargeBridges:
    """Links between SMEs and large groups, and each SME component's access to large groups.

    Component arrays are aligned on the component id held in ``component_of``.
    """

    links: np.ndarray  # (k, 2) undirected pairs (sme node, large node)
    cut_links: np.ndarray  # those links that are also cut edges of the whole graph
    sme_nodes: np.ndarray  # SME node indices
    component_of: np.ndarray  # component id of each entry of sme_nodes
    size: np.ndarray  # SME members per component
    gateways: np.ndarray  # members with a direct link to a large group
    large_partners: np.ndarray  # distinct large groups directly linked to a member
    n_links: np.ndarray  # links leaving the component
    distance: np.ndarray  # hops from the component to the nearest large group (inf: none)

    @property
    def fragile(self) -> np.ndarray:
        """Components whose access to large groups hangs on exactly one link."""
        return self.n_links == 1

    def members(self, component: int) -> np.ndarray:
        return self.sme_nodes[self.component_of == component]


def sme_large_bridges(graph: SupplyGraph) -> SmeLargeBridges:
    """Relations between SMEs and large groups, and how each SME cluster reaches large groups.

    - a *link* is a relation pair with one SME end and one large-group end (either direction);
    - an *SME component* is a connected component of the subgraph induced by the SME nodes;
    - its *distance* is the fewest hops, over any nodes, from one of its members to a large
      group; it is 1 when a member has a link, inf when no large group can be reached;
    - it is *fragile* when it has exactly one link.
    """

    pairs = graph.pairs
    size = graph.node_size
    a, b = pairs[:, 0], pairs[:, 1]
    sa, sb = size[a], size[b]
    is_link = ((sa == SME_CODE) & (sb == LARGE_CODE)) | ((sa == LARGE_CODE) & (sb == SME_CODE))
    sme_end = np.where(sa == SME_CODE, a, b)[is_link]
    large_end = np.where(sa == SME_CODE, b, a)[is_link]
    links = np.stack([sme_end, large_end], axis=1)

    cut = cut_edges(graph)
    n = graph.n_nodes
    cut_keys = np.minimum(cut[:, 0], cut[:, 1]) * n + np.maximum(cut[:, 0], cut[:, 1])
    link_keys = np.minimum(sme_end, large_end) * n + np.maximum(sme_end, large_end)
    cut_links = links[np.isin(link_keys, cut_keys)]

    sme = np.flatnonzero(size == SME_CODE)
    local = np.full(n, -1, dtype=np.int64)
    local[sme] = np.arange(sme.shape[0])
    sme_graph = graph.igraph.induced_subgraph(sme.tolist())  # keeps the order of `sme`
    membership = np.asarray(sme_graph.connected_components().membership, dtype=np.int64)
    n_comp = int(membership.max()) + 1 if membership.shape[0] else 0
    link_component = membership[local[sme_end]]
    gateway_pairs = np.unique(link_component * n + sme_end)
    partner_pairs = np.unique(link_component * n + large_end)
    distance = np.full(n_comp, np.inf)
    np.minimum.at(distance, membership, _distance_to_large(graph)[sme])
    return SmeLargeBridges(
        links=links,
        cut_links=cut_links,
        sme_nodes=sme,
        component_of=membership,
        size=np.bincount(membership, minlength=n_comp),
        gateways=np.bincount(gateway_pairs // n, minlength=n_comp),
        large_partners=np.bincount(partner_pairs // n, minlength=n_comp),
        n_links=np.bincount(link_component, minlength=n_comp),
        distance=distance,
    )


def _distance_to_large(graph: SupplyGraph) -> np.ndarray:
    """Hops from every node to its nearest large-group node (inf when none is reachable)."""

    n = graph.n_nodes
    large = np.flatnonzero(graph.node_size == LARGE_CODE)
    if large.shape[0] == 0:
        return np.full(n, np.inf)
    # One breadth-first search from a virtual node tied to every large group.
    g = graph.igraph.copy()
    g.add_vertices(1)
    g.add_edges([(n, int(node)) for node in large])
    return np.asarray(g.distances(source=[n])[0][:n], dtype=np.float64) - 1
