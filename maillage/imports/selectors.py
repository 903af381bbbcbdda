"""Reads of the import review queue, scoped to a network for the animators' back-office."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from maillage.directory.models import Membership, Network
from maillage.imports.models import MappingReview
from maillage.taxonomy.models import TaxonomyNode


def network_mapping_reviews(
    network: Network, *, status: str = "", column: str = ""
) -> QuerySet[MappingReview]:
    """Reviews of values imported for establishments of ``network`` (member or prospect).

    Reviews without an establishment belong to no network: only the Django admin shows them.
    """
    members = Membership.objects.filter(network=network).values("establishment_id")
    reviews = MappingReview.objects.filter(establishment_id__in=members).select_related(
        "establishment", "import_run", "decided_node", "decided_by"
    )
    if status:
        reviews = reviews.filter(status=status)
    if column:
        reviews = reviews.filter(column=column)
    return reviews.order_by("status", "-created_at", "-pk")


def network_mapping_review_counts(network: Network) -> dict[str, int]:
    members = Membership.objects.filter(network=network).values("establishment_id")
    rows = (
        MappingReview.objects.filter(establishment_id__in=members)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(MappingReview.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def proposal_nodes(reviews) -> dict[str, TaxonomyNode]:
    """The nodes named by the proposals of ``reviews``, by code, in one query."""
    codes = {proposal["code"] for review in reviews for proposal in review.proposals}
    return {node.code: node for node in TaxonomyNode.objects.filter(code__in=codes)}
