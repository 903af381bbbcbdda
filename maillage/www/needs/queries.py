"""Reads the need pages require that the domain app does not offer (yet).

Nothing here writes. The consortium proposal turns a need and the search engine's hits into
the plain input of ``maillage.engine.consortium.build_consortium``; it is a read because a
proposal is recomputed on each request and stored nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from maillage.accounts.permissions import animated_networks, member_networks
from maillage.directory.models import Establishment, EstablishmentUser, Membership, Network, Organisation
from maillage.engine.consortium import (
    Candidate,
    ConsortiumRequest,
    ConsortiumResult,
    Offer,
    RequiredCapability,
    build_consortium,
)
from maillage.matching.index import IndexMissingError, searcher
from maillage.needs.models import Need
from maillage.needs.selectors import MAX_CANDIDATES, need_search_query
from maillage.referential.models import Commune
from maillage.taxonomy.models import normalise_term

# How much a capability counts according to how the company's profile holds it (engine keys).
QUALITY = {"confirmed": 1.0, "proposed": 0.75, "inferred": 0.5, "mentioned": 0.3}
LARGE = {Organisation.SizeCategory.ETI, Organisation.SizeCategory.GE}


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
        Establishment.objects.filter(user_links__user=user, memberships__status=Membership.Status.MEMBER)
        .select_related("organisation")
        .distinct()
        .order_by("name", "siret")
    )


def commune_lookup(text: str) -> tuple[Commune | None, list[Commune]]:
    """An INSEE code, or a commune name (« Strasbourg », « Strasbourg (67) »): the commune or candidates."""
    text = (text or "").strip()
    if not text:
        return None, []
    found = Commune.objects.filter(insee_code=text).first()
    if found is not None:
        return found, []
    name, _sep, department = text.partition("(")
    rows = Commune.objects.filter(name__iexact=name.strip())
    if department.strip(" )"):
        rows = rows.filter(department__code=department.strip(" )"))
    rows = list(rows.select_related("department")[:10])
    if len(rows) == 1:
        return rows[0], []
    if not rows and normalise_term(name):
        rows = list(Commune.objects.filter(name__icontains=name.strip()[:40])[:10])
    return None, rows


@dataclass(frozen=True)
class ConsortiumProposal:
    result: ConsortiumResult | None
    labels: dict[str, str]  # capability code → French label
    establishments: dict[str, Establishment]  # SIRET → row, for links and names
    error: str = ""


def _place(need: Need) -> tuple[float, float] | None:
    commune = need.commune
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        return commune.latitude, commune.longitude
    author = need.author_establishment
    if author is not None and author.latitude is not None and author.longitude is not None:
        return author.latitude, author.longitude
    return None


def _coordinates(establishment: Establishment) -> tuple[float, float] | None:
    if establishment.latitude is not None and establishment.longitude is not None:
        return establishment.latitude, establishment.longitude
    commune = establishment.commune
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        return commune.latitude, commune.longitude
    return None


def need_consortium_propose(
    need: Need,
    *,
    max_partners: int = 5,
    max_radius_km: float | None = None,
    lead_siret: str = "",
    excluded_sirets: frozenset[str] = frozenset(),
    k: int = 3,
    time_limit_s: float = 1.0,
) -> ConsortiumProposal:
    """The best groups of companies that together cover every capability of ``need``.

    Candidates are the engine's hits for the need (not strict: partial coverers count), each
    offering the requested capabilities its profile holds. Profiles declare no capacity per
    capability, so quantities are shown but not enforced here.
    """
    rows = list(need.capabilities.select_related("node"))
    labels = {row.node.code: row.node.label_fr for row in rows}
    if not rows:
        return ConsortiumProposal(None, labels, {}, _("Ajoutez au moins un savoir-faire au besoin."))
    place = _place(need)
    if place is None:
        return ConsortiumProposal(
            None, labels, {}, _("Indiquez le lieu du besoin : le groupement se calcule autour de lui.")
        )
    query = need_search_query(need, limit=MAX_CANDIDATES)
    try:
        hits = searcher().search(query).hits
    except IndexMissingError:
        return ConsortiumProposal(None, labels, {}, _("L’index de recherche n’est pas encore construit."))
    by_siret = {
        e.siret: e
        for e in Establishment.objects.filter(siret__in=[h.doc_key for h in hits], is_active=True)
        .exclude(pk=need.author_establishment_id or 0)
        .select_related("organisation", "commune")
    }
    candidates = []
    for hit in hits:
        establishment = by_siret.get(hit.doc_key)
        point = _coordinates(establishment) if establishment else None
        if point is None:
            continue
        offers = {}
        for detail in hit.details:
            if detail.get("kind") == "capability" and detail.get("matched") and detail["requested"] in labels:
                quality = QUALITY.get(detail.get("status"), 0.3)
                offers[detail["requested"]] = max(quality, offers.get(detail["requested"], 0.0))
        if not offers:
            continue
        candidates.append(
            Candidate(
                establishment_id=establishment.siret,
                organisation_id=establishment.organisation.siren,
                lat=point[0],
                lon=point[1],
                offers=tuple(Offer(code, quality) for code, quality in offers.items()),
                is_sme=establishment.organisation.size_category not in LARGE,
                name=establishment.display_name,
            )
        )
    known = {c.establishment_id for c in candidates}
    if lead_siret and lead_siret not in known:
        return ConsortiumProposal(
            None, labels, by_siret,
            _("L’entreprise pilote %(siret)s ne couvre aucun savoir-faire demandé.") % {"siret": lead_siret},
        )  # fmt: skip
    request = ConsortiumRequest(
        capabilities=tuple(RequiredCapability(row.node.code, None, row.node.label_fr) for row in rows),
        place_lat=place[0],
        place_lon=place[1],
        max_partners=max_partners,
        max_radius_km=max_radius_km,
        lead_id=lead_siret or None,
        excluded_ids=frozenset(excluded_sirets) & known,
    )
    result = build_consortium(request, candidates, k=k, time_limit_s=time_limit_s)
    return ConsortiumProposal(result, labels, by_siret)


def need_contacts(recipients) -> dict[int, list]:
    """Users to contact for each answering establishment (establishment id → users)."""
    ids = [r.establishment_id for r in recipients]
    contacts: dict[int, list] = {}
    links = EstablishmentUser.objects.filter(establishment_id__in=ids, user__is_active=True)
    for link in links.select_related("user").order_by("user__email"):
        contacts.setdefault(link.establishment_id, []).append(link.user)
    return contacts
