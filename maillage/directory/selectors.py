"""Reads that span several directory models: networks, their members and key figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from maillage.directory.models import Establishment, Membership, Network
from maillage.referential.models import Commune


def network_list() -> QuerySet[Network]:
    """Every network with its number of current members, for the network index page."""
    return Network.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.MEMBER))
    ).order_by("name")


def network_territory_communes(network: Network) -> QuerySet[Commune]:
    """Communes of the territory, whether listed alone, through an EPCI or a department.

    Three ``Exists`` keep the query flat (no DISTINCT over a three-way OR join), so it stays
    usable as a subquery on a million establishments.
    """
    through = Network.communes.through
    return Commune.objects.filter(
        Exists(through.objects.filter(network=network, commune=OuterRef("pk")))
        | Exists(Network.epcis.through.objects.filter(network=network, epci=OuterRef("epci_id")))
        | Exists(
            Network.departments.through.objects.filter(network=network, department=OuterRef("department_id"))
        )
    )


def network_members(network: Network) -> QuerySet[Establishment]:
    """Current members of ``network``, with what a member list shows, by name."""
    return (
        Establishment.objects.filter(
            memberships__network=network, memberships__status=Membership.Status.MEMBER
        )
        .select_related("organisation", "commune", "naf", "headcount_band")
        .order_by("organisation__name", "siret")
    )


def network_territory_establishments(network: Network) -> QuerySet[Establishment]:
    """Active establishments located in the territory, members or not."""
    return Establishment.objects.active().filter(commune__in=network_territory_communes(network).values("pk"))


@dataclass(frozen=True)
class NetworkFigures:
    members: int
    prospects: int
    territory_establishments: int
    # Jobs are only known as INSEE headcount bands: the figure is a range.
    jobs_min: int
    jobs_max: int
    communes_covered: int
    territory_communes: int


def network_figures(network: Network) -> NetworkFigures:
    """Key figures of a network's home page, in four queries whatever the network's size."""
    memberships = network.memberships.aggregate(
        members=Count("pk", filter=Q(status=Membership.Status.MEMBER)),
        prospects=Count("pk", filter=Q(status=Membership.Status.PROSPECT)),
    )
    member_establishments = Establishment.objects.filter(
        memberships__network=network, memberships__status=Membership.Status.MEMBER
    )
    # Bands without an upper bound ("10 000 and more") count at their lower bound.
    jobs = member_establishments.aggregate(
        jobs_min=Coalesce(Sum("headcount_band__min_employees"), 0),
        jobs_max=Coalesce(Sum(Coalesce("headcount_band__max_employees", "headcount_band__min_employees")), 0),
        communes_covered=Count("commune", distinct=True),
    )
    return NetworkFigures(
        members=memberships["members"],
        prospects=memberships["prospects"],
        territory_establishments=network_territory_establishments(network).count(),
        jobs_min=jobs["jobs_min"],
        jobs_max=jobs["jobs_max"],
        communes_covered=jobs["communes_covered"],
        territory_communes=network_territory_communes(network).count(),
    )
