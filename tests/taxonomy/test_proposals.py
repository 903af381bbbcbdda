"""Animators' taxonomy proposals: validated, decided once, effective in mapping, kept by reloads."""

import pytest

from maillage.taxonomy.errors import TaxonomyError
from maillage.taxonomy.mapping import TaxonomyMapper
from maillage.taxonomy.models import NodeSource, TaxonomyNode, TaxonomyProposal
from maillage.taxonomy.services import (
    taxonomy_load,
    taxonomy_proposal_accept,
    taxonomy_proposal_create,
    taxonomy_proposal_reject,
)
from tests.accounts.factories import UserFactory
from tests.directory.factories import NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(tree):
    taxonomy_load(data=tree.read(), dry_run=False)
    return tree


def node(code):
    return TaxonomyNode.objects.get(code=code)


def propose_synonym(term="fraisage grande vitesse", code="proc.machining.milling", **kwargs):
    return taxonomy_proposal_create(
        network=NetworkFactory(),
        proposed_by=UserFactory(),
        kind="synonym",
        node=node(code),
        synonym=term,
        **kwargs,
    )


def test_accepted_synonym_maps_member_text_and_survives_a_reload(loaded):
    before = TaxonomyMapper.from_database().map("fraisage grande vitesse", "capabilities")
    assert "proc.machining.milling" not in before.codes or before.method != "synonym"
    proposal = propose_synonym()
    admin = UserFactory(is_superuser=True)
    taxonomy_proposal_accept(proposal=proposal, by=admin)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (TaxonomyProposal.Status.ACCEPTED, admin)
    assert node("proc.machining.milling").animator_synonyms_fr == ["fraisage grande vitesse"]
    after = TaxonomyMapper.from_database().map("Fraisage grande vitesse", "capabilities")
    assert (after.codes, after.confidence) == (("proc.machining.milling",), 1.0)

    taxonomy_load(data=loaded.read(), dry_run=False)  # `maillage load-taxonomy --wet-run`
    assert node("proc.machining.milling").animator_synonyms_fr == ["fraisage grande vitesse"]
    again = TaxonomyMapper.from_database().map("fraisage grande vitesse", "capabilities")
    assert again.codes == ("proc.machining.milling",)


def test_english_synonym_goes_to_the_english_list(loaded):
    taxonomy_proposal_accept(proposal=propose_synonym("HSM", language="en"), by=UserFactory())
    assert node("proc.machining.milling").animator_synonyms_en == ["HSM"]


def test_accepted_node_is_an_animator_node_under_its_parent_and_survives_a_reload(loaded):
    proposal = taxonomy_proposal_create(
        network=NetworkFactory(),
        proposed_by=UserFactory(),
        kind="node",
        parent=node("proc.machining.milling"),
        label_fr="Fraisage trochoïdal",
        label_en="Trochoidal milling",
    )
    assert proposal.node_type == "process"
    accepted = taxonomy_proposal_accept(proposal=proposal, by=UserFactory(is_superuser=True))
    created = accepted.created_node
    assert created.code == "proc.machining.milling.fraisage_trochoidal"
    assert (created.source, created.parent.code, created.depth) == (
        NodeSource.ANIMATOR,
        "proc.machining.milling",
        2,
    )
    assert TaxonomyMapper.from_database().map("fraisage trochoidal", "capabilities").codes == (created.code,)
    report = taxonomy_load(data=loaded.read(), dry_run=False)
    created.refresh_from_db()
    assert created.is_active and created.parent.code == "proc.machining.milling"
    assert created.code not in report.deactivated


def test_root_node_gets_a_code_of_its_type_and_codes_stay_unique(loaded):
    def propose():
        return taxonomy_proposal_create(
            network=NetworkFactory(), proposed_by=UserFactory(), kind="node", node_type="service",
            label_fr="Peinture époxy", label_en="Epoxy painting",
        )  # fmt: skip

    first = taxonomy_proposal_accept(proposal=propose(), by=UserFactory()).created_node
    assert first.code == "svc.peinture_epoxy" and first.parent is None
    TaxonomyNode.objects.filter(pk=first.pk).update(label_fr="Autre", label_en="Other", search_text="autre")
    second = taxonomy_proposal_accept(proposal=propose(), by=UserFactory()).created_node
    assert second.code == "svc.peinture_epoxy_2"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"kind": "synonym", "synonym": "usinage CN"},
            "« usinage CN » désigne déjà Usinage (proc.machining).",
        ),
        ({"kind": "synonym", "synonym": "Fraisage"}, "désigne déjà Fraisage (proc.machining.milling)."),
        ({"kind": "synonym", "synonym": ""}, "Indiquez le nœud et le synonyme proposé."),
        (
            {"kind": "node", "label_fr": "Usinage", "label_en": "Lathe", "node_type": "material"},
            "un synonyme",
        ),
        ({"kind": "node", "label_fr": "Verre", "label_en": ""}, "Indiquez les libellés français et anglais"),
    ],
)
def test_known_terms_and_incomplete_proposals_are_refused(loaded, kwargs, message):
    if kwargs["kind"] == "synonym":
        kwargs["node"] = node("proc.machining.milling.5axis")
    with pytest.raises(TaxonomyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        taxonomy_proposal_create(network=NetworkFactory(), proposed_by=UserFactory(), **kwargs)
    assert not TaxonomyProposal.objects.exists()


def test_the_same_pending_synonym_is_not_proposed_twice(loaded):
    propose_synonym()
    with pytest.raises(TaxonomyError, match="déjà proposé"):
        propose_synonym("Fraisage grande vitesse")


def test_rejected_proposal_changes_nothing_and_is_decided_once(loaded):
    proposal = propose_synonym()
    taxonomy_proposal_reject(proposal=proposal, by=UserFactory(), note="Trop vague")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == (TaxonomyProposal.Status.REJECTED, "Trop vague")
    assert node("proc.machining.milling").animator_synonyms_fr == []
    with pytest.raises(TaxonomyError, match="déjà été décidée"):
        taxonomy_proposal_accept(proposal=proposal, by=UserFactory())
