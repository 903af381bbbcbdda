"""Purchase-ledger categories mapped to nothing reach the import review queue (back-office).

One review per (network, category text), with the lines and the amount waiting for it; the
animator's decision gives those lines' relations the category, and the leakage figures follow.
"""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from stdnum.fr import siret as stdnum_siret

from maillage.imports.models import MappingReview
from maillage.relations.leakage import Territory, leakage_for
from maillage.relations.models import PurchaseLine, RelationEvent, SupplyRelation
from maillage.www.typography import NBSP
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.directory.factories import (
    EstablishmentFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)
from tests.referential.factories import CommuneFactory

HEADER = "SIRET fournisseur;Fournisseur;Commune;Montant HT;Catégorie;Année"
UNMAPPED = "fournitures diverses"


def outside_siret() -> str:
    """A valid SIRET of a company outside the directory."""
    siren = OrganisationFactory.build().siren
    return next(siret for n in range(1, 100) if stdnum_siret.is_valid(siret := f"{siren}{n:05d}"))


@pytest.fixture
def world(taxonomy):
    home = CommuneFactory(insee_code="67482", name="Strasbourg")
    network = NetworkFactory(slug="pole")
    network.communes.add(home)
    other = NetworkFactory(slug="autre")
    animator, other_animator = UserFactory(), UserFactory()
    network.animators.add(animator)
    other.animators.add(other_animator)
    buyers = [MembershipFactory(network=network, establishment__commune=home).establishment for _ in range(3)]
    member = EstablishmentUserFactory(establishment=buyers[0]).user
    known = EstablishmentFactory(name="Usinage Known", commune=home)
    return {
        "network": network,
        "other": other,
        "animator": animator,
        "other_animator": other_animator,
        "member": member,
        "buyers": buyers,
        "known": known,
        "suppliers": [outside_siret() for _ in range(3)],
    }


def ledger(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def first_ledger(tmp_path, world):
    s = world["suppliers"]
    return ledger(
        tmp_path,
        "achats.csv",
        [
            f"{s[0]};Fournil Lointain;;100;{UNMAPPED};2025",
            f"{s[1]};Bureau Lointain;;250,50;{UNMAPPED};2025",
            f"{s[1]};Bureau Lointain;;49,50;Fournitures DIVERSES;2025",  # same text, other spelling
            f"{world['known'].siret};;;1000;usinage;2025",  # mapped: not queued
        ],
    )


def run(path, buyer, *args, network="pole"):
    out = StringIO()
    call_command(
        "import_ledger", str(path), "--buyer", buyer.siret, "--network", network, *args, "--json", stdout=out
    )
    return json.loads(out.getvalue())["counts"]


def ledger_reviews():
    return MappingReview.objects.filter(origin=MappingReview.Origin.LEDGER)


def decide_url(world, review, slug=None):
    return reverse("backoffice:review_decide", args=[slug or world["network"].slug, review.pk])


def test_unmapped_category_is_queued_once_with_its_lines_and_amount(world, tmp_path):
    counts = run(first_ledger(tmp_path, world), world["buyers"][0], "--wet-run")
    assert counts["categories_unmapped"] == 3 and counts["categories_mapped"] == 1
    assert counts["categories_to_review"] == 1
    review = ledger_reviews().get()
    assert review.network == world["network"] and review.establishment is None
    assert review.status == MappingReview.Status.PENDING and review.raw_text == UNMAPPED
    assert review.column == "capabilities" and review.file_name == "achats.csv" and review.line == 2
    assert review.line_count == 3 and review.amount == Decimal("400.00")
    waiting = SupplyRelation.objects.filter(category_review=review)
    assert waiting.count() == 2 and not waiting.filter(category_node__isnull=False).exists()
    mapped = SupplyRelation.objects.get(supplier=world["known"])
    assert mapped.category_node is not None and mapped.category_review is None
    # The whole queue counts: only this one review, not one per line.
    assert MappingReview.objects.count() == 1


def test_dry_run_queues_nothing(world, tmp_path):
    counts = run(first_ledger(tmp_path, world), world["buyers"][0])
    assert counts["categories_to_review"] == 1  # reported as the wet run would
    assert not MappingReview.objects.exists() and not SupplyRelation.objects.exists()


def test_reimport_does_not_duplicate_and_other_ledgers_of_the_network_add_to_it(world, tmp_path):
    path = first_ledger(tmp_path, world)
    run(path, world["buyers"][0], "--wet-run")
    counts = run(path, world["buyers"][0], "--wet-run")
    assert counts["lines_unchanged"] == 4 and "categories_to_review" not in counts
    review = ledger_reviews().get()
    assert (review.line_count, review.amount) == (3, Decimal("400.00"))
    # Another buyer's ledger in the same network: the same review, its lines added.
    second = ledger(tmp_path, "achats2.csv", [f"{world['suppliers'][2]};Papeterie;;600;{UNMAPPED};2025"])
    run(second, world["buyers"][1], "--wet-run")
    review = ledger_reviews().get()
    assert (review.line_count, review.amount) == (4, Decimal("1000.00"))
    # Another network keeps its own review of the same text.
    third = ledger(tmp_path, "achats3.csv", [f"{world['suppliers'][2]};Papeterie;;5;{UNMAPPED};2024"])
    run(third, world["buyers"][2], "--wet-run", network="autre")
    assert ledger_reviews().count() == 2
    assert ledger_reviews().get(network=world["other"]).line_count == 1


def leakage_world(world, tmp_path):
    """3 buyers × 3 outside suppliers in the unmapped category: the figures can be shown."""
    for n, buyer in enumerate(world["buyers"]):
        rows = [f"{siret};;;{100 * (k + 1)};{UNMAPPED};2025" for k, siret in enumerate(world["suppliers"])]
        run(ledger(tmp_path, f"achats{n}.csv", rows), buyer, "--wet-run")


def test_deciding_categorises_the_waiting_lines_and_the_leakage_follows(client, world, tmp_path, taxonomy):
    leakage_world(world, tmp_path)
    review = ledger_reviews().get()
    assert (review.line_count, review.amount) == (9, Decimal("1800.00"))
    territory = Territory.of_network(world["network"])
    before = leakage_for(world["animator"], territory=territory)
    assert [(c.key, c.outside) for c in before.categories] == [(f"text:{UNMAPPED}", 1800.0)]

    client.force_login(world["animator"])
    response = client.get(reverse("backoffice:reviews", args=["pole"]))
    page = response.content.decode()
    assert f"«{NBSP}{UNMAPPED}{NBSP}»" in page and "Catégorie d’achat" in page and "9 lignes" in page
    node = taxonomy["proc.surface.anodising"]
    response = client.post(decide_url(world, review), {"action": "pick", "q": node.code})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == MappingReview.Status.MAPPED and review.decided_node == node
    relations = SupplyRelation.objects.filter(category_text=UNMAPPED)
    assert relations.count() == 9
    assert set(relations.values_list("category_node", flat=True)) == {node.pk}
    assert not relations.filter(category_review__isnull=False).exists()
    assert RelationEvent.objects.filter(kind=RelationEvent.Kind.CHANGED, actor=world["animator"]).count() == 9

    after = leakage_for(world["animator"], territory=territory)
    assert [(c.key, c.label, c.outside) for c in after.categories] == [
        (f"node:{node.pk}", node.label_fr, 1800.0)
    ]
    # Reimporting after the decision keeps the same relations, now categorised, and queues nothing.
    relation_ids, line_count = set(relations.values_list("pk", flat=True)), PurchaseLine.objects.count()
    rows = [f"{siret};;;{100 * (k + 1)};{UNMAPPED};2025" for k, siret in enumerate(world["suppliers"])]
    counts = run(ledger(tmp_path, "achats0.csv", rows), world["buyers"][0], "--wet-run")
    assert counts["categories_mapped"] == 3 and "categories_to_review" not in counts
    assert set(SupplyRelation.objects.values_list("pk", flat=True)) == relation_ids
    assert PurchaseLine.objects.count() == line_count and ledger_reviews().count() == 1


def test_dismissing_leaves_the_text_and_is_remembered(client, world, tmp_path):
    path = first_ledger(tmp_path, world)
    run(path, world["buyers"][0], "--wet-run")
    review = ledger_reviews().get()
    client.force_login(world["animator"])
    client.post(decide_url(world, review), {"action": "dismiss"})
    review.refresh_from_db()
    assert review.status == MappingReview.Status.DISMISSED
    waiting = SupplyRelation.objects.filter(category_text__iexact=UNMAPPED)
    assert waiting.count() == 2 and not waiting.filter(category_node__isnull=False).exists()
    assert not waiting.filter(category_review__isnull=False).exists()
    counts = run(path, world["buyers"][0], "--wet-run")
    assert "categories_to_review" not in counts and ledger_reviews().count() == 1


def test_a_member_without_the_animator_role_cannot_see_nor_decide(client, world, tmp_path):
    run(first_ledger(tmp_path, world), world["buyers"][0], "--wet-run")
    review = ledger_reviews().get()
    for user in (world["member"], world["other_animator"]):
        client.force_login(user)
        response = client.get(reverse("backoffice:reviews", args=["pole"]))
        assert response.status_code == 403 and UNMAPPED not in response.content.decode()
        assert client.post(decide_url(world, review), {"action": "dismiss"}).status_code == 403
    # The other network's animator does not find it through their own page either.
    response = client.get(reverse("backoffice:reviews", args=["autre"]))
    assert response.status_code == 200 and UNMAPPED not in response.content.decode()
    assert client.post(decide_url(world, review, "autre"), {"action": "dismiss"}).status_code == 404
    review.refresh_from_db()
    assert review.status == MappingReview.Status.PENDING
    assert SupplyRelation.objects.filter(category_review=review).count() == 2
