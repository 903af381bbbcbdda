"""Reads for the animator back-office and the claims pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from maillage.accounts.models import Claim, Invitation, JoinRequest, User
from maillage.directory.models import Contact, EstablishmentUser, Membership, Network
from maillage.referential.models import Epci, HeadcountBand, NafCode


def network_memberships(
    network: Network,
    *,
    status: str = "",
    query: str = "",
    dues: str = "",
    category: str = "",
    epci: str = "",
    naf_section: str = "",
    naf_division: str = "",
    headcount_band: str = "",
    capability_path: str = "",
) -> QuerySet[Membership]:
    """Memberships of ``network`` with their establishment, filtered by status, dues (the latest
    dues' status), category, EPCI (SIREN), activity (NAF section letter or division), headcount
    band (code), a capability (the ``tree_path`` of a taxonomy node: members that declared it
    or one of its descendants) and a text query on name, trade name, organisation, SIRET or
    city (their numbers of user accounts and contacts: ``with_link_counts``).

    The members list, its exports, its bulk actions and the e-mail to its contacts read their
    selection here, with the arguments ``MemberFilterForm.filters()`` gives."""
    memberships = Membership.objects.filter(network=network).select_related(
        "establishment", "establishment__organisation", "establishment__commune"
    )
    exact = {
        "status": status,
        "dues_status": dues,
        "category": category,
        "establishment__commune__epci_id": epci,
        "establishment__naf__section": naf_section,
        "establishment__headcount_band_id": headcount_band,
    }
    memberships = memberships.filter(**{lookup: value for lookup, value in exact.items() if value})
    if naf_division:
        memberships = memberships.filter(establishment__naf__code__startswith=f"{naf_division}.")
    if capability_path:
        # A subquery rather than a join: a company declaring three matching capabilities is one row.
        declaring = Membership.objects.filter(
            network=network,
            establishment__profile__capabilities__node__tree_path__startswith=capability_path,
            establishment__profile__capabilities__status="confirmed",
        )
        memberships = memberships.filter(pk__in=declaring.values("pk"))
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
    return memberships.order_by("establishment__organisation__name", "establishment__siret")


def with_link_counts(network: Network, memberships) -> list[Membership]:
    """``memberships`` (a page of the list, or all of an export) with ``user_count`` and
    ``contact_count`` set: two grouped queries over just their companies. Counting in the list's
    query instead joined every membership with all its users and contacts before the page's
    50 rows were picked: 130 ms at 5,000 members (bench/web.py --scale backoffice)."""
    memberships = list(memberships)
    ids = [membership.establishment_id for membership in memberships]
    users, contacts = {}, {}
    for chunk in range(0, len(ids), 500):  # SQLite's bound parameters
        part = ids[chunk : chunk + 500]
        users.update(_counts(EstablishmentUser.objects.filter(establishment_id__in=part)))
        contacts.update(_counts(Contact.objects.filter(network=network, establishment_id__in=part)))
    for membership in memberships:
        membership.user_count = users.get(membership.establishment_id, 0)
        membership.contact_count = contacts.get(membership.establishment_id, 0)
    return memberships


def _counts(rows: QuerySet) -> dict[int, int]:
    return dict(
        rows.order_by()
        .values("establishment_id")
        .annotate(n=Count("pk"))
        .values_list("establishment_id", "n")
    )


@dataclass(frozen=True)
class MemberFacets:
    """What the members list's filters offer: the values its companies have."""

    categories: list[str]
    epcis: list[tuple[str, str]]  # (SIREN, name)
    naf_sections: list[tuple[str, str]]  # (letter, label)
    naf_divisions: list[tuple[str, str]]  # (two digits, label)
    headcount_bands: list[HeadcountBand]


def network_member_facets(network: Network) -> MemberFacets:
    """The values the network's companies have, for the members list's filters. Kept in the
    cache under a version of the network's memberships and their companies (how many, the
    latest change of each): a company added, removed or changed shows at once, and the list's
    every visit does not pay the four DISTINCT queries over the network (9 ms at 5,000 members,
    bench/backoffice_pages.py; the version costs 3)."""
    version = Membership.objects.filter(network=network).aggregate(
        n=Count("pk"), memberships=Max("updated_at"), companies=Max("establishment__updated_at")
    )
    key = "member-facets:{}:{}:{}:{}".format(
        network.pk, version["n"], version["memberships"] and version["memberships"].timestamp(),
        version["companies"] and version["companies"].timestamp(),
    )  # fmt: skip
    facets = cache.get(key)
    if facets is None:
        facets = _member_facets(network)
        cache.set(key, facets, FACETS_SECONDS)
    return facets


FACETS_SECONDS = 600  # a bulk write that bypasses ``updated_at`` shows after ten minutes at worst


def _member_facets(network: Network) -> MemberFacets:
    """One DISTINCT query per filter, then their labels: joining each referential table with
    every membership instead took twice as long."""
    memberships = Membership.objects.filter(network=network).order_by()

    def distinct(field: str) -> set:
        return set(memberships.values_list(field, flat=True).distinct()) - {None, ""}

    codes = distinct("establishment__naf_id")
    sections = set(NafCode.objects.filter(code__in=codes).values_list("section", flat=True))
    divisions = {code[:2] for code in codes if code[:2].isdigit()}
    labels = dict(
        NafCode.objects.filter(Q(code__in=sections) | Q(code__in=divisions)).values_list("code", "label")
    )
    return MemberFacets(
        categories=sorted(distinct("category")),
        epcis=list(
            Epci.objects.filter(siren__in=distinct("establishment__commune__epci_id"))
            .order_by("name")
            .values_list("siren", "name")
        ),
        naf_sections=[(code, labels.get(code, code)) for code in sorted(sections)],
        naf_divisions=[(code, labels.get(code, code)) for code in sorted(divisions)],
        headcount_bands=list(
            HeadcountBand.objects.filter(code__in=distinct("establishment__headcount_band_id")).order_by(
                "code"
            )
        ),
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


def network_join_requests(network: Network) -> QuerySet[JoinRequest]:
    """« Adhérer au réseau » requests to ``network`` (their contacts' data: animators' eyes only)."""
    return JoinRequest.objects.filter(network=network).select_related(
        "establishment", "establishment__organisation", "establishment__commune", "decided_by"
    )


def network_invitations(network: Network) -> QuerySet[Invitation]:
    return Invitation.objects.filter(network=network).select_related("establishment", "invited_by")


def user_claims(user: User) -> QuerySet[Claim]:
    return Claim.objects.filter(user=user).select_related("establishment", "network")


def account_data(user: User) -> dict:
    """Everything stored about ``user`` as a person (GDPR, articles 15 and 20), for their own
    download: account, companies they act for, claims, join requests they sent (or that name
    their address), needs they posted, notifications."""

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
        "demandes_adhesion": [
            {
                "siret": join.establishment.siret,
                "reseau": join.network.name,
                "prenom": join.first_name,
                "nom": join.last_name,
                "adresse_email": join.email,
                "telephone": join.phone,
                "accord_messages_le": day(join.consent_on),
                "motivation": join.motivation,
                "statut": join.status,
                "demandee_le": day(join.created_at),
            }
            for join in JoinRequest.objects.filter(Q(user=user) | Q(email__iexact=user.email))
            .select_related("establishment", "network")
            .order_by("created_at")
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
