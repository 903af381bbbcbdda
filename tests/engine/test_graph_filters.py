"""What a viewer may see: confidentiality levels, parties, categories, territories, volumes."""

import numpy as np
import pytest

from maillage.engine.graph import (
    ANIMATORS,
    LEVELS,
    NETWORK,
    PARTIES,
    PUBLIC,
    GraphEdge,
    GraphInputError,
    GraphNode,
    SupplyGraph,
    category_matches,
    visible_subgraph,
)


@pytest.fixture
def graph():
    nodes = [
        GraphNode("a", territory="67"),
        GraphNode("b", territory="67"),
        GraphNode("c", territory="68"),
        GraphNode("d", territory="75"),
    ]
    edges = [
        GraphEdge("a", "b", "45233221", 10, 10, PUBLIC),
        GraphEdge("b", "c", "proc.surface.anodising", 20, 20, NETWORK),
        GraphEdge("c", "d", "proc.surfaces", 30, 30, ANIMATORS),
        GraphEdge("d", "a", "79100000", 40, 40, PARTIES),
        GraphEdge("a", "c", None, 50, 50, PUBLIC),
    ]
    return SupplyGraph.build(nodes, edges)


def relations(graph):
    return {(graph.keys[s], graph.keys[d]) for s, d in zip(graph.src, graph.dst, strict=True)}


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ({PUBLIC}, {("a", "b"), ("a", "c")}),
        ({PUBLIC, NETWORK}, {("a", "b"), ("a", "c"), ("b", "c")}),
        ({PUBLIC, NETWORK, ANIMATORS}, {("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")}),
        (set(LEVELS), {("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "a")}),
        (set(), set()),
    ],
)
def test_each_set_of_levels_sees_exactly_its_relations(graph, levels, expected):
    assert relations(visible_subgraph(graph, allowed_levels=levels)) == expected


def test_a_party_sees_its_own_parties_only_relation_and_nobody_elses(graph):
    assert ("d", "a") in relations(visible_subgraph(graph, allowed_levels={PUBLIC}, parties={"a"}))
    assert ("d", "a") not in relations(visible_subgraph(graph, allowed_levels={PUBLIC}, parties={"b"}))
    # Being a party never opens the other levels.
    assert ("c", "d") not in relations(visible_subgraph(graph, allowed_levels={PUBLIC}, parties={"c", "d"}))


def test_categories_select_descendants_by_cpv_prefix_and_taxonomy_segment(graph):
    everything = set(LEVELS)
    assert relations(visible_subgraph(graph, allowed_levels=everything, categories=["45000000"])) == {
        ("a", "b")
    }
    assert relations(visible_subgraph(graph, allowed_levels=everything, categories=["proc.surface"])) == {
        ("b", "c")
    }
    assert relations(visible_subgraph(graph, allowed_levels=everything, categories=[])) == set()


def test_category_matches_rules():
    assert category_matches("45233221", "45")
    assert category_matches("45233221", "45230000")
    assert not category_matches("45233221", "45240000")
    assert category_matches("proc.surface.anodising", "proc.surface")
    assert not category_matches("proc.surfaces", "proc.surface")


def test_territories_keep_relations_touching_or_inside(graph):
    everything = set(LEVELS)
    touching = visible_subgraph(graph, allowed_levels=everything, territories={"67"})
    assert relations(touching) == {("a", "b"), ("b", "c"), ("d", "a"), ("a", "c")}
    inside = visible_subgraph(graph, allowed_levels=everything, territories={"67"}, territory_mode="both")
    assert relations(inside) == {("a", "b")}
    assert inside.keys == ["a", "b"]


def test_hidden_volumes_are_blank_and_the_original_is_untouched(graph):
    blind = visible_subgraph(graph, allowed_levels={PUBLIC}, show_volumes=False)
    assert np.isnan(blind.volume_min).all() and np.isnan(blind.volume_max).all()
    assert not np.isnan(graph.volume_min).any()


def test_subgraph_renumbers_nodes_consistently(graph):
    seen = visible_subgraph(graph, allowed_levels={ANIMATORS})
    assert seen.keys == ["c", "d"]
    assert seen.index == {"c": 0, "d": 1}
    assert seen.category_of(0) == "proc.surfaces"


def test_unknown_level_or_mode_is_refused(graph):
    with pytest.raises(GraphInputError, match="allowed_levels"):
        visible_subgraph(graph, allowed_levels={"secret"})
    with pytest.raises(GraphInputError, match="territory_mode"):
        visible_subgraph(graph, allowed_levels={PUBLIC}, territory_mode="some")
