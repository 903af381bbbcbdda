"""Reads the need pages require that the domain app does not offer. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from maillage.accounts.permissions import animated_networks, member_networks
from maillage.directory.models import Establishment, EstablishmentUser, Network
from maillage.engine.consortium import ConsortiumResult


def postable_networks(user) -> QuerySet[Network]:
    """Networks in which ``user`` may post a need: those it animates, those it is a member of."""
    ids = set(animated_networks(user).values_list("pk", flat=True))
    ids |= set(member_networks(user).values_list("pk", flat=True))
    return Network.objects.filter(pk__in=ids).order_by("name")


def author_establishments(user) -> QuerySet[Establishment]:
    """Member establishments ``user`` acts for (a need is posted in the name of one of them)."""
    if not (user and user.is_authenticated):
        return Establishment.objects.none()
    return (
        Establishment.objects.filter(user_links__user=user)
        .current_members()
        .select_related("organisation")
        .distinct()
        .order_by("name", "siret")
    )


@dataclass(frozen=True)
class ConsortiumProposal:
    """What the consortium page shows: the solver's result (or why there is none) and labels."""

    result: ConsortiumResult | None
    labels: dict[str, str]  # capability code → French label
    error: str = ""


def need_contacts(recipients) -> dict[int, list]:
    """Users to contact for each answering establishment (establishment id → users)."""
    ids = [r.establishment_id for r in recipients]
    contacts: dict[int, list] = {}
    links = EstablishmentUser.objects.filter(establishment_id__in=ids, user__is_active=True)
    for link in links.select_related("user").order_by("user__email"):
        contacts.setdefault(link.establishment_id, []).append(link.user)
    return contacts
