"""The supply graph a user may see: visible relations → ``SupplyGraph`` → analytics and layout.

Confidentiality is decided once, by ``relations_visible`` (maillage/relations/selectors.py):
this module only turns the rows it returns into the graph engine's records. Every level of
those rows is passed to the engine as allowed, since the rows are already the viewer's; the
optional level filter narrows further. An edge's volume is the exact amount when the viewer
may see it (``amount_visible``), else the range of its declared band, else unknown.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import igraph
import numpy as np
from django.db.models import Q

from maillage.engine.graph import (
    LARGE,
    LEVELS,
    SME,
    GraphEdge,
    GraphNode,
    GraphReport,
    SupplyGraph,
    analyse,
    category_matches,
)
from maillage.relations.models import Confidentiality, SupplyRelation, VolumeBand
from maillage.relations.selectors import displayed_amount, relations_visible

# Annual volume bands as ranges in euros (the upper bound of the last one is open).
BAND_RANGES = {
    VolumeBand.UNDER_10K: (0.0, 10_000.0),
    VolumeBand.FROM_10K: (10_000.0, 50_000.0),
    VolumeBand.FROM_50K: (50_000.0, 200_000.0),
    VolumeBand.FROM_200K: (200_000.0, 1_000_000.0),
    VolumeBand.FROM_1M: (1_000_000.0, 5_000_000.0),
    VolumeBand.OVER_5M: (5_000_000.0, math.inf),
}
# ETI count with large groups: the programmes ask for SME ties with "grands donneurs d'ordres".
SIZE_OF = {"PME": SME, "ETI": LARGE, "GE": LARGE}
# Drawing: beyond this many nodes only the most connected are drawn (tables keep them all).
MAX_DRAWN = 250
WIDTH, HEIGHT, MARGIN = 1000.0, 640.0, 30.0
# Betweenness on a page: exact on every real graph so far; a bound on the wait otherwise.
TIME_BUDGET = 3.0


@dataclass(frozen=True)
class EdgeRow:
    """One visible relation as the table view shows it."""

    pk: int
    supplier: str  # node key
    client: str
    supplier_label: str
    client_label: str
    category: str | None
    category_label: str
    confidentiality: str
    confidentiality_label: str
    band_label: str
    amount: object  # Decimal or None: None unless the viewer may see it


@dataclass
class VisibleGraph:
    graph: SupplyGraph
    edges: list[EdgeRow]
    links: dict[str, str] = field(default_factory=dict)  # node key → establishment SIRET
    category_labels: dict[str, str] = field(default_factory=dict)
    report: GraphReport | None = None

    def name(self, key: str) -> str:
        return self.graph.names[self.graph.index[key]]


@dataclass(frozen=True)
class FilterChoices:
    """What the filters may offer: only values present among the viewer's visible relations."""

    categories: list[tuple[str, str]]
    territories: list[tuple[str, str]]
    levels: list[tuple[str, str]]


def _supplier_node(relation: SupplyRelation) -> GraphNode:
    if relation.supplier_id:
        return _establishment_node(relation.supplier)
    commune = relation.supplier_commune
    if relation.supplier_siret:
        key = f"siret:{relation.supplier_siret}"
    elif relation.supplier_identifier:
        key = f"id:{relation.supplier_identifier}"
    else:
        key = f"nom:{relation.supplier_name.casefold()}"
    return GraphNode(
        key=key, name=relation.supplier_label, territory=commune.department_id if commune else None
    )


def _client_node(relation: SupplyRelation) -> GraphNode:
    if relation.client_id:
        return _establishment_node(relation.client)
    if relation.client_siren:
        key = f"siren:{relation.client_siren}"
    elif relation.client_siret:
        key = f"siret:{relation.client_siret}"
    else:
        key = f"nom:{relation.client_name.casefold()}"
    return GraphNode(key=key, name=relation.client_label)


def _establishment_node(establishment) -> GraphNode:
    commune = establishment.commune
    return GraphNode(
        key=f"etab:{establishment.pk}",
        name=establishment.display_name,
        size=SIZE_OF.get(establishment.organisation.size_category),
        territory=commune.department_id if commune else None,
    )


def _category(relation: SupplyRelation) -> str | None:
    if relation.category_node_id:
        return relation.category_node.code
    return relation.cpv_id or None


def _volume(relation: SupplyRelation, amount) -> tuple[float | None, float | None]:
    if amount is not None:
        return float(amount), float(amount)
    return BAND_RANGES.get(relation.volume_band, (None, None))


def _rows(user):
    return (
        relations_visible(user)
        .select_related("supplier__commune", "client__commune", "supplier_commune")
        .order_by("pk")
    )


def filter_choices(user) -> FilterChoices:
    """Categories, departments and levels found among the relations ``user`` may see."""
    categories: dict[str, str] = {}
    territories: dict[str, str] = {}
    levels: set[str] = set()
    for relation in _rows(user).select_related(
        "supplier__commune__department", "client__commune__department"
    ):
        code = _category(relation)
        if code:
            categories.setdefault(code, relation.category_label)
        levels.add(relation.confidentiality)
        for commune in (
            relation.supplier.commune if relation.supplier_id else relation.supplier_commune,
            relation.client.commune if relation.client_id else None,
        ):
            if commune is not None and commune.department_id:
                territories.setdefault(commune.department_id, commune.department.name)
    return FilterChoices(
        categories=sorted(
            ((code, f"{label} ({code})") for code, label in categories.items()), key=lambda c: c[1]
        ),
        territories=sorted((code, f"{name} ({code})") for code, name in territories.items()),
        levels=[(level, Confidentiality(level).label) for level in LEVELS if level in levels],
    )


def visible_graph(
    user, *, category: str | None = None, territory: str | None = None, level: str | None = None
) -> VisibleGraph:
    """The graph of the relations ``user`` may see, narrowed by category, department and level.

    Territory keeps a relation when either end lies in the department (``territory_mode="any"``
    of the engine's filter). Category keeps the code and its descendants (taxonomy segments,
    CPV prefixes), as ``visible_subgraph`` does.
    """
    relations = _rows(user)
    if level:
        relations = relations.filter(confidentiality=level)
    if territory:
        relations = relations.filter(
            Q(supplier__commune__department_id=territory)
            | Q(supplier_commune__department_id=territory)
            | Q(client__commune__department_id=territory)
        )
    nodes: dict[str, GraphNode] = {}
    links: dict[str, str] = {}
    edges: list[GraphEdge] = []
    rows: list[EdgeRow] = []
    labels: dict[str, str] = {}
    for relation in relations:
        code = _category(relation)
        if category and not (code and category_matches(code, category)):
            continue
        supplier, client = _supplier_node(relation), _client_node(relation)
        for node, establishment in ((supplier, relation.supplier), (client, relation.client)):
            nodes.setdefault(node.key, node)
            if establishment is not None:
                links[node.key] = establishment.siret
        amount = displayed_amount(relation)
        low, high = _volume(relation, amount)
        edges.append(
            GraphEdge(
                supplier=supplier.key,
                client=client.key,
                category=code,
                volume_min=low,
                volume_max=high,
                confidentiality=relation.confidentiality,
            )
        )
        if code:
            labels.setdefault(code, relation.category_label)
        rows.append(
            EdgeRow(
                pk=relation.pk,
                supplier=supplier.key,
                client=client.key,
                supplier_label=supplier.name,
                client_label=client.name,
                category=code,
                category_label=relation.category_label,
                confidentiality=relation.confidentiality,
                confidentiality_label=relation.get_confidentiality_display(),
                band_label=relation.get_volume_band_display() if relation.volume_band else "",
                amount=amount,
            )
        )
    graph = SupplyGraph.build(nodes.values(), edges)
    return VisibleGraph(graph=graph, edges=rows, links=links, category_labels=labels)


def analysed(seen: VisibleGraph) -> VisibleGraph:
    # Figures come from the visible graph only: hidden relations must not shape what is shown.
    if seen.graph.n_edges:
        seen.report = analyse(seen.graph, time_budget=TIME_BUDGET)
    return seen


def drawn_nodes(graph: SupplyGraph, limit: int | None = None) -> np.ndarray:
    """Indices of the nodes to draw: all, or the ``limit`` (MAX_DRAWN) with the most partners."""
    limit = MAX_DRAWN if limit is None else limit
    if graph.n_nodes <= limit:
        return np.arange(graph.n_nodes)
    degree = np.bincount(graph.pairs.ravel(), minlength=graph.n_nodes)
    return np.sort(np.lexsort((np.arange(graph.n_nodes), -degree))[:limit])


def layout(graph: SupplyGraph, keep: np.ndarray) -> np.ndarray:
    """Force-directed positions (Fruchterman–Reingold, igraph) scaled into the drawing's box.

    Deterministic: the force layout starts from a circle instead of igraph's random start, so
    the same graph is drawn the same way on every request and in tests.
    """
    n = int(keep.shape[0])
    if n == 0:
        return np.zeros((0, 2))
    sub = graph.igraph.induced_subgraph(keep.tolist())
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    start = np.stack([np.cos(angle), np.sin(angle)], axis=1) * math.sqrt(n)
    if n == 1:
        points = np.zeros((1, 2))
    else:
        # igraph's layout still draws random numbers: a seeded generator for the call only.
        igraph.set_random_number_generator(random.Random(0))
        try:
            points = np.asarray(sub.layout_fruchterman_reingold(seed=start.tolist(), niter=300).coords)
        finally:
            igraph.set_random_number_generator(random)
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    box = np.array([WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN])
    scaled = (points - low) / span * box + MARGIN
    centred = np.where(high - low > 0, scaled, np.array([WIDTH / 2, HEIGHT / 2]))
    return np.round(centred, 1)
