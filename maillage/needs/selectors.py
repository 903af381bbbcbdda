"""Reads about needs: settings, the engine's candidates, inboxes and the network's figures."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from maillage.directory.models import Establishment, Network
from maillage.engine import EquipmentConstraint, Location, SearchQuery
from maillage.matching.index import searcher
from maillage.matching.search import DEFAULT_DECAY_KM
from maillage.needs.evidence import all_required_met, requirement_checks, to_confirm
from maillage.needs.models import (
    Answer,
    DeliveryKind,
    Need,
    NeedRecipient,
    NeedStatus,
    NeedVisibility,
    NetworkNeedSettings,
    Notification,
)

MAX_CANDIDATES = 200


def need_settings(network: Network) -> NetworkNeedSettings:
    """The network's row, or an unsaved one holding the defaults."""
    found = NetworkNeedSettings.objects.filter(network=network).first()
    if found is not None:
        return found
    defaults = NetworkNeedSettings(network=network)
    defaults.attachment_max_mb = settings.NEEDS_ATTACHMENT_MAX_MB
    return defaults


@dataclass(frozen=True)
class Candidate:
    establishment_id: int
    siret: str
    name: str
    score: float
    distance_km: float | None
    explanation: str
    requirements: tuple[dict, ...] = ()  # ``needs.evidence`` checks, one per requirement
    unconfirmed: bool = False  # a required capability known from the NAF code only


def need_search_query(need: Need, *, limit: int, exclude_sirets: list[str] = ()) -> SearchQuery:
    """The engine query a need stands for: its capabilities, certifications, equipment, place.

    With several capabilities the search is not strict: companies that cover only part of
    the need rank by how much they cover, because a group of them may answer together.
    """
    capabilities = [row.node.code for row in need.capabilities.select_related("node")]
    location = None
    commune = need.commune
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        radius = float(need.max_distance_km) if need.max_distance_km else None
        location = Location(
            commune.latitude,
            commune.longitude,
            radius_km=radius,
            decay_km=None if radius else DEFAULT_DECAY_KM,
            label=commune.name,
        )
    return SearchQuery(
        text="" if capabilities else need.title,
        capabilities=capabilities,
        certifications=list(need.certifications.values_list("code", flat=True)),
        equipment=[
            EquipmentConstraint(row.node.code, row.spec or None, row.minimum, row.maximum)
            for row in need.equipment.select_related("node")
        ],
        networks=[need.network.slug] if need.visibility == NeedVisibility.MEMBERS else [],
        exclude_doc_keys=list(exclude_sirets),
        location=location,
        strict=len(capabilities) <= 1,
        page_size=min(limit, MAX_CANDIDATES),
    )


def need_candidates(need: Need, *, limit: int = 50, exclude_ids: set[int] = frozenset()) -> list[Candidate]:
    """The best establishments for ``need``, best first: the chosen companies for a
    chosen-companies need, the engine's ranking otherwise. The author's own establishment and
    ``exclude_ids`` are left out."""
    excluded = set(exclude_ids)
    if need.author_establishment_id:
        excluded.add(need.author_establishment_id)
    if need.visibility == NeedVisibility.CHOSEN:
        chosen = need.chosen_establishments.exclude(pk__in=excluded).order_by("siret")[:limit]
        return [
            Candidate(e.pk, e.siret, e.display_name, 1.0, None, "")
            for e in chosen.select_related("organisation")
        ]
    sirets = list(Establishment.objects.filter(pk__in=excluded).values_list("siret", flat=True))
    results = searcher().search(need_search_query(need, limit=limit, exclude_sirets=sirets))
    ids = dict(
        Establishment.objects.filter(
            siret__in=[hit.doc_key for hit in results.hits], is_active=True
        ).values_list("siret", "pk")
    )
    return [
        Candidate(ids[hit.doc_key], hit.doc_key, hit.name, float(hit.score), hit.distance_km, hit.explanation)
        for hit in results.hits
        if hit.doc_key in ids and ids[hit.doc_key] not in excluded
    ]


def need_sending_query(
    need: Need, *, limit: int, exclude_sirets: list[str] = (), evidenced: bool = True
) -> SearchQuery:
    """The query that chooses whom a need is sent to: every requirement holds.

    Required capabilities, certifications (valid today) and equipment are strict filters;
    wished capabilities only rank. ``evidenced``: a required capability must be held on
    evidence (declared, proposed by the network, named in the description), not on the NAF
    code alone; without it, such inferences count too (the last batch « à confirmer »).
    """
    query = need_search_query(need, limit=limit, exclude_sirets=exclude_sirets)
    rows = list(need.capabilities.select_related("node"))
    required = [row.node.code for row in rows if row.required]
    wished = [row.node.code for row in rows if not row.required]
    query.evidenced_only = evidenced
    if required or not wished:
        query.capabilities, query.wished_capabilities, query.strict = required, wished, True
        query.text = "" if required else need.title
    else:
        # Only wished capabilities: companies holding any of them, best coverage first;
        # certifications and equipment are then checked on each hit (``need_sending_candidates``).
        query.capabilities, query.wished_capabilities, query.strict, query.text = wished, [], False, ""
    return query


def _checks(need: Need, details: list[dict]) -> list[dict]:
    return requirement_checks(
        capabilities=[(row.node.code, row.required) for row in need.capabilities.all()],
        certifications=[node.code for node in need.certifications.all()],
        equipment=[row.node.code for row in need.equipment.all()],
        details=details,
    )


def need_sending_candidates(
    need: Need, *, limit: int = 50, exclude_ids: set[int] = frozenset(), unconfirmed: bool = False
) -> list[Candidate]:
    """Whom the next batch of ``need`` goes to, best first, each with its requirement checks.

    The chosen companies of a chosen-companies need (the author drew the list: sent as is).
    Otherwise the engine's companies meeting every requirement on evidence; with
    ``unconfirmed``, those whose only gap is a required capability inferred from the NAF code.
    """
    if need.visibility == NeedVisibility.CHOSEN:
        return [] if unconfirmed else need_candidates(need, limit=limit, exclude_ids=exclude_ids)
    excluded = set(exclude_ids)
    if need.author_establishment_id:
        excluded.add(need.author_establishment_id)
    need = Need.objects.prefetch_related("capabilities__node", "certifications", "equipment__node").get(
        pk=need.pk
    )
    sirets = list(Establishment.objects.filter(pk__in=excluded).values_list("siret", flat=True))
    query = need_sending_query(need, limit=limit, exclude_sirets=sirets, evidenced=not unconfirmed)
    results = searcher().search(query)
    ids = dict(
        Establishment.objects.filter(
            siret__in=[hit.doc_key for hit in results.hits], is_active=True
        ).values_list("siret", "pk")
    )
    candidates = []
    for hit in results.hits:
        if hit.doc_key not in ids or ids[hit.doc_key] in excluded:
            continue
        checks = _checks(need, hit.details)
        if not (to_confirm(checks) if unconfirmed else all_required_met(checks)):
            continue
        candidates.append(
            Candidate(
                ids[hit.doc_key], hit.doc_key, hit.name, float(hit.score), hit.distance_km, hit.explanation,
                tuple(checks), unconfirmed,
            )
        )  # fmt: skip
    return candidates


def need_next_candidates(need: Need, *, limit: int) -> list[Candidate]:
    """The companies the next batches would reach: on evidence first, then, when the network
    allows it, those « à confirmer »."""
    reached = set(need.recipients.values_list("establishment_id", flat=True))
    found = need_sending_candidates(need, limit=limit, exclude_ids=reached)
    if len(found) < limit and need_settings(need.network).send_unconfirmed_matches:
        reached |= {candidate.establishment_id for candidate in found}
        found += need_sending_candidates(
            need, limit=limit - len(found), exclude_ids=reached, unconfirmed=True
        )
    return found


def need_interest_count(need: Need) -> int:
    return need.recipients.filter(answer=Answer.INTERESTED).count()


def needs_received(user) -> QuerySet[NeedRecipient]:
    """A supplier's inbox: the needs sent to the companies ``user`` acts for, newest first."""
    return (
        NeedRecipient.objects.filter(establishment__user_links__user=user)
        .exclude(need__status=NeedStatus.DRAFT)
        .select_related("need", "establishment", "need__network")
        .order_by("-sent_at", "-pk")
    )


def notifications_of(user) -> QuerySet[Notification]:
    """A user's notifications, newest first; ``to_confirm``: a need received « à confirmer »."""
    unconfirmed = NeedRecipient.objects.filter(
        need=OuterRef("need"), unconfirmed=True, establishment__user_links__user=OuterRef("user")
    )
    return (
        Notification.objects.filter(user=user)
        .select_related("need")
        .annotate(to_confirm=Exists(unconfirmed) & Q(kind=DeliveryKind.INVITATION))
        .order_by("-created_at", "-pk")
    )


def notifications_unread(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related("need")


@dataclass(frozen=True)
class NeedFigures:
    needs_posted: int  # opened at least once (drafts excluded)
    needs_answered: int  # at least one company declared interest
    needs_with_outcome: int
    needs_contracted_local: int
    business_kept_local: Decimal  # € of work contracted in the territory, as the authors reported it
    companies_reached: int
    answers: int
    median_response_hours: float | None  # from sending to answer, over all answers


def network_need_figures(network: Network) -> NeedFigures:
    needs = Need.objects.of_network(network).exclude(status=NeedStatus.DRAFT)
    totals = needs.aggregate(
        posted=Count("pk"),
        with_outcome=Count("pk", filter=Q(outcome_recorded_at__isnull=False)),
        local=Count("pk", filter=Q(outcome_contracted_local=True)),
        kept=Sum("outcome_amount", filter=Q(outcome_contracted_local=True)),
    )
    recipients = NeedRecipient.objects.filter(need__in=needs)
    answered = recipients.filter(answered_at__isnull=False)
    delays = [
        (answered_at - sent_at).total_seconds() / 3600
        for sent_at, answered_at in answered.values_list("sent_at", "answered_at")
    ]
    return NeedFigures(
        needs_posted=totals["posted"],
        needs_answered=needs.filter(recipients__answer=Answer.INTERESTED).distinct().count(),
        needs_with_outcome=totals["with_outcome"],
        needs_contracted_local=totals["local"],
        business_kept_local=totals["kept"] or Decimal("0"),
        companies_reached=recipients.values("establishment").distinct().count(),
        answers=len(delays),
        median_response_hours=round(statistics.median(delays), 2) if delays else None,
    )


def establishment_needs(network: Network, establishment: Establishment) -> list[tuple[Need, str]]:
    """A company's needs in ``network``, newest first, drafts left out: each with ``"posted"`` (it
    wrote the need) or ``"received"`` (the need was sent to it). For the company's timeline."""
    needs = (
        Need.objects.of_network(network)
        .exclude(status=NeedStatus.DRAFT)
        .filter(Q(author_establishment=establishment) | Q(recipients__establishment=establishment))
        .distinct()
        .order_by("-created_at", "-pk")
    )
    return [
        (need, "posted" if need.author_establishment_id == establishment.pk else "received") for need in needs
    ]
