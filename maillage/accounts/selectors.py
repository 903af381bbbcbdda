"""Reads for the animator back-office and the claims pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from maillage.accounts.models import Claim, Invitation, User
from maillage.directory.models import Membership, Network


def network_memberships(network: Network, *, status: str = "", query: str = "") -> QuerySet[Membership]:
    """Memberships of ``network`` with their establishment, filtered by status and by a text query
    on name, trade name, organisation, SIRET or city."""
    memberships = Membership.objects.filter(network=network).select_related(
        "establishment", "establishment__organisation", "establishment__commune"
    )
    if status:
        memberships = memberships.filter(status=status)
    query = query.strip()
    if query:
        compact = "".join(query.split())
        memberships = memberships.filter(
            Q(establishment__name__icontains=query)
            | Q(establishment__trade_name__icontains=query)
            | Q(establishment__organisation__name__icontains=query)
            | Q(establishment__city__icontains=query)
            | Q(establishment__commune__name__icontains=query)
            | Q(establishment__siret__startswith=compact)
        )
    return memberships.annotate(user_count=Count("establishment__user_links")).order_by(
        "establishment__organisation__name", "establishment__siret"
    )


def network_status_counts(network: Network) -> dict[str, int]:
    counts = dict.fromkeys(Membership.Status.values, 0)
    for row in Membership.objects.filter(network=network).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def network_claims(network: Network) -> QuerySet[Claim]:
    return Claim.objects.filter(network=network).select_related(
        "user", "establishment", "establishment__organisation", "decided_by"
    )


def network_invitations(network: Network) -> QuerySet[Invitation]:
    return Invitation.objects.filter(network=network).select_related("establishment", "invited_by")


def user_claims(user: User) -> QuerySet[Claim]:
    return Claim.objects.filter(user=user).select_related("establishment", "network")
