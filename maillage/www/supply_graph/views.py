"""``/qui-travaille-pour-qui/``: the supply graph, its table view and its dependency figures.

Open to every visitor: what each one sees is decided by ``relations_visible`` (through
``queries.visible_graph``), so a visitor gets the public relations only, a member adds the
network-level relations of its networks and its own, an animator the animators-level ones of
the networks it animates, an administrator everything. The figures are computed on that
visible graph only. Exact amounts appear only where ``amount_visible`` allows; otherwise the
declared band. The JSON view serves the same graph to scripts and the browser view.
"""

from __future__ import annotations

import math

import numpy as np
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from maillage.engine.graph import critical_nodes, node_link_data, sme_component_rows
from maillage.engine.graph.model import SIZES
from maillage.www.supply_graph.forms import GraphFilterForm
from maillage.www.supply_graph.queries import (
    HEIGHT,
    WIDTH,
    VisibleGraph,
    analysed,
    drawn_nodes,
    layout,
    visible_graph,
    visible_relations,
)

TABLE_ROWS = 50
LABELLED_NODES = 12


def _seen(request) -> tuple[GraphFilterForm, VisibleGraph]:
    rows, choices = visible_relations(request.user)
    form = GraphFilterForm(request.GET or None, choices=choices)
    return form, analysed(visible_graph(rows, **form.filters()))


def _link(seen: VisibleGraph, key: str) -> str | None:
    siret = seen.links.get(key)
    return reverse("establishments:detail", args=[siret]) if siret else None


def _node(seen: VisibleGraph, key: str) -> dict:
    name, url = seen.name(key), _link(seen, key)
    # Rendered here rather than by an {% include %} per cell: several times faster on big tables.
    html = format_html('<a href="{}">{}</a>', url, name) if url else conditional_escape(name)
    return {"key": key, "name": name, "url": url, "html": html}


def _radius(degree: int) -> float:
    return round(min(14.0, 4.0 + 2.0 * math.sqrt(degree)), 1)


def _drawing(seen: VisibleGraph) -> dict:
    graph = seen.graph
    keep = drawn_nodes(graph)
    points = layout(graph, keep)
    position = {int(i): points[j] for j, i in enumerate(keep.tolist())}
    degree = np.bincount(graph.pairs.ravel(), minlength=graph.n_nodes) if graph.n_nodes else np.zeros(0)
    critical = set()
    if seen.report is not None:
        critical = set(seen.report.articulation_points.tolist())
    labelled = set(sorted(position, key=lambda i: (-degree[i], i))[:LABELLED_NODES])
    nodes = [
        {
            "key": graph.keys[i],
            "name": graph.names[i],
            "x": float(position[i][0]),
            "y": float(position[i][1]),
            "r": _radius(degree[i]),
            "label_x": _radius(degree[i]) + 3,
            "size": SIZES[graph.node_size[i]] or "unknown",
            "critical": i in critical,
            "labelled": i in labelled,
            "partners": int(degree[i]),
        }
        for i in position
    ]
    pairs = {}
    for s, d, level in zip(graph.src.tolist(), graph.dst.tolist(), graph.level.tolist(), strict=True):
        if s in position and d in position and s != d:
            pairs[(s, d)] = min(level, pairs.get((s, d), level))
    edges = []
    for s, d in pairs:
        (x1, y1), (x2, y2) = position[s], position[d]
        # The arrow stops at the client's rim instead of under its circle.
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        back = (_radius(degree[d]) + 2) / length
        edges.append(
            {
                "x1": float(x1),
                "y1": float(y1),
                "x2": round(float(x2 - (x2 - x1) * back), 1),
                "y2": round(float(y2 - (y2 - y1) * back), 1),
                "supplier": graph.keys[s],
                "client": graph.keys[d],
            }
        )
    return {
        "nodes": nodes,
        "edges": edges,
        "width": int(WIDTH),
        "height": int(HEIGHT),
        "truncated": graph.n_nodes > len(nodes),
        "drawn": len(nodes),
    }


def _tables(seen: VisibleGraph) -> dict:
    graph, report = seen.graph, seen.report
    if report is None:
        return {}
    concentration = sorted(
        report.concentration.rows(graph), key=lambda row: (-row["top_share"], -row["hhi"], row["supplier"])
    )
    basis_labels = {
        "volume": _("volumes"),
        "imputed": _("volumes en partie estimés"),
        "count": _("nombre de relations"),
    }
    concentration_rows = [
        {
            "supplier": _node(seen, row["supplier"]),
            "n_clients": row["n_clients"],
            "top_client": _node(seen, row["top_client"]),
            "top_share": row["top_share"] * 100,
            "hhi": round(row["hhi"] * 10_000),
            "basis": basis_labels[row["basis"]],
            "coverage": row["coverage"] * 100,
        }
        for row in concentration[:TABLE_ROWS]
    ]
    single = sorted(
        report.single_source.rows(graph),
        key=lambda row: (-(row["volume"] or 0), row["client"], row["category"]),
    )
    single_rows = [
        {
            "client": _node(seen, row["client"]),
            "supplier": _node(seen, row["supplier"]),
            "category": seen.category_labels.get(row["category"], row["category"]),
            "code": row["category"],
        }
        for row in single[:TABLE_ROWS]
    ]
    critical_rows = [
        dict(row, node=_node(seen, row["key"]), betweenness=row["betweenness"])
        for row in critical_nodes(graph, report, limit=TABLE_ROWS)
        if row["articulation_point"] or row["betweenness"] > 0
    ]
    bridges = report.bridges
    cut = {tuple(pair) for pair in bridges.cut_links.tolist()}
    link_rows = [
        {
            "sme": _node(seen, graph.keys[sme]),
            "large": _node(seen, graph.keys[large]),
            "critical": (sme, large) in cut,
        }
        for sme, large in sorted(bridges.links.tolist(), key=lambda p: ((p[0], p[1]) not in cut, p))
    ][:TABLE_ROWS]
    component_rows = [
        dict(row, members=[_node(seen, key) for key in row["members"][:10]], n_members=len(row["members"]))
        for row in sme_component_rows(graph, report, limit=TABLE_ROWS)
    ]
    return {
        "concentration": concentration_rows,
        "single_source": single_rows,
        "n_single_source": len(single),
        "critical": critical_rows,
        "links": link_rows,
        "n_links": int(bridges.links.shape[0]),
        "n_cut_links": int(bridges.cut_links.shape[0]),
        "components": component_rows,
        "betweenness": report.betweenness,
    }


def graph_page(request):
    form, seen = _seen(request)
    context = {
        "form": form,
        "seen": seen,
        "drawing": _drawing(seen),
        "relations": seen.edges[: TABLE_ROWS * 4],
        "n_relations": len(seen.edges),
        "n_nodes": seen.graph.n_nodes,
        **_tables(seen),
    }
    template = "supply_graph/includes/results.html" if request.htmx else "supply_graph/graph.html"
    return render(request, template, context)


def graph_data(request):
    """The same graph as JSON: node-link data with the drawing's positions, relations and figures."""
    form, seen = _seen(request)
    if form.errors:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = node_link_data(seen.graph, seen.report)
    drawing = _drawing(seen)
    position = {node["key"]: (node["x"], node["y"]) for node in drawing["nodes"]}
    for node in data["nodes"]:
        node["x"], node["y"] = position.get(node["id"], (None, None))
        node["url"] = _link(seen, node["id"])
    for link, row in zip(data["links"], seen.edges, strict=True):
        link["relation"] = row.pk
        link["amount"] = None if row.amount is None else float(row.amount)
        link["volume_band"] = row.band_label
    if seen.report is not None:
        data["concentration"] = seen.report.concentration.rows(seen.graph)
        data["single_source"] = seen.report.single_source.rows(seen.graph)
        data["critical_nodes"] = critical_nodes(seen.graph, seen.report, limit=TABLE_ROWS)
        data["sme_components"] = sme_component_rows(seen.graph, seen.report, limit=TABLE_ROWS)
    data["truncated"] = drawing["truncated"]
    return JsonResponse(data)
