"""Reads of the import review queue, scoped to a network for the animators' back-office."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from maillage.directory.models import Membership, Network
from maillage.imports.models import MappingDecision, MappingReview
from maillage.taxonomy.models import TaxonomyNode


def _of_network(network: Network) -> Q:
    """Values imported for establishments of ``network`` (member or prospect), and the
    purchase-ledger categories imported for it."""
    members = Membership.objects.filter(network=network).values("establishment_id")
    return Q(establishment_id__in=members) | Q(origin=MappingReview.Origin.LEDGER, network=network)


def network_mapping_reviews(
    network: Network, *, status: str = "", column: str = ""
) -> QuerySet[MappingReview]:
    """Reviews of values imported for establishments of ``network`` (member or prospect).

    Reviews without an establishment belong to no network, except purchase-ledger categories
    (origin ledger), which name the network of their import: the others only the Django admin
    shows.
    """
    reviews = MappingReview.objects.filter(_of_network(network)).select_related(
        "establishment", "import_run", "decided_node", "decided_by"
    )
    if status:
        reviews = reviews.filter(status=status)
    if column:
        reviews = reviews.filter(column=column)
    return reviews.order_by("status", "-created_at", "-pk")


def network_mapping_review_counts(network: Network) -> dict[str, int]:
    rows = (
        MappingReview.objects.filter(_of_network(network)).values("status").annotate(n=Count("pk")).order_by()
    )
    counts = dict.fromkeys(MappingReview.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def proposal_nodes(reviews) -> dict[str, TaxonomyNode]:
    """The nodes named by the proposals of ``reviews``, by code, in one query."""
    codes = {proposal["code"] for review in reviews for proposal in review.proposals}
    return {node.code: node for node in TaxonomyNode.objects.filter(code__in=codes)}


def mapping_decisions() -> dict[tuple[str, str], str]:
    """(normalised text, node type) → the code the animators chose, or "" for "maps to nothing";
    ``TaxonomyMapper.from_database`` applies them (registered in ``ImportsConfig.ready``)."""
    return {
        (d.normalised_text, d.node_type): (d.node.code if d.node_id else "")
        for d in MappingDecision.objects.select_related("node")
    }
