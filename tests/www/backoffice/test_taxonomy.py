"""Back-office taxonomy additions: animators propose, platform administrators decide."""

import pytest
from django.urls import reverse

from maillage.taxonomy.models import NodeType, TaxonomyNode, TaxonomyProposal
from maillage.taxonomy.services import taxonomy_refresh_tree_paths
from maillage.www.typography import NBSP
from tests.taxonomy.factories import TaxonomyNodeFactory
from tests.www.backoffice.world import world_fixture  # noqa: F401


@pytest.fixture
def nodes(world):
    machining = TaxonomyNodeFactory(code="proc.machining", label_fr="Usinage", label_en="Machining")
    TaxonomyNodeFactory(
        code="proc.machining.milling", label_fr="Fraisage", label_en="Milling", parent=machining
    )
    TaxonomyNodeFactory(code="equip.press", type=NodeType.EQUIPMENT, label_fr="Presse", label_en="Press")
    taxonomy_refresh_tree_paths()
    return world


def page_url(network):
    return reverse("backoffice:taxonomy", args=[network.slug])


def synonym(**overrides):
    return {
        "form": "synonym",
        "kind": "capability",
        "q": "Fraisage",
        "synonym": "fraisage UGV",
        "language": "fr",
    } | overrides


def test_animator_proposes_a_synonym_by_the_node_label(client, nodes):
    client.force_login(nodes["animator_a"])
    page = client.get(page_url(nodes["a"])).content.decode()
    assert "Proposer un synonyme" in page and reverse("profile_edit:taxonomy_suggest") in page
    response = client.post(page_url(nodes["a"]), synonym(rationale="Mot de nos adhérents"))
    assert response.status_code == 302
    proposal = TaxonomyProposal.objects.get()
    assert (proposal.kind, proposal.node.code, proposal.synonym) == (
        "synonym",
        "proc.machining.milling",
        "fraisage UGV",
    )
    assert (proposal.network, proposal.proposed_by) == (nodes["a"], nodes["animator_a"])
    page = client.get(page_url(nodes["a"])).content.decode()
    assert f"Synonyme «{NBSP}fraisage UGV{NBSP}» (Français) pour Fraisage" in page and "En attente" in page


def test_animator_proposes_a_new_node_under_a_parent(client, nodes):
    client.force_login(nodes["animator_a"])
    data = {
        "form": "node",
        "kind": "capability",
        "q": "proc.machining",
        "label_fr": "Rectification",
        "label_en": "Grinding",
    }
    assert client.post(page_url(nodes["a"]), data).status_code == 302
    proposal = TaxonomyProposal.objects.get()
    assert (proposal.kind, proposal.parent.code, proposal.node_type) == ("node", "proc.machining", "process")


def test_known_term_or_unknown_node_is_refused_with_a_message(client, nodes):
    client.force_login(nodes["animator_a"])
    response = client.post(page_url(nodes["a"]), synonym(synonym="Usinage"))
    assert response.status_code == 200
    assert f"«{NBSP}Usinage{NBSP}» désigne déjà Usinage (proc.machining)." in response.content.decode()
    assert list(response.context["synonym_form"].errors) == ["synonym"]  # the service names the field
    response = client.post(page_url(nodes["a"]), synonym(q="Presse"))  # an equipment, not a capability
    assert f"Aucun nœud ne correspond exactement à «{NBSP}Presse{NBSP}»." in response.content.decode()
    response = client.post(
        page_url(nodes["a"]), {"form": "node", "kind": "capability", "label_fr": "X", "label_en": "X"}
    )
    assert "Choisissez un parent ou un type." in response.content.decode()
    assert not TaxonomyProposal.objects.exists()


def test_animator_sees_only_their_network_proposals(client, nodes):
    client.force_login(nodes["animator_b"])
    client.post(page_url(nodes["b"]), synonym(synonym="fraisage B"))
    client.force_login(nodes["animator_a"])
    assert "fraisage B" not in client.get(page_url(nodes["a"])).content.decode()
    assert client.get(page_url(nodes["b"])).status_code == 403
    assert client.post(page_url(nodes["b"]), synonym()).status_code == 403
    assert TaxonomyProposal.objects.count() == 1


def test_platform_admin_accepts_and_rejects(client, nodes):
    client.force_login(nodes["animator_a"])
    client.post(page_url(nodes["a"]), synonym())
    client.post(page_url(nodes["a"]), synonym(synonym="fraisage rapide"))
    first, second = TaxonomyProposal.objects.order_by("pk")
    client.force_login(nodes["admin"])
    page = client.get(reverse("backoffice:taxonomy_proposals")).content.decode()
    assert f'id="proposition-{first.pk}"' in page and "Réseau A" in page
    client.post(reverse("backoffice:taxonomy_proposal_accept", args=[first.pk]))
    client.post(reverse("backoffice:taxonomy_proposal_reject", args=[second.pk]), {"note": "Doublon"})
    assert TaxonomyNode.objects.get(code="proc.machining.milling").animator_synonyms_fr == ["fraisage UGV"]
    second.refresh_from_db()
    assert (second.status, second.decision_note) == ("rejected", "Doublon")
    response = client.post(reverse("backoffice:taxonomy_proposal_accept", args=[second.pk]), follow=True)
    assert "Cette proposition a déjà été décidée." in response.content.decode()
    client.force_login(nodes["animator_a"])
    page = client.get(page_url(nodes["a"])).content.decode()
    assert "Acceptée" in page and "Refusée — Doublon" in page


def test_animators_cannot_decide_proposals(client, nodes):
    client.force_login(nodes["animator_a"])
    client.post(page_url(nodes["a"]), synonym())
    proposal = TaxonomyProposal.objects.get()
    assert client.get(reverse("backoffice:taxonomy_proposals")).status_code == 403
    assert client.post(reverse("backoffice:taxonomy_proposal_accept", args=[proposal.pk])).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == TaxonomyProposal.Status.PENDING
