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
    """Hoeffding bound (union over the n nodes) for ``samples`` i.i.d. source draws (docs/graph.md)."""
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

    Leaves (degree-1 nodes) are folded into their neighbour first (``_leaf_folding``): their
    share is then exact, and Brandes runs only from the other nodes. Sampled: sources are
    drawn with replacement with probability proportional to their folded weight, and the
    sum of their dependencies is scaled by total weight / draws, which is unbiased. With
    ``time_budget`` (seconds), draws are processed by batches and sampling stops before the
    budget would be exceeded (at least one batch runs); ``samples`` and ``epsilon`` report
    the draws actually made.
    """
    g = graph.igraph
    n, m = g.vcount(), g.ecount()
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    weight, raw = _leaf_folding(graph)
    exact = n * m <= exact_work or samples >= n or not weight.any()
    if exact:
        for w in np.unique(weight[weight > 0]).tolist():
            raw += w * _subset(g, np.flatnonzero(weight == w))
        return Betweenness(raw * scale, True, n, 0.0, delta)
    total = weight.sum()
    draws = np.random.default_rng(seed).choice(n, size=samples, replace=True, p=weight / total)
    batch = samples if time_budget is None else BUDGET_BATCH
    sampled = np.zeros(n, dtype=np.float64)
    start = time.perf_counter()
    used = 0
    while used < samples:
        sources, counts = np.unique(draws[used : used + batch], return_counts=True)
        for c in np.unique(counts).tolist():
            sampled += c * _subset(g, sources[counts == c])
        used = min(used + batch, samples)
        if time_budget is not None and (time.perf_counter() - start) * (used + batch) / used > time_budget:
            break
    raw += sampled * (total / used)
    return Betweenness(raw * scale, False, used, sampling_epsilon(n, used, delta), delta)


def _subset(g, sources: np.ndarray) -> np.ndarray:
    """Half the summed dependencies of ``sources`` (igraph halves undirected subset betweenness)."""
    return np.asarray(g.betweenness(directed=False, sources=sources.tolist()), dtype=np.float64)


def _leaf_folding(graph: SupplyGraph) -> tuple[np.ndarray, np.ndarray]:
    """Source weights and the exact share of leaves, for Brandes from non-leaf sources only.

    A leaf ℓ (degree 1) hanging on v sees every other node through v, so its dependencies
    equal v's except on v itself, which lies on all of ℓ's |component| − 2 paths. Hence
    Σₛ δₛ = Σ_{v not a leaf} (1 + leaves of v)·δᵥ + Σ_ℓ (|component| − 2)·[on ℓ's neighbour].
    Returns those weights (0 for leaves, isolated nodes and lone pairs, which depend on
    nobody) and half the last term (undirected pairs are counted once). Most DECP suppliers
    and a third of the largest Willems chain are leaves; results are checked against networkx.
    """
    n = graph.n_nodes
    pairs = graph.pairs
    degree = np.bincount(pairs.ravel(), minlength=n)
    a, b = pairs[:, 0], pairs[:, 1]
    leaf_a = (degree[a] == 1) & (degree[b] > 1)
    leaf_b = (degree[b] == 1) & (degree[a] > 1)
    parents = np.concatenate([b[leaf_a], a[leaf_b]])
    weight = np.ones(n, dtype=np.int64)
    weight[degree <= 1] = 0
    np.add.at(weight, parents, 1)
    leaf_share = np.zeros(n, dtype=np.float64)
    if parents.shape[0]:
        membership = np.asarray(graph.igraph.connected_components().membership, dtype=np.int64)
        size = np.bincount(membership)
        leaf_share = 0.5 * np.bincount(parents, weights=size[membership[parents]] - 2.0, minlength=n)
    return weight, leaf_share


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
