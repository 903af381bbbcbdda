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
from maillage.relations.models import Confidentiality, VolumeBand, outside_supplier_label
from maillage.relations.selectors import relations_visible
from maillage.taxonomy.labels import localised

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
WIDTH, HEIGHT, MARGIN, LABEL_ROOM = 1000.0, 600.0, 30.0, 170.0
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


FIELDS = (
    "pk",
    "confidentiality",
    "volume_band",
    "amount",
    "amount_visible",
    "category_text",
    "category_node__code",
    "category_node__label_fr",
    "category_node__label_en",
    "cpv_id",
    "cpv__label",
    "supplier_id",
    "supplier__siret",
    "supplier__trade_name",
    "supplier__name",
    "supplier__organisation__name",
    "supplier__organisation__size_category",
    "supplier__commune__department_id",
    "supplier__commune__department__name",
    "supplier_siret",
    "supplier_identifier",
    "supplier_name",
    "supplier_commune__department_id",
    "supplier_commune__department__name",
    "client_id",
    "client__siret",
    "client__trade_name",
    "client__name",
    "client__organisation__name",
    "client__organisation__size_category",
    "client__commune__department_id",
    "client__commune__department__name",
    "client_siren",
    "client_siret",
    "client_name",
    "supplier_name_known",  # annotated by relations_visible: a name from another record
)


def _rows(user) -> list[dict]:
    """The relations ``user`` may see, as plain rows (one query; no model instances: 10× faster)."""
    return list(relations_visible(user).order_by("pk").values(*FIELDS))


def _establishment_node(row: dict, side: str) -> GraphNode:
    return GraphNode(
        key=f"etab:{row[side + '_id']}",
        name=row[f"{side}__trade_name"] or row[f"{side}__name"] or row[f"{side}__organisation__name"],
        size=SIZE_OF.get(row[f"{side}__organisation__size_category"]),
        territory=row[f"{side}__commune__department_id"],
    )


def _supplier_node(row: dict) -> GraphNode:
    if row["supplier_id"]:
        return _establishment_node(row, "supplier")
    if row["supplier_siret"]:
        key = f"siret:{row['supplier_siret']}"
    elif row["supplier_identifier"]:
        key = f"id:{row['supplier_identifier']}"
    else:
        key = f"nom:{row['supplier_name'].casefold()}"
    name = outside_supplier_label(
        row["supplier_name"] or row["supplier_name_known"], row["supplier_siret"], row["supplier_identifier"]
    )
    return GraphNode(key=key, name=name, territory=row["supplier_commune__department_id"])


def _client_node(row: dict) -> GraphNode:
    if row["client_id"]:
        return _establishment_node(row, "client")
    if row["client_siren"]:
        key = f"siren:{row['client_siren']}"
    elif row["client_siret"]:
        key = f"siret:{row['client_siret']}"
    else:
        key = f"nom:{row['client_name'].casefold()}"
    return GraphNode(key=key, name=row["client_name"] or row["client_siret"] or row["client_siren"])


def _category(row: dict) -> tuple[str | None, str]:
    """(code, label): the taxonomy node first, else the CPV code, else the free text (no code)."""
    if row["category_node__code"]:
        return row["category_node__code"], localised(
            row["category_node__label_fr"], row["category_node__label_en"]
        )
    if row["cpv_id"]:
        return row["cpv_id"], row["cpv__label"]
    return None, row["category_text"]


def _volume(row: dict, amount) -> tuple[float | None, float | None]:
    if amount is not None:
        return float(amount), float(amount)
    return BAND_RANGES.get(row["volume_band"], (None, None))


def _departments(row: dict) -> dict[str, str]:
    found = {}
    for prefix in ("supplier__commune__", "supplier_commune__", "client__commune__"):
        code = row[prefix + "department_id"]
        if code:
            found[code] = row[prefix + "department__name"]
    return found


def _choices(rows: list[dict]) -> FilterChoices:
    categories: dict[str, str] = {}
    territories: dict[str, str] = {}
    levels: set[str] = set()
    for row in rows:
        code, label = _category(row)
        if code:
            categories.setdefault(code, label)
        levels.add(row["confidentiality"])
        territories.update(_departments(row))
    return FilterChoices(
        # By label alone: the taxonomy's code means nothing to a member (issue 14).
        categories=sorted(categories.items(), key=lambda c: c[1]),
        territories=sorted((code, f"{name} ({code})") for code, name in territories.items()),
        levels=[(level, Confidentiality(level).label) for level in LEVELS if level in levels],
    )


def visible_relations(user) -> tuple[list[dict], FilterChoices]:
    """The rows ``user`` may see and what the filters may offer: values found among them only."""
    rows = _rows(user)
    return rows, _choices(rows)


def visible_graph(
    rows: list[dict], *, category: str | None = None, territory: str | None = None, level: str | None = None
) -> VisibleGraph:
    """The graph of visible ``rows`` (from ``visible_relations``), narrowed by category, department, level.

    Territory keeps a relation when either end lies in the department (``territory_mode="any"``
    of the engine's filter). Category keeps the code and its descendants (taxonomy segments,
    CPV prefixes), as ``visible_subgraph`` does.
    """
    nodes: dict[str, GraphNode] = {}
    links: dict[str, str] = {}
    edges: list[GraphEdge] = []
    table: list[EdgeRow] = []
    labels: dict[str, str] = {}
    for row in rows:
        code, label = _category(row)
        if level and row["confidentiality"] != level:
            continue
        if territory and territory not in _departments(row):
            continue
        if category and not (code and category_matches(code, category)):
            continue
        supplier, client = _supplier_node(row), _client_node(row)
        for node, side in ((supplier, "supplier"), (client, "client")):
            nodes.setdefault(node.key, node)
            if row[side + "_id"]:
                links[node.key] = row[side + "__siret"]
        # Same rule as relations.selectors.displayed_amount, on a values() row.
        amount = row["amount"] if row["amount_visible"] else None
        low, high = _volume(row, amount)
        edges.append(
            GraphEdge(
                supplier=supplier.key,
                client=client.key,
                category=code,
                volume_min=low,
                volume_max=high,
                confidentiality=row["confidentiality"],
            )
        )
        if code:
            labels.setdefault(code, label)
        table.append(
            EdgeRow(
                pk=row["pk"],
                supplier=supplier.key,
                client=client.key,
                supplier_label=supplier.name,
                client_label=client.name,
                category=code,
                category_label=label,
                confidentiality=row["confidentiality"],
                confidentiality_label=Confidentiality(row["confidentiality"]).label,
                band_label=VolumeBand(row["volume_band"]).label if row["volume_band"] else "",
                amount=amount,
            )
        )
    graph = SupplyGraph.build(nodes.values(), edges)
    return VisibleGraph(graph=graph, edges=table, links=links, category_labels=labels)


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
    # Wider on the right: labels are written to the right of their node.
    box = np.array([WIDTH - MARGIN - LABEL_ROOM, HEIGHT - 2 * MARGIN])
    scaled = (points - low) / span * box + MARGIN
    centred = np.where(high - low > 0, scaled, np.array([WIDTH / 2, HEIGHT / 2]))
    return np.round(centred, 1)
