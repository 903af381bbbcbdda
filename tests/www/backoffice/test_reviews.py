"""Back-office import review queue: scoped to the network, decisions remembered and applied."""

import pytest
from django.urls import reverse

from maillage.imports.models import ImportRun, MappingDecision, MappingReview
from maillage.profiles.selectors import profile_snapshot
from maillage.taxonomy.mapping import normalise
from maillage.taxonomy.models import NodeType
from maillage.taxonomy.services import taxonomy_refresh_tree_paths
from maillage.www.typography import NBSP
from tests.taxonomy.factories import TaxonomyNodeFactory
from tests.www.backoffice.world import world_fixture  # noqa: F401


@pytest.fixture
def queue(world):
    TaxonomyNodeFactory(
        code="svc.design", type=NodeType.SERVICE, label_fr="Bureau d’études", label_en="Design"
    )
    TaxonomyNodeFactory(code="proc.machining", label_fr="Usinage", label_en="Machining")
    TaxonomyNodeFactory(
        code="cert.iso9001", type=NodeType.CERTIFICATION, label_fr="ISO 9001", label_en="ISO 9001"
    )
    taxonomy_refresh_tree_paths()
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.PROFILES, file_path="/tmp/adherents.xlsx", file_fingerprint="x", options_key="k"
    )

    def review(establishment, text="BE intégré", column="capabilities", node_type="capability", **kwargs):
        defaults = {
            "proposals": [{"code": "svc.design", "score": 0.72}, {"code": "proc.machining", "score": 0.41}],
            "confidence": 0.6, "import_run": run, "file_name": "adherents.xlsx", "line": 7, "item": text,
        }  # fmt: skip
        return MappingReview.objects.create(
            establishment=establishment,
            column=column,
            node_type=node_type,
            raw_text=text,
            normalised_text=normalise(text),
            **(defaults | kwargs),
        )

    return {
        **world,
        "a": world["a"],
        "mine": review(world["own"]),
        "theirs": review(world["elsewhere"]),
        "certification": review(
            world["own"],
            "ISO 9001 en cours",
            "certifications",
            "certification",
            proposals=[],
            written_column="capabilities",
        ),
    }


def url(network, *args):
    name = "backoffice:review_decide" if args else "backoffice:reviews"
    return reverse(name, args=[network.slug, *args])


def test_animator_sees_the_pending_reviews_of_their_members_with_proposals_and_context(client, queue):
    client.force_login(queue["animator_a"])
    response = client.get(url(queue["a"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="rattachement-{queue["mine"].pk}"' in page
    assert f'id="rattachement-{queue["certification"].pk}"' in page
    assert f'id="rattachement-{queue["theirs"].pk}"' not in page  # network B's member
    assert "Bureau d’études" in page and "72 %" in page and "41 %" in page
    assert "Tôlerie Kieffer" in page and "adherents.xlsx" in page and "ligne 7" in page
    assert reverse("profile_edit:taxonomy_suggest") + "?kind=capability" in page
    assert f'name="q" list="options-{queue["mine"].pk}"' in page
    # Written among the capabilities, waiting among the certifications: the card says so.
    assert page.count("Écrit dans la colonne") == 1
    assert 'Savoir-faire, matières et services <span class="muted">(rangé ici d’après son type)' in page
    assert "présentés comme ses propres mots, en attente de validation" in page


def test_the_autocomplete_answers_what_the_pick_field_sends(client, queue):
    # The input is named ``q``: the suggestion endpoint reads that parameter.
    response = client.get(reverse("profile_edit:taxonomy_suggest"), {"kind": "capability", "q": "usin"})
    assert 'value="Usinage"' in response.content.decode()


def test_filters_by_column_and_status(client, queue):
    client.force_login(queue["animator_a"])
    page = client.get(url(queue["a"]), {"colonne": "certifications", "statut": "pending"}).content.decode()
    assert f'id="rattachement-{queue["certification"].pk}"' in page
    assert f'id="rattachement-{queue["mine"].pk}"' not in page
    page = client.get(url(queue["a"]), {"statut": "mapped"}).content.decode()
    assert "Aucun rattachement ne correspond à ces filtres." in page
    queue["certification"].status = MappingReview.Status.DISMISSED
    queue["certification"].save()
    page = client.get(url(queue["a"]), {"page": "1"}).content.decode()  # pending by default
    assert f'id="rattachement-{queue["certification"].pk}"' not in page
    page = client.get(url(queue["a"]), {"statut": ""}).content.decode()  # "Tous"
    assert f'id="rattachement-{queue["certification"].pk}"' in page


def test_accepting_a_proposal_remembers_it_and_applies_it_within_the_network_only(client, queue):
    client.force_login(queue["animator_a"])
    response = client.post(
        url(queue["a"], queue["mine"].pk), {"action": "accept", "proposal": "svc.design", "statut": "pending"}
    )
    assert response.status_code == 302 and "statut=pending" in response.url
    queue["mine"].refresh_from_db()
    assert queue["mine"].status == MappingReview.Status.MAPPED
    assert queue["mine"].decided_by == queue["animator_a"]
    decision = MappingDecision.objects.get()
    assert (decision.normalised_text, decision.node.code) == (normalise("BE intégré"), "svc.design")
    assert "svc.design" in profile_snapshot(queue["own"]).capabilities
    queue["theirs"].refresh_from_db()
    assert queue["theirs"].status == MappingReview.Status.PENDING  # network B decides for its members
    assert profile_snapshot(queue["elsewhere"]).capabilities == ()


def test_picking_another_node_by_its_label(client, queue):
    client.force_login(queue["animator_a"])
    client.post(url(queue["a"], queue["mine"].pk), {"action": "pick", "q": "usinage"})
    queue["mine"].refresh_from_db()
    assert queue["mine"].decided_node.code == "proc.machining"
    assert MappingDecision.objects.get().node.code == "proc.machining"


def test_an_unknown_node_or_a_foreign_proposal_is_refused_with_a_message(client, queue):
    client.force_login(queue["animator_a"])
    response = client.post(url(queue["a"], queue["mine"].pk), {"action": "pick", "q": "zzz"}, follow=True)
    assert f"Aucun nœud ne correspond exactement à «{NBSP}zzz{NBSP}»" in response.content.decode()
    response = client.post(
        url(queue["a"], queue["mine"].pk), {"action": "accept", "proposal": "cert.iso9001"}, follow=True
    )
    assert "Choisissez l’une des propositions." in response.content.decode()
    response = client.post(
        url(queue["a"], queue["mine"].pk), {"action": "pick", "q": "cert.iso9001"}, follow=True
    )  # a certification cannot name a capability
    queue["mine"].refresh_from_db()
    assert queue["mine"].status == MappingReview.Status.PENDING
    assert not MappingDecision.objects.exists()


def test_dismissing_remembers_that_the_text_names_nothing(client, queue):
    client.force_login(queue["animator_a"])
    client.post(url(queue["a"], queue["certification"].pk), {"action": "dismiss"})
    queue["certification"].refresh_from_db()
    assert queue["certification"].status == MappingReview.Status.DISMISSED
    assert MappingDecision.objects.get().node is None
    response = client.post(url(queue["a"], queue["certification"].pk), {"action": "dismiss"}, follow=True)
    assert "Ce rattachement a déjà été décidé." in response.content.decode()


def test_animator_of_another_network_cannot_see_nor_decide(client, queue):
    client.force_login(queue["animator_b"])
    assert client.get(url(queue["a"])).status_code == 403
    assert client.post(url(queue["a"], queue["mine"].pk), {"action": "dismiss"}).status_code == 403
    # Through their own network's URL, another network's review does not exist.
    assert client.post(url(queue["b"], queue["mine"].pk), {"action": "dismiss"}).status_code == 404
    queue["mine"].refresh_from_db()
    assert queue["mine"].status == MappingReview.Status.PENDING


def test_platform_admin_decides_in_any_network(client, queue):
    client.force_login(queue["admin"])
    assert client.get(url(queue["b"])).status_code == 200
    client.post(url(queue["b"], queue["theirs"].pk), {"action": "accept", "proposal": "proc.machining"})
    queue["theirs"].refresh_from_db()
    assert queue["theirs"].decided_node.code == "proc.machining"
