"""Graph analytics against small graphs computed by hand."""

import math

import numpy as np
import pytest

from maillage.engine.graph import (
    LARGE,
    SME,
    GraphEdge,
    GraphInputError,
    GraphNode,
    SupplyGraph,
    analyse,
    articulation_points,
    betweenness,
    client_concentration,
    cut_edges,
    samples_for,
    sampling_epsilon,
    single_source_dependencies,
    sme_large_bridges,
)


def build(edges, sizes=None):
    edges = [e if isinstance(e, GraphEdge) else GraphEdge(*e) for e in edges]
    keys = sorted({e.supplier for e in edges} | {e.client for e in edges} | set(sizes or {}))
    nodes = [GraphNode(k, k, size=(sizes or {}).get(k)) for k in keys]
    return SupplyGraph.build(nodes, edges)


def market_graph():
    return build(
        [
            GraphEdge("A", "X", "c1", 60, 60),
            GraphEdge("A", "Y", "c1", 30, 30),
            GraphEdge("A", "Y", "c2", 10, 10),
            GraphEdge("B", "X", "c1"),
            GraphEdge("B", "Z", "c2", 100, 100),
            GraphEdge("B", "W", "c2", 50, 150),
            GraphEdge("C", "X", "c3"),
            GraphEdge("C", "Y", "c2"),
            GraphEdge("D", "X", "c3", 200, math.inf),
        ]
    )


def test_concentration_uses_volumes_midpoints_medians_and_counts():
    graph = market_graph()
    rows = {row["supplier"]: row for row in client_concentration(graph).rows(graph)}
    assert rows["A"] == pytest.approx(
        {
            "supplier": "A",
            "n_clients": 2,
            "total_volume": 100.0,
            "top_client": "X",
            "top_share": 0.6,
            "hhi": 0.6**2 + 0.4**2,
            "basis": "volume",
            "coverage": 1.0,
        }
    )
    # B: [50, 150] counts 100; X has no volume and takes the median of B's known ones (100).
    assert rows["B"]["basis"] == "imputed"
    assert rows["B"]["coverage"] == pytest.approx(2 / 3)
    assert rows["B"]["hhi"] == pytest.approx(1 / 3)
    assert rows["B"]["top_share"] == pytest.approx(1 / 3)
    assert rows["B"]["top_client"] == "W"  # ties go to the first key
    assert rows["C"]["basis"] == "count"
    assert rows["C"]["hhi"] == pytest.approx(0.5)
    assert rows["C"]["total_volume"] == 2
    # An open range ("200 or more") counts its lower bound.
    assert rows["D"]["total_volume"] == 200
    assert rows["D"]["hhi"] == 1.0
    assert set(rows) == {"A", "B", "C", "D"}  # clients that supply nobody get no row


def test_supplier_whose_known_volumes_are_all_zero_is_measured_on_counts():
    graph = build([GraphEdge("A", "X", "c", 0, 0), GraphEdge("A", "Y", "c", 0, 0), GraphEdge("A", "Y", "d")])
    (row,) = client_concentration(graph).rows(graph)
    assert row["basis"] == "count"
    assert row["hhi"] == pytest.approx((1 / 3) ** 2 + (2 / 3) ** 2)
    assert row["top_client"] == "Y"


def test_single_source_dependencies_are_client_categories_with_one_supplier():
    graph = market_graph()
    found = {
        (r["client"], r["category"], r["supplier"], r["volume"])
        for r in single_source_dependencies(graph).rows(graph)
    }
    assert found == {("Y", "c1", "A", 30.0), ("Z", "c2", "B", 100.0), ("W", "c2", "B", 100.0)}


def test_single_source_ignores_edges_without_category_and_reports_unknown_volume():
    graph = build([GraphEdge("A", "X", None, 5, 5), GraphEdge("B", "X", "c"), GraphEdge("B", "X", "c")])
    rows = single_source_dependencies(graph).rows(graph)
    assert rows == [{"client": "X", "category": "c", "supplier": "B", "volume": None}]


def test_articulation_points_and_cut_edges_of_a_path_into_a_triangle():
    graph = build([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "c")])
    assert [graph.keys[i] for i in articulation_points(graph)] == ["b", "c"]
    assert {tuple(graph.keys[i] for i in pair) for pair in cut_edges(graph)} == {("a", "b"), ("b", "c")}


def test_articulation_points_ignore_direction_and_parallel_relations():
    graph = build(
        [GraphEdge("a", "b", "x"), GraphEdge("a", "b", "y"), GraphEdge("c", "b"), GraphEdge("b", "a")]
    )
    assert [graph.keys[i] for i in articulation_points(graph)] == ["b"]
    assert graph.pairs.shape == (2, 2)


def test_betweenness_of_a_star_and_a_path():
    star = build([("hub", leaf) for leaf in "abcd"])
    result = betweenness(star)
    assert result.exact and result.epsilon == 0
    assert result.values[star.index["hub"]] == pytest.approx(1.0)
    assert result.values[star.index["a"]] == 0
    path = build([("0", "1"), ("1", "2"), ("2", "3")])
    assert betweenness(path).values.tolist() == pytest.approx([0, 2 / 3, 2 / 3, 0])


def test_sampled_betweenness_stays_within_its_stated_bound():
    # A 30 × 30 grid: n = 900, exact values known through the exact path of the same function.
    edges = []
    for i in range(30):
        for j in range(30):
            if i < 29:
                edges.append((f"{i}.{j}", f"{i + 1}.{j}"))
            if j < 29:
                edges.append((f"{i}.{j}", f"{i}.{j + 1}"))
    graph = build(edges)
    exact = betweenness(graph).values
    sampled = betweenness(graph, exact_work=0, samples=200, seed=7)
    assert not sampled.exact and sampled.samples == 200
    assert sampled.epsilon == pytest.approx(sampling_epsilon(900, 200, 0.05))
    assert np.abs(sampled.values - exact).max() <= sampled.epsilon
    # Unbiased: the error of the mean over seeds shrinks well below one run's error.
    mean = np.mean([betweenness(graph, exact_work=0, samples=200, seed=s).values for s in range(8)], axis=0)
    assert np.abs(mean - exact).max() < np.abs(sampled.values - exact).max()


def test_sampling_bound_and_sample_size_agree():
    k = samples_for(300_000, 0.05, 0.05)
    assert sampling_epsilon(300_000, k, 0.05) <= 0.05 < sampling_epsilon(300_000, k - 1, 0.05)
    assert sampling_epsilon(10, 10, 0.05) == 0


def test_sme_large_bridges_components_links_and_distances():
    sizes = {"S1": SME, "S2": SME, "S3": SME, "S4": SME, "S5": SME, "L1": LARGE, "L2": LARGE}
    graph = build(
        [("S1", "L1"), ("S2", "S1"), ("S2", "L1"), ("S3", "L2"), ("S4", "U"), ("U", "L2"), ("S5", "U2")],
        sizes,
    )
    result = sme_large_bridges(graph)
    key = graph.keys
    assert {(key[s], key[la]) for s, la in result.links} == {("S1", "L1"), ("S2", "L1"), ("S3", "L2")}
    assert [(key[s], key[la]) for s, la in result.cut_links] == [("S3", "L2")]
    by_members = {tuple(sorted(key[i] for i in result.members(c))): c for c in range(result.size.shape[0])}
    assert set(by_members) == {("S1", "S2"), ("S3",), ("S4",), ("S5",)}
    pair = by_members[("S1", "S2")]
    assert (result.size[pair], result.gateways[pair], result.large_partners[pair], result.n_links[pair]) == (
        2,
        2,
        1,
        2,
    )
    assert result.distance[pair] == 1 and not result.fragile[pair]
    assert result.fragile[by_members[("S3",)]]
    assert result.distance[by_members[("S4",)]] == 2
    assert result.distance[by_members[("S5",)]] == math.inf


def test_graph_without_sizes_has_no_sme_components():
    result = sme_large_bridges(build([("a", "b")]))
    assert result.links.shape == (0, 2) and result.size.shape == (0,)


def test_analyse_runs_every_analytic_and_times_it():
    graph = market_graph()
    report = analyse(graph)
    assert set(report.seconds) == {
        "view",
        "concentration",
        "single_source",
        "articulation_points",
        "betweenness",
        "sme_large_bridges",
        "total",
    }
    assert report.top_betweenness(graph, 1)[0][0] == "X"


@pytest.mark.parametrize(
    ("edge", "field"),
    [
        (GraphEdge("A", "nobody"), "client"),
        (GraphEdge("A", "X", confidentiality="secret"), "confidentiality"),
        (GraphEdge("A", "X", volume_min=10, volume_max=5), "volume"),
        (GraphEdge("A", "X", volume_min=-1, volume_max=5), "volume"),
    ],
)
def test_bad_edge_is_refused_naming_its_position_and_field(edge, field):
    nodes = [GraphNode("A"), GraphNode("X")]
    with pytest.raises(GraphInputError) as caught:
        SupplyGraph.build(nodes, [GraphEdge("A", "X"), edge])
    assert caught.value.where == "edges[1]"
    assert caught.value.field == field
    assert f"edges[1], champ {field}" in str(caught.value)


def test_duplicate_node_and_unknown_size_are_refused():
    with pytest.raises(GraphInputError, match=r"nodes\[1\], champ key"):
        SupplyGraph.build([GraphNode("A"), GraphNode("A")], [])
    with pytest.raises(GraphInputError, match=r"nodes\[0\], champ size"):
        SupplyGraph.build([GraphNode("A", size="huge")], [])


def test_time_budget_stops_sampling_after_the_first_batch_when_exhausted():
    graph = build([(f"n{i}", f"n{i + 1}") for i in range(200)])
    result = betweenness(graph, exact_work=0, samples=100, time_budget=1e-9)
    assert not result.exact and result.samples == 8
    assert result.epsilon == pytest.approx(sampling_epsilon(201, 8, 0.05))
    generous = betweenness(graph, exact_work=0, samples=100, time_budget=60)
    assert generous.samples == 100


def test_from_arrays_matches_the_record_builder_and_checks_indices():
    graph = market_graph()
    bulk = SupplyGraph.from_arrays(
        graph.keys,
        graph.src,
        graph.dst,
        categories=graph.categories,
        edge_category=graph.edge_category,
        volume_min=graph.volume_min,
        volume_max=graph.volume_max,
    )
    assert client_concentration(bulk).rows(bulk) == client_concentration(graph).rows(graph)
    with pytest.raises(GraphInputError, match="from_arrays, champ dst"):
        SupplyGraph.from_arrays(["a"], np.array([0]), np.array([1]))
    with pytest.raises(GraphInputError, match="champ volume"):
        SupplyGraph.from_arrays(["a", "b"], [0], [1], volume_min=[5], volume_max=[1])


def test_graph_engine_and_loaders_import_without_django():
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys\n"
        "from maillage.engine.graph import SupplyGraph, GraphNode, GraphEdge, analyse\n"
        "import maillage.engine.graph.procurement, maillage.engine.graph.willems\n"
        "analyse(SupplyGraph.build([GraphNode('a'), GraphNode('b')], [GraphEdge('a', 'b')]))\n"
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not loaded, loaded\n"
        "print('pure')\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "pure"


@pytest.mark.parametrize(
    "graph",
    [
        SupplyGraph.build([], []),
        SupplyGraph.build([GraphNode("a"), GraphNode("b")], [GraphEdge("a", "b")]),
        SupplyGraph.build([GraphNode("a", size=SME), GraphNode("b")], []),
    ],
    ids=["empty", "no-category", "no-edge"],
)
def test_degenerate_graphs_run_every_analytic(graph):
    report = analyse(graph)
    assert report.single_source.client.shape == (0,)
    assert report.betweenness.values.shape == (graph.n_nodes,)


def test_sampling_keeps_the_exact_share_of_leaves():
    # A star with a tail: the 40 leaves fold into the hub, so the leaf pairs (93 % of the
    # hub's value) are counted exactly even from 5 sampled sources.
    edges = [("hub", f"leaf{i}") for i in range(40)] + [("hub", "t1"), ("t1", "t2"), ("t2", "t3")]
    graph = build(edges)
    exact = betweenness(graph).values
    sampled = betweenness(graph, exact_work=0, samples=5, seed=3)
    assert not sampled.exact
    hub = graph.index["hub"]
    assert exact[hub] * 0.93 <= sampled.values[hub] <= exact[hub] * 1.07
    assert np.abs(sampled.values - exact).max() <= sampled.epsilon
