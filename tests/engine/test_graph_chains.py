"""The 38 real supply chains of Willems (2008) load, and the analytics agree with networkx."""

import csv

import networkx as nx
import numpy as np
import pytest

from maillage.engine.graph import (
    LARGE,
    SME,
    GraphNode,
    SupplyGraph,
    articulation_points,
    betweenness,
    client_concentration,
    cut_edges,
    single_source_dependencies,
    sme_large_bridges,
)
from maillage.engine.graph.errors import ChainFileError
from maillage.engine.graph.willems import read_chain, read_chains
from tests.shared_data import shared_path

WILLEMS = shared_path("bench", "supply-chains", "willems2008")


@pytest.fixture(scope="module")
def chains():
    return {chain.chain: chain for chain in read_chains(WILLEMS / "raw")}


@pytest.fixture(scope="module")
def graphs(chains):
    return {name: chain.graph() for name, chain in chains.items()}


def undirected(graph):
    view = nx.Graph()
    view.add_nodes_from(range(graph.n_nodes))
    view.add_edges_from(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
    return view


def test_all_38_chains_load_with_the_published_sizes(chains, graphs):
    with (WILLEMS / "chains_summary.csv").open(encoding="utf-8") as handle:
        summary = {row["chain"]: row for row in csv.DictReader(handle)}
    assert sorted(chains) == [f"{i:02d}" for i in range(1, 39)] == sorted(summary)
    for name, graph in graphs.items():
        assert (graph.n_nodes, graph.n_edges) == (
            int(summary[name]["n_stages"]),
            int(summary[name]["n_arcs"]),
        ), name
        assert sum(bool(s.avg_demand) for s in chains[name].stages) == int(
            summary[name]["n_stages_with_demand"]
        )
    assert sum(g.n_nodes for g in graphs.values()) == 15_872
    assert sum(g.n_edges for g in graphs.values()) == 43_589


def test_parts_quirk_is_read_as_part(chains):
    classes = {s.classification for chain in chains.values() for s in chain.stages}
    assert classes == {"Part", "Manuf", "Trans", "Dist", "Retail"}


def test_articulation_points_and_cut_edges_match_networkx(graphs):
    for name, graph in graphs.items():
        view = undirected(graph)
        assert set(articulation_points(graph).tolist()) == set(nx.articulation_points(view)), name
        ours = {tuple(sorted(pair)) for pair in cut_edges(graph).tolist()}
        assert ours == {tuple(sorted(pair)) for pair in nx.bridges(view)}, name


def test_exact_betweenness_matches_networkx(graphs):
    checked = 0
    for name, graph in graphs.items():
        if graph.n_nodes > 500:  # networkx takes seconds beyond; the sampled test covers larger chains
            continue
        ours = betweenness(graph)
        assert ours.exact
        oracle = nx.betweenness_centrality(undirected(graph), normalized=True)
        expected = np.array([oracle[i] for i in range(graph.n_nodes)])
        np.testing.assert_allclose(ours.values, expected, atol=1e-12, err_msg=name)
        checked += 1
    assert checked == 27


def test_sampled_betweenness_on_a_real_chain_is_within_its_bound(graphs):
    graph = graphs["33"]
    exact = betweenness(graph).values
    sampled = betweenness(graph, exact_work=0, samples=300, seed=1)
    assert not sampled.exact
    assert np.abs(sampled.values - exact).max() <= sampled.epsilon
    # The nodes that matter most are found: the exact top 5 are in the sampled top 20.
    assert set(np.argsort(-exact)[:5]) <= set(np.argsort(-sampled.values)[:20])


def test_concentration_without_volumes_is_one_over_the_out_degree(graphs):
    for name, graph in graphs.items():
        directed = nx.DiGraph(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
        result = client_concentration(graph)
        degree = np.array([directed.out_degree(s) for s in result.supplier.tolist()])
        np.testing.assert_allclose(result.hhi, 1 / degree, err_msg=name)
        np.testing.assert_allclose(result.top_share, 1 / degree, err_msg=name)
        assert (result.basis == 2).all() and (result.coverage == 0).all()
        assert set(result.supplier.tolist()) == {n for n in directed if directed.out_degree(n)}


def test_single_source_dependencies_match_a_networkx_count(graphs):
    for name, graph in graphs.items():
        directed = nx.DiGraph(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
        expected = set()
        for client in directed:
            by_class = {}
            for supplier in directed.predecessors(client):
                by_class.setdefault(graph.node_category[supplier], []).append(supplier)
            expected |= {(client, kind, s[0]) for kind, s in by_class.items() if len(s) == 1}
        found = single_source_dependencies(graph)
        ours = {
            (c, graph.categories[k], s)
            for c, k, s in zip(
                found.client.tolist(), found.category.tolist(), found.supplier.tolist(), strict=True
            )
        }
        assert ours == expected, name


def with_sizes(graph):
    """Test-only labels: parts makers as SMEs, manufacturing stages as large groups."""
    size = {"Part": SME, "Manuf": LARGE}
    nodes = [
        GraphNode(k, k, size=size.get(graph.node_category[i]), category=graph.node_category[i])
        for i, k in enumerate(graph.keys)
    ]
    labelled = SupplyGraph.build(nodes, [])
    labelled.src, labelled.dst = graph.src, graph.dst
    labelled.edge_category, labelled.categories = graph.edge_category, graph.categories
    labelled.volume_min, labelled.volume_max, labelled.level = graph.volume_min, graph.volume_max, graph.level
    return labelled


def test_sme_components_and_distances_match_networkx(graphs):
    for name in ("01", "13", "24", "29", "38"):
        graph = with_sizes(graphs[name])
        result = sme_large_bridges(graph)
        view = undirected(graph)
        sme = {i for i in range(graph.n_nodes) if graph.node_size[i] == 1}
        large = {i for i in range(graph.n_nodes) if graph.node_size[i] == 2}
        components = {frozenset(c) for c in nx.connected_components(view.subgraph(sme))}
        ours = {frozenset(result.members(c).tolist()) for c in range(result.size.shape[0])}
        assert ours == components, name
        hops = nx.multi_source_dijkstra_path_length(view, large)
        for c in range(result.size.shape[0]):
            expected = min((hops.get(i, np.inf) for i in result.members(c).tolist()), default=np.inf)
            assert result.distance[c] == expected, name
        links = {
            (a, b) if a in sme else (b, a)
            for a, b in view.edges
            if (a in sme and b in large) or (b in sme and a in large)
        }
        assert {tuple(p) for p in result.links.tolist()} == links, name


def test_malformed_chain_file_names_file_line_and_field(tmp_path):
    source = (WILLEMS / "raw" / "01.csv").read_text(encoding="utf-8-sig").splitlines()
    source[4] = source[4].replace("Manuf_0002,Retail_0002", "Manuf_0002,Nowhere_9")
    bad = tmp_path / "01.csv"
    bad.write_text("\n".join(source) + "\n", encoding="utf-8")
    with pytest.raises(
        ChainFileError, match=r"01\.csv, ligne 5, champ /arcs/arc/@to : étape inconnue « Nowhere_9 »"
    ):
        read_chain(bad)
    source[4] = source[4].replace("Nowhere_9", "")
    bad.write_text("\n".join(source) + "\n", encoding="utf-8")
    with pytest.raises(ChainFileError, match=r"ligne 5, champ /arcs/arc/@to : extrémité d'arc vide"):
        read_chain(bad)
