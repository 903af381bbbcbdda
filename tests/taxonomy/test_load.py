"""Loading the files into the database: idempotent, dry by default, kind to animators' additions."""

import pytest

from maillage.referential.models import CpvCode, NafCode, RomeCode
from maillage.taxonomy.errors import TaxonomyError
from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.models import (
    NafCapabilityHint,
    NodeCpvLink,
    NodeRomeLink,
    NodeSource,
    TaxonomyNode,
    TaxonomyVersion,
)
from maillage.taxonomy.services import TaxonomyLoadError, taxonomy_load, taxonomy_node_save
from tests.accounts.factories import UserFactory
from tests.taxonomy.conftest import BASE_NODES

pytestmark = pytest.mark.django_db


def load(tree, *, dry_run=False):
    return taxonomy_load(data=tree.read(), dry_run=dry_run)


def animator_node(code="proc.machining.milling.trochoidal", parent="proc.machining.milling", **extra):
    node = TaxonomyNode(
        code=code,
        type="process",
        label_fr="Fraisage trochoïdal",
        label_en="Trochoidal milling",
        parent=TaxonomyNode.objects.get(code=parent),
        **extra,
    )
    return taxonomy_node_save(node=node, user=UserFactory())


def test_first_load_creates_nodes_links_hints_and_a_version(tree):
    report = load(tree)
    assert sorted(report.created) == sorted(tree.read().nodes)
    assert TaxonomyNode.objects.filter(source=NodeSource.FILE, is_active=True).count() == 5
    five_axis = TaxonomyNode.objects.get(code="proc.machining.milling.5axis")
    assert five_axis.parent.code == "proc.machining.milling"
    assert five_axis.depth == 2
    assert five_axis.source_file == "nodes/process/machining.toml"
    assert five_axis.synonyms_fr == ["usinage 5 axes"]
    assert list(NodeRomeLink.objects.values_list("node__code", "rome_id")) == [("proc.machining", "H2903")]
    assert list(NodeCpvLink.objects.values_list("node__code", "cpv_id")) == [("equip.press", "42636000")]
    assert NafCapabilityHint.objects.get(naf_id="25.62B", node__code="proc.machining").weight == 0.9
    version = TaxonomyVersion.objects.get()
    assert version.content_hash == tree.read().content_hash
    assert version.summary["created"] == 5
    assert five_axis.version == version


def test_second_load_changes_nothing_and_says_so(tree):
    load(tree)
    before = list(TaxonomyNode.objects.order_by("pk").values())
    report = load(tree)
    assert not report.changed
    assert report.created == report.updated == report.deactivated == []
    assert report.unchanged == 5
    assert report.hints == {"created": 0, "updated": 0, "deleted": 0}
    assert list(TaxonomyNode.objects.order_by("pk").values()) == before
    assert TaxonomyVersion.objects.count() == 1


def test_dry_run_counts_but_writes_nothing(tree):
    report = load(tree, dry_run=True)
    assert len(report.created) == 5
    assert report.hints["created"] == 2
    assert TaxonomyNode.objects.count() == 0
    assert NafCapabilityHint.objects.count() == 0
    assert TaxonomyVersion.objects.count() == 0


def test_edited_file_updates_labels_synonyms_weights_and_records_a_new_version(tree):
    load(tree)
    tree.write("nodes/process/machining.toml", BASE_NODES.replace('"Fraisage"', '"Fraisage CN"'))
    tree.write("naf/c.toml", '["25.62B"]\n"proc.machining" = 0.8\n')
    report = load(tree)
    assert report.updated == ["proc.machining.milling"]
    assert report.hints == {"created": 0, "updated": 1, "deleted": 1}
    assert TaxonomyNode.objects.get(code="proc.machining.milling").label_fr == "Fraisage CN"
    assert TaxonomyVersion.objects.count() == 2
    latest = TaxonomyVersion.objects.order_by("-pk").first()
    assert TaxonomyNode.objects.get(code="proc.machining.milling").version == latest
    assert TaxonomyNode.objects.get(code="proc.machining").version != latest


def test_node_removed_from_the_files_is_deactivated_not_deleted_and_comes_back(tree):
    load(tree)
    tree.write(
        "nodes/process/machining.toml", BASE_NODES.split('[[node]]\ncode = "proc.machining.milling.5axis"')[0]
    )
    tree.write("naf/c.toml", '["25.62B"]\n"proc.machining" = 0.9\n')
    report = load(tree)
    assert report.deactivated == ["proc.machining.milling.5axis"]
    node = TaxonomyNode.objects.get(code="proc.machining.milling.5axis")
    assert node.is_active is False
    tree.write("nodes/process/machining.toml", BASE_NODES)
    report = load(tree)
    assert report.updated == ["proc.machining.milling.5axis"]
    node.refresh_from_db()
    assert node.is_active is True


def test_animator_node_survives_a_reload(tree):
    load(tree)
    node = animator_node()
    assert node.source == NodeSource.ANIMATOR
    assert node.tree_path.startswith(TaxonomyNode.objects.get(code="proc.machining.milling").tree_path)
    report = load(tree)
    assert not report.changed
    node.refresh_from_db()
    assert node.is_active and node.source == NodeSource.ANIMATOR
    assert node.parent.code == "proc.machining.milling"


def test_animator_node_under_a_deactivated_file_node_is_kept_and_reported(tree):
    load(tree)
    node = animator_node(
        code="proc.machining.milling.5axis.trochoidal", parent="proc.machining.milling.5axis"
    )
    tree.write(
        "nodes/process/machining.toml", BASE_NODES.split('[[node]]\ncode = "proc.machining.milling.5axis"')[0]
    )
    tree.write("naf/c.toml", '["25.62B"]\n"proc.machining" = 0.9\n')
    report = load(tree)
    node.refresh_from_db()
    assert node.is_active
    assert any(node.code in warning for warning in report.warnings)


def test_animator_synonyms_on_a_file_node_survive_a_reload(tree):
    load(tree)
    milling = TaxonomyNode.objects.get(code="proc.machining.milling")
    milling.animator_synonyms_fr = ["fraisage en bout"]
    taxonomy_node_save(node=milling, user=UserFactory())
    tree.write("nodes/process/machining.toml", BASE_NODES.replace('"Fraisage"', '"Fraisage CN"'))
    load(tree)
    milling.refresh_from_db()
    assert milling.label_fr == "Fraisage CN"
    assert milling.animator_synonyms_fr == ["fraisage en bout"]
    assert "fraisage en bout" in milling.search_text


def test_animator_node_whose_code_enters_the_files_is_adopted_keeping_its_identity(tree):
    load(tree)
    node = animator_node(code="proc.machining.milling.hsm")
    tree.write(
        "nodes/process/machining.toml",
        BASE_NODES + '\n[[node]]\ncode = "proc.machining.milling.hsm"\nlabel_fr = "UGV"\nlabel_en = "HSM"\n',
    )
    report = load(tree)
    assert report.adopted == ["proc.machining.milling.hsm"]
    adopted = TaxonomyNode.objects.get(code="proc.machining.milling.hsm")
    assert adopted.pk == node.pk
    assert adopted.source == NodeSource.FILE
    assert adopted.label_fr == "UGV"


def test_file_node_cannot_be_edited_through_the_service(tree):
    load(tree)
    milling = TaxonomyNode.objects.get(code="proc.machining.milling")
    milling.label_fr = "Autre chose"
    with pytest.raises(TaxonomyError, match="label_fr"):
        taxonomy_node_save(node=milling, user=UserFactory())


def test_missing_referential_rows_are_reported_and_links_join_once_loaded(tree):
    report = load(tree)
    assert report.missing == {"NAF": ["25.62B"], "ROME": ["H2903"], "CPV": ["42636000"]}
    assert NafCapabilityHint.objects.count() == 2
    section = NafCode.objects.create(code="C", level=1, label="Industrie manufacturière", section="C")
    NafCode.objects.create(
        code="25.62B", level=5, label="Mécanique industrielle", section="C", parent=section
    )
    RomeCode.objects.create(code="H2903", label="Tourneur-fraiseur / Tourneuse-fraiseuse")
    CpvCode.objects.create(code="42636000", label="Presses")
    report = load(tree)
    assert report.missing == {}
    assert not report.changed
    machining = TaxonomyNode.objects.get(code="proc.machining")
    assert NafCapabilityHint.objects.filter(naf__label="Mécanique industrielle").count() == 2
    assert machining.rome_links.get().rome.label.startswith("Tourneur")


def test_files_with_errors_load_nothing(tree):
    tree.write("nodes/process/other.toml", 'type = "process"\n[[node]]\ncode = "proc.x"\nlabel_fr = "X"\n')
    with pytest.raises(TaxonomyLoadError, match="label_en"):
        load(tree)
    assert TaxonomyNode.objects.count() == 0


def test_shipped_taxonomy_loads_and_reloads_without_change():
    data = read_taxonomy()
    report = taxonomy_load(data=data, dry_run=False)
    assert len(report.created) == len(data.nodes) >= 300
    assert NafCapabilityHint.objects.count() == len(data.hints)
    assert not taxonomy_load(data=data, dry_run=False).changed
