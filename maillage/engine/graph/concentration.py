"""Client concentration per supplier and single-source dependencies per client.

Volume rule (docs/graph.md, "Missing volumes and ranges"): an edge's volume estimate is the
midpoint of its range, or its lower bound when the range is open-ended. A supplier's edges
with no volume take the median estimate of its edges that have one; a supplier with no
known volume at all is measured on relation counts (each edge weighs 1). ``basis`` says
which case applies and ``coverage`` the share of edges whose volume was known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maillage.engine.graph.model import SupplyGraph

BASIS_VOLUME = 0  # every edge of the supplier had a volume
BASIS_IMPUTED = 1  # some volumes were imputed with the supplier's median
BASIS_COUNT = 2  # no volume known: shares of relation counts
BASES = ("volume", "imputed", "count")


def volume_estimates(graph: SupplyGraph) -> np.ndarray:
    """Per edge: range midpoint, lower bound of an open range, NaN when unknown."""
    low, high = graph.volume_min, graph.volume_max
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(high), low, (low + high) / 2)


def _group_medians(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Median of ``values`` per group id (NaN for an empty group), without a Python loop."""
    order = np.lexsort((values, groups))
    groups, values = groups[order], values[order]
    counts = np.bincount(groups, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    medians = np.full(n_groups, np.nan)
    has = counts > 0
    lower = starts[has] + (counts[has] - 1) // 2
    upper = starts[has] + counts[has] // 2
    medians[has] = (values[lower] + values[upper]) / 2
    return medians


@dataclass(frozen=True)
class Concentration:
    """One row per supplier (node with at least one client), arrays aligned on ``supplier``."""

    supplier: np.ndarray  # node index
    n_clients: np.ndarray  # distinct clients
    total_volume: np.ndarray  # sum of estimates (relation count when basis is "count")
    top_client: np.ndarray  # node index of the client with the largest share
    top_share: np.ndarray  # that client's share of the supplier's volume, in (0, 1]
    hhi: np.ndarray  # Herfindahl–Hirschman index of client shares, in [1/n_clients, 1]
    basis: np.ndarray  # int8 index into BASES
    coverage: np.ndarray  # share of the supplier's edges whose volume was known

    def rows(self, graph: SupplyGraph) -> list[dict]:
        return [
            {
                "supplier": graph.keys[s],
                "n_clients": int(n),
                "total_volume": float(total),
                "top_client": graph.keys[top],
                "top_share": float(share),
                "hhi": float(hhi),
                "basis": BASES[basis],
                "coverage": float(coverage),
            }
            for s, n, total, top, share, hhi, basis, coverage in zip(
                self.supplier,
                self.n_clients,
                self.total_volume,
                self.top_client,
                self.top_share,
                self.hhi,
                self.basis,
                self.coverage,
                strict=True,
            )
        ]


def client_concentration(graph: SupplyGraph) -> Concentration:
    """Share of its top client and HHI of client shares, for every supplier."""
    n = graph.n_nodes
    src, dst = graph.src.astype(np.int64), graph.dst.astype(np.int64)
    estimate = volume_estimates(graph)
    known = np.isfinite(estimate)
    edges_per_node = np.bincount(src, minlength=n)
    known_per_node = np.bincount(src[known], minlength=n)
    known_total = np.bincount(src[known], weights=estimate[known], minlength=n)
    medians = _group_medians(src[known], estimate[known], n)
    # A supplier whose known volumes are all zero cannot share anything out: count basis too.
    by_count = (known_per_node == 0) | (known_total <= 0)
    weight = np.where(known, estimate, medians[src])
    weight = np.where(by_count[src], 1.0, weight)

    pair_key, inverse = np.unique(src * n + dst, return_inverse=True)
    pair_volume = np.bincount(inverse, weights=weight)
    pair_src = pair_key // n
    pair_dst = pair_key % n
    suppliers = np.flatnonzero(edges_per_node)
    total = np.bincount(pair_src, weights=pair_volume, minlength=n)
    share = pair_volume / total[pair_src]
    hhi = np.bincount(pair_src, weights=share * share, minlength=n)
    n_clients = np.bincount(pair_src, minlength=n)
    # Pairs are sorted by supplier: the last pair of each supplier after sorting by share wins.
    order = np.lexsort((-pair_dst, share, pair_src))
    last = np.cumsum(n_clients[suppliers]) - 1
    top_pair = order[last]

    basis = np.where(
        by_count, BASIS_COUNT, np.where(known_per_node == edges_per_node, BASIS_VOLUME, BASIS_IMPUTED)
    ).astype(np.int8)
    return Concentration(
        supplier=suppliers,
        n_clients=n_clients[suppliers],
        total_volume=total[suppliers],
        top_client=pair_dst[top_pair],
        top_share=share[top_pair],
        hhi=hhi[suppliers],
        basis=basis[suppliers],
        coverage=known_per_node[suppliers] / edges_per_node[suppliers],
    )


@dataclass(frozen=True)
class SingleSource:
    """(client, category) pairs bought from exactly one supplier; arrays aligned."""

    client: np.ndarray  # node index
    category: np.ndarray  # index into graph.categories
    supplier: np.ndarray  # node index of the only supplier
    volume: np.ndarray  # sum of the volume estimates of those edges (NaN when none known)

    def rows(self, graph: SupplyGraph) -> list[dict]:
        return [
            {
                "client": graph.keys[c],
                "category": graph.categories[k],
                "supplier": graph.keys[s],
                "volume": None if np.isnan(v) else float(v),
            }
            for c, k, s, v in zip(self.client, self.category, self.supplier, self.volume, strict=True)
        ]


def single_source_dependencies(graph: SupplyGraph) -> SingleSource:
    """A client depends on a single source for a category when exactly one supplier sells it.

    Edges without a category are left out: they cannot show what the client would lose.
    """
    has_category = graph.edge_category >= 0
    n, n_cat = graph.n_nodes, max(len(graph.categories), 1)
    client = graph.dst[has_category].astype(np.int64)
    category = graph.edge_category[has_category].astype(np.int64)
    supplier = graph.src[has_category].astype(np.int64)
    estimate = volume_estimates(graph)[has_category]
    need = client * n_cat + category
    triple, inverse = np.unique(need * n + supplier, return_inverse=True)
    volume = np.bincount(inverse, weights=np.nan_to_num(estimate), minlength=triple.shape[0]).astype(
        np.float64
    )
    any_known = np.bincount(inverse, weights=np.isfinite(estimate), minlength=triple.shape[0]) > 0
    volume[~any_known] = np.nan
    triple_need = triple // n
    needs, first, counts = np.unique(triple_need, return_index=True, return_counts=True)
    single = first[counts == 1]
    return SingleSource(
        client=triple_need[single] // n_cat,
        category=triple_need[single] % n_cat,
        supplier=triple[single] % n,
        volume=volume[single],
    )
