"""The supply graph: suppliers and clients as nodes, "supplier → client" relations as edges.

Plain records go in (``GraphNode``, ``GraphEdge``), numpy arrays come out, so that every
analytic is a vectorised pass over arrays and the same graph can be handed to igraph once
(``SupplyGraph.undirected()``) for the structural metrics.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from maillage.engine.graph.errors import GraphInputError

SME = "sme"
LARGE = "large"
SIZES = (None, SME, LARGE)  # codes 0, 1, 2 in SupplyGraph.node_size

# Confidentiality levels of a relation, from the widest audience to the narrowest.
PUBLIC = "public"
NETWORK = "network"
ANIMATORS = "animators"
PARTIES = "parties"
LEVELS = (PUBLIC, NETWORK, ANIMATORS, PARTIES)


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A supplier or a client. ``key`` is its identifier (SIRET, SIREN, stage name…)."""

    key: str
    name: str = ""
    size: str | None = None  # SME, LARGE or None when unknown
    territory: str | None = None  # any code the caller filters on (department, EPCI…)
    category: str | None = None  # main activity (taxonomy code, CPV, stage class…)


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """``supplier`` sells ``category`` to ``client`` for an annual volume in [volume_min, volume_max].

    A point value has volume_min == volume_max; an open range ("more than X") has
    volume_max = inf; an unknown volume has both None.
    """

    supplier: str
    client: str
    category: str | None = None
    volume_min: float | None = None
    volume_max: float | None = None
    confidentiality: str = PUBLIC


@dataclass(eq=False)
class SupplyGraph:
    """Columnar supply graph. Edges may repeat a (supplier, client) pair with other categories."""

    keys: list[str]
    names: list[str]
    node_size: np.ndarray  # int8, index into SIZES
    node_territory: list[str | None]
    node_category: list[str | None]
    src: np.ndarray  # int32 supplier index per edge
    dst: np.ndarray  # int32 client index per edge
    edge_category: np.ndarray  # int32 index into `categories`, -1 when unknown
    categories: list[str]
    volume_min: np.ndarray  # float64, NaN when unknown
    volume_max: np.ndarray  # float64, NaN when unknown, inf when open-ended
    level: np.ndarray  # int8 index into LEVELS
    index: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, nodes: Iterable[GraphNode], edges: Iterable[GraphEdge]) -> SupplyGraph:
        """Build from records; an edge naming an unknown node or a bad value raises GraphInputError."""
        keys, names, sizes, territories, node_categories = [], [], [], [], []
        index: dict[str, int] = {}
        for position, node in enumerate(nodes):
            if node.key in index:
                raise GraphInputError(f"nodes[{position}]", "key", f"clé en double « {node.key} »")
            if node.size not in SIZES:
                raise GraphInputError(f"nodes[{position}]", "size", f"taille inconnue « {node.size} »")
            index[node.key] = len(keys)
            keys.append(node.key)
            names.append(node.name)
            sizes.append(SIZES.index(node.size))
            territories.append(node.territory)
            node_categories.append(node.category)
        src, dst, cats, vmin, vmax, levels = [], [], [], [], [], []
        category_index: dict[str, int] = {}
        for position, edge in enumerate(edges):
            where = f"edges[{position}]"
            for name in ("supplier", "client"):
                if getattr(edge, name) not in index:
                    raise GraphInputError(where, name, f"nœud inconnu « {getattr(edge, name)} »")
            if edge.confidentiality not in LEVELS:
                raise GraphInputError(where, "confidentiality", f"niveau inconnu « {edge.confidentiality} »")
            low = math.nan if edge.volume_min is None else float(edge.volume_min)
            high = math.nan if edge.volume_max is None else float(edge.volume_max)
            if low < 0 or high < 0 or low > high:
                raise GraphInputError(where, "volume", f"intervalle invalide [{low}, {high}]")
            src.append(index[edge.supplier])
            dst.append(index[edge.client])
            if edge.category is None:
                cats.append(-1)
            else:
                cats.append(category_index.setdefault(edge.category, len(category_index)))
            vmin.append(low)
            vmax.append(high)
            levels.append(LEVELS.index(edge.confidentiality))
        return cls(
            keys=keys,
            names=names,
            node_size=np.asarray(sizes, dtype=np.int8),
            node_territory=territories,
            node_category=node_categories,
            src=np.asarray(src, dtype=np.int32),
            dst=np.asarray(dst, dtype=np.int32),
            edge_category=np.asarray(cats, dtype=np.int32),
            categories=list(category_index),
            volume_min=np.asarray(vmin, dtype=np.float64),
            volume_max=np.asarray(vmax, dtype=np.float64),
            level=np.asarray(levels, dtype=np.int8),
            index=index,
        )

    @classmethod
    def from_arrays(
        cls,
        keys: list[str],
        src: np.ndarray,
        dst: np.ndarray,
        *,
        categories: list[str] | None = None,
        edge_category: np.ndarray | None = None,
        volume_min: np.ndarray | None = None,
        volume_max: np.ndarray | None = None,
        level: np.ndarray | None = None,
        node_size: np.ndarray | None = None,
        names: list[str] | None = None,
        node_territory: list[str | None] | None = None,
        node_category: list[str | None] | None = None,
    ) -> SupplyGraph:
        """Bulk constructor from columns (a database query, a generator); indices are checked."""
        n, m = len(keys), int(np.asarray(src).shape[0])
        src = np.asarray(src, dtype=np.int32)
        dst = np.asarray(dst, dtype=np.int32)
        for name, column in (("src", src), ("dst", dst)):
            if column.shape != (m,) or (m and (column.min() < 0 or column.max() >= n)):
                raise GraphInputError("from_arrays", name, f"indices hors de [0, {n}) ou longueur ≠ {m}")
        categories = list(categories or [])
        edge_category = (
            np.full(m, -1, np.int32) if edge_category is None else np.asarray(edge_category, np.int32)
        )
        if m and (edge_category.min() < -1 or edge_category.max() >= len(categories)):
            raise GraphInputError("from_arrays", "edge_category", "indice de catégorie hors limites")
        nan = np.full(m, np.nan)
        volume_min = nan if volume_min is None else np.asarray(volume_min, dtype=np.float64)
        volume_max = volume_min.copy() if volume_max is None else np.asarray(volume_max, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            if (volume_min < 0).any() or (volume_min > volume_max).any():
                raise GraphInputError("from_arrays", "volume", "intervalle négatif ou inversé")
        return cls(
            keys=list(keys),
            names=list(names) if names is not None else list(keys),
            node_size=np.zeros(n, np.int8) if node_size is None else np.asarray(node_size, np.int8),
            node_territory=list(node_territory) if node_territory is not None else [None] * n,
            node_category=list(node_category) if node_category is not None else [None] * n,
            src=src,
            dst=dst,
            edge_category=edge_category,
            categories=categories,
            volume_min=volume_min,
            volume_max=volume_max,
            level=np.zeros(m, np.int8) if level is None else np.asarray(level, np.int8),
            index={key: i for i, key in enumerate(keys)},
        )

    @property
    def n_nodes(self) -> int:
        return len(self.keys)

    @property
    def n_edges(self) -> int:
        return int(self.src.shape[0])

    def edge_subgraph(self, keep: np.ndarray) -> SupplyGraph:
        """The graph made of the edges where ``keep`` is true and of the nodes they touch."""
        keep = np.asarray(keep, dtype=bool)
        used = np.zeros(self.n_nodes, dtype=bool)
        used[self.src[keep]] = True
        used[self.dst[keep]] = True
        old = np.flatnonzero(used)
        renumber = np.full(self.n_nodes, -1, dtype=np.int32)
        renumber[old] = np.arange(old.shape[0], dtype=np.int32)
        keys = [self.keys[i] for i in old]
        return SupplyGraph(
            keys=keys,
            names=[self.names[i] for i in old],
            node_size=self.node_size[old],
            node_territory=[self.node_territory[i] for i in old],
            node_category=[self.node_category[i] for i in old],
            src=renumber[self.src[keep]],
            dst=renumber[self.dst[keep]],
            edge_category=self.edge_category[keep],
            categories=self.categories,
            volume_min=self.volume_min[keep],
            volume_max=self.volume_max[keep],
            level=self.level[keep],
            index={key: i for i, key in enumerate(keys)},
        )

    def category_of(self, edge: int) -> str | None:
        code = int(self.edge_category[edge])
        return None if code < 0 else self.categories[code]

    @cached_property
    def pairs(self) -> np.ndarray:
        """Distinct undirected node pairs (lower index first), self-loops dropped: shape (k, 2)."""
        low = np.minimum(self.src, self.dst)
        high = np.maximum(self.src, self.dst)
        keep = low != high
        packed = np.unique(low[keep].astype(np.int64) * self.n_nodes + high[keep])
        return np.stack([packed // self.n_nodes, packed % self.n_nodes], axis=1)

    @cached_property
    def igraph(self):
        """The simple undirected view as an igraph.Graph (built once, shared by the analytics)."""
        import igraph

        # Nested lists reach igraph's C core about six times faster than a numpy array.
        return igraph.Graph(n=self.n_nodes, edges=self.pairs.tolist(), directed=False)
