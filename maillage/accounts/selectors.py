"""Reads for the animator back-office and the claims pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from maillage.accounts.models import Claim, Invitation, User
from maillage.directory.models import Membership, Network


def network_memberships(
    network: Network, *, status: str = "", query: str = "", dues: str = ""
) -> QuerySet[Membership]:
    """Memberships of ``network`` with their establishment, filtered by status, dues and by a
    text query on name, trade name, organisation, SIRET or city; with their number of user
    accounts and of the network's contacts."""
    memberships = Membership.objects.filter(network=network).select_related(
        "establishment", "establishment__organisation", "establishment__commune"
    )
    if status:
        memberships = memberships.filter(status=status)
    if dues:
        memberships = memberships.filter(dues_status=dues)
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
    return memberships.annotate(
        user_count=Count("establishment__user_links", distinct=True),
        contact_count=Count(
            "establishment__contacts", filter=Q(establishment__contacts__network=network), distinct=True
        ),
    ).order_by("establishment__organisation__name", "establishment__siret")


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


def account_data(user: User) -> dict:
    """Everything stored about ``user`` as a person (GDPR, articles 15 and 20), for their own
    download: account, companies they act for, claims, needs they posted, notifications."""

    def day(value):
        return value.isoformat() if value else None

    return {
        "compte": {
            "adresse_email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "inscrit_le": day(user.date_joined),
            "derniere_connexion": day(user.last_login),
            "langue": user.language,
        },
        "emails_desactives": list(user.muted_emails or []),
        "emails_de_compte": [
            {
                "nature": e.kind,
                "a": e.to,
                "nouvelle_adresse": e.new_email,
                "le": day(e.created_at),
                "etat": e.state,
            }
            for e in user.account_emails.order_by("created_at")
        ],
        "entreprises": [
            {"siret": link.establishment.siret, "nom": link.establishment.display_name}
            for link in user.establishment_links.select_related("establishment")
        ],
        "reseaux_animes": [network.name for network in user.animated_networks.order_by("name")],
        "revendications": [
            {
                "siret": claim.establishment.siret,
                "reseau": claim.network.name,
                "statut": claim.status,
                "message": claim.message,
                "demandee_le": day(claim.created_at),
                "decidee_le": day(claim.decided_at),
            }
            for claim in user_claims(user).order_by("created_at")
        ],
        "besoins_publies": [
            {"titre": need.title, "statut": need.status, "cree_le": day(need.created_at)}
            for need in user.needs.order_by("created_at")
        ],
        "notifications": [
            {"nature": n.kind, "besoin": n.need.title, "le": day(n.created_at), "lue_le": day(n.read_at)}
            for n in user.notifications.select_related("need").order_by("created_at")
        ],
    }
