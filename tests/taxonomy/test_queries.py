"""Tree queries: a parent matches its descendants; ancestors; inherited specifications; NAF hints."""

import pytest

from maillage.taxonomy.models import NafCapabilityHint, TaxonomyNode
from maillage.taxonomy.selectors import naf_capability_hints
from maillage.taxonomy.services import taxonomy_load, taxonomy_node_save
from tests.accounts.factories import UserFactory
from tests.taxonomy.factories import TaxonomyNodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(tree):
    taxonomy_load(data=tree.read(), dry_run=False)
    return {node.code: node for node in TaxonomyNode.objects.all()}


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_descendants_of_a_node_include_itself_and_its_whole_subtree(loaded):
    machining = loaded["proc.machining"]
    assert codes(TaxonomyNode.objects.descendants_of(machining)) == [
        "proc.machining",
        "proc.machining.milling",
        "proc.machining.milling.5axis",
    ]
    assert codes(TaxonomyNode.objects.descendants_of(machining, include_self=False)) == [
        "proc.machining.milling",
        "proc.machining.milling.5axis",
    ]
    assert codes(TaxonomyNode.objects.descendants_of(loaded["proc.machining.milling.5axis"])) == [
        "proc.machining.milling.5axis"
    ]


def test_descendants_include_animator_nodes(loaded):
    extra = TaxonomyNodeFactory.build(
        code="proc.machining.milling.5axis.impeller", parent=loaded["proc.machining.milling.5axis"]
    )
    taxonomy_node_save(node=extra, user=UserFactory())
    assert "proc.machining.milling.5axis.impeller" in codes(
        TaxonomyNode.objects.descendants_of(loaded["proc.machining"])
    )


def test_tree_paths_close_every_id_so_similar_ids_do_not_leak_into_a_subtree(loaded):
    machining, milling = loaded["proc.machining"], loaded["proc.machining.milling"]
    assert milling.tree_path == f"/{machining.pk}/{milling.pk}/"
    TaxonomyNode.objects.filter(pk=machining.pk).update(tree_path="/999001/")
    TaxonomyNode.objects.filter(pk=milling.pk).update(tree_path="/999001/999002/")
    TaxonomyNode.objects.filter(code="equip.press").update(tree_path="/9990010/")
    machining.refresh_from_db()
    assert codes(TaxonomyNode.objects.descendants_of(machining)) == [
        "proc.machining",
        "proc.machining.milling",
    ]


def test_ancestors_from_the_root_down(loaded):
    five_axis = loaded["proc.machining.milling.5axis"]
    assert list(TaxonomyNode.objects.ancestors_of(five_axis).values_list("code", flat=True)) == [
        "proc.machining",
        "proc.machining.milling",
    ]
    assert list(TaxonomyNode.objects.ancestors_of(loaded["proc.machining"])) == []


def test_subtree_filter_works_across_a_relation(loaded):
    milling = loaded["proc.machining.milling"]
    hints = NafCapabilityHint.objects.filter(milling.subtree_q("node__"))
    assert list(hints.values_list("node__code", flat=True)) == ["proc.machining.milling.5axis"]


def test_children_inherit_specifications(loaded):
    specs = loaded["equip.press.hydraulic"].effective_specs()
    assert [(spec["key"], spec["unit"]) for spec in specs] == [("force", "tf")]


def test_naf_hints_most_likely_first_and_active_only(loaded):
    assert [(node.code, weight) for node, weight in naf_capability_hints("25.62B")] == [
        ("proc.machining", 0.9),
        ("proc.machining.milling.5axis", 0.3),
    ]
    assert [node.code for node, _weight in naf_capability_hints("25.62B", min_weight=0.5)] == [
        "proc.machining"
    ]
    TaxonomyNode.objects.filter(code="proc.machining").update(is_active=False)
    assert [node.code for node, _weight in naf_capability_hints("25.62B")] == ["proc.machining.milling.5axis"]
    assert naf_capability_hints("01.11Z") == []
