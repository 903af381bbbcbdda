"""Propose groups of companies for a need no single one covers (engine: ``maillage.engine.consortium``).

The candidates are the engine's ranking for the need (not strict: partial coverers count);
what each one offers for each required capability is read from the profiles:
a confirmed capability (or one in its subtree) is a match of quality 1, a proposed one 0.7,
one inferred from the NAF code its inference weight × 0.6; an establishment with no
capability row at all gets its NAF hints the same way, as the search index does.

Quantities: only hours of work per week are enforced. A required capability whose quantity is
set and whose unit spells hours per week (``maillage.needs.units.is_hours_per_week``: « h/semaine »,
« heures par semaine », « hours/week »…) becomes ``RequiredCapability(code, quantity=hours)``, and
each candidate's offer for it carries ``capacity=Profile.capacity_hours_per_week``, the free
capacity the company declares. A company that declares none (no profile, or the field empty)
offers ``capacity=None``: the engine counts it as 0 towards the quantity, so it can never serve
an enforced capability (it still serves the others). Free capacity goes stale within weeks, so
the platform's freshness rule applies (``profiles.selectors.CAPACITY_FRESHNESS``, 90 days, the
one profile completeness and the search index use): hours stated more than 90 days before today,
or with no ``capacity_stated_on`` date, count as not declared (``capacity=None``); the outcome
names those candidates (``ConsortiumOutcome.stale_capacity``) so the page can say so.

Limit: a company declares one free capacity, not one per capability, and the engine has no
capacity shared across rows; so when a need asks hours per week for several capabilities, the
same declared hours are offered to each of them (a company with 40 h free may bring 40 h of
machining *and* 40 h of welding). Other units (« 500 pièces / mois ») stay as today: the
quantity is shown to the author, not enforced (profiles declare no capacity in those units).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import Establishment, Organisation
from maillage.engine.consortium import (
    Candidate,
    ConsortiumRequest,
    ConsortiumResult,
    Offer,
    RequiredCapability,
    build_consortium,
)
from maillage.needs import permissions
from maillage.needs.errors import NeedValidationError
from maillage.needs.models import Need, NeedCapability
from maillage.needs.selectors import need_candidates
from maillage.needs.units import is_hours_per_week
from maillage.profiles.models import CapabilityStatus, Profile, ProfileCapability
from maillage.profiles.selectors import CAPACITY_FRESHNESS
from maillage.taxonomy.models import NafCapabilityHint, TaxonomyNode

CANDIDATE_POOL = 200
QUALITY = {CapabilityStatus.CONFIRMED: 1.0, CapabilityStatus.PROPOSED: 0.7}
INFERRED_FACTOR = 0.6


@dataclass(frozen=True)
class QuantityRule:
    """How the builder treats the quantity of one required capability (for the page)."""

    code: str
    label: str
    quantity: Decimal
    unit: str  # as the author typed it
    enforced: bool  # hours per week: compared with the capacities the companies declare


@dataclass(frozen=True)
class ConsortiumOutcome:
    """The engine's result, and the candidates whose declared hours were set aside as stale."""

    result: ConsortiumResult
    # SIRET → the date the hours were stated (None: no date), for the candidates offering an
    # enforced capability whose declared hours per week are older than CAPACITY_FRESHNESS.
    stale_capacity: dict[str, date | None]


def capacity_is_fresh(stated_on: date | None, today: date) -> bool:
    """The platform's rule for declared capacity: stated at most CAPACITY_FRESHNESS ago."""
    return stated_on is not None and today - stated_on <= CAPACITY_FRESHNESS


def _has_quantity(row: NeedCapability) -> bool:
    return row.quantity is not None and row.quantity > 0


def _enforced(row: NeedCapability) -> bool:
    return _has_quantity(row) and is_hours_per_week(row.unit)


def need_quantity_rules(need: Need) -> list[QuantityRule]:
    """Each required capability with a quantity, and whether the builder enforces it."""
    return [
        QuantityRule(row.node.code, row.node.label, row.quantity, row.unit, _enforced(row))
        for row in need.capabilities.select_related("node")
        if _has_quantity(row)
    ]


def _requirement_of(required: list[TaxonomyNode]) -> dict[int, list[str]]:
    """Node id → the required codes it satisfies (itself or an ancestor is required)."""
    satisfies: dict[int, list[str]] = defaultdict(list)
    for node in required:
        for descendant in TaxonomyNode.objects.descendants_of(node).values_list("pk", flat=True):
            satisfies[descendant].append(node.code)
    return satisfies


def _offers(establishments: list[Establishment], required: list[TaxonomyNode]) -> dict[int, dict[str, float]]:
    satisfies = _requirement_of(required)
    best: dict[int, dict[str, float]] = defaultdict(dict)
    with_rows: set[int] = set()
    ids = [e.pk for e in establishments]
    for establishment_id, node_id, status, weight in ProfileCapability.objects.filter(
        profile__establishment_id__in=ids
    ).values_list("profile__establishment_id", "node_id", "status", "inference_weight"):
        with_rows.add(establishment_id)
        if status == CapabilityStatus.REJECTED:
            continue
        quality = QUALITY.get(status, (weight if weight is not None else 0.5) * INFERRED_FACTOR)
        for code in satisfies.get(node_id, ()):
            best[establishment_id][code] = max(quality, best[establishment_id].get(code, 0.0))
    hints = defaultdict(list)
    for naf, node_id, weight in NafCapabilityHint.objects.filter(node_id__in=list(satisfies)).values_list(
        "naf_id", "node_id", "weight"
    ):
        hints[naf].append((node_id, weight))
    for establishment in establishments:
        if establishment.pk in with_rows:
            continue
        for node_id, weight in hints.get(establishment.naf_id, ()):
            for code in satisfies[node_id]:
                quality = weight * INFERRED_FACTOR
                best[establishment.pk][code] = max(quality, best[establishment.pk].get(code, 0.0))
    return best


def _is_sme(establishment: Establishment) -> bool:
    category = establishment.organisation.size_category
    if category:
        return category == Organisation.SizeCategory.PME
    band = establishment.headcount_band
    return band is None or band.max_employees is None or band.max_employees < 250


def need_consortium_propose(
    *,
    need: Need,
    actor,
    k: int = 3,
    max_partners: int = 5,
    lead: Establishment | None = None,
    excluded: Sequence[Establishment] = (),
    time_limit_s: float = 1.0,
    today: date | None = None,
) -> ConsortiumOutcome:
    """The best group of companies covering the need, up to k-1 distinct alternatives (``.result``),
    and the candidates whose declared hours were set aside as too old (``.stale_capacity``).

    Reads only (nothing is written): inviting the group is the author's next step. Quantities
    in hours per week are enforced against the declared free capacities (module docstring).
    """
    today = today or timezone.localdate()
    if not permissions.can_view_all_answers(actor, need):
        raise PermissionDenied
    rows = list(need.capabilities.select_related("node"))
    required = [row.node for row in rows]
    hours_needed = {row.node.code: float(row.quantity) for row in rows if _enforced(row)}
    if not required:
        raise NeedValidationError("capabilities", _("un groupement demande au moins un savoir-faire"))
    commune = need.commune
    if commune is None or commune.latitude is None or commune.longitude is None:
        raise NeedValidationError("commune", _("un groupement demande un lieu de réalisation"))
    pool = need_candidates(need, limit=CANDIDATE_POOL)
    ids = [c.establishment_id for c in pool]
    if lead is not None and lead.pk not in ids:
        ids.append(lead.pk)
    establishments = list(
        Establishment.objects.filter(
            pk__in=ids, latitude__isnull=False, longitude__isnull=False
        ).select_related("organisation", "headcount_band")
    )
    offers = _offers(establishments, required)
    hours_free: dict[int, float] = {}
    hours_stale: dict[int, date | None] = {}
    if hours_needed:
        for establishment_id, hours, stated_on in Profile.objects.filter(
            establishment__in=establishments, capacity_hours_per_week__isnull=False
        ).values_list("establishment_id", "capacity_hours_per_week", "capacity_stated_on"):
            if capacity_is_fresh(stated_on, today):
                hours_free[establishment_id] = hours
            else:
                hours_stale[establishment_id] = stated_on
    candidates = [
        Candidate(
            establishment_id=e.siret,
            organisation_id=e.organisation.siren,
            lat=e.latitude,
            lon=e.longitude,
            offers=tuple(
                Offer(code, round(q, 3), hours_free.get(e.pk) if code in hours_needed else None)
                for code, q in sorted(offers[e.pk].items())
            ),
            is_sme=_is_sme(e),
            name=e.display_name,
        )
        for e in establishments
        if offers.get(e.pk) or (lead is not None and e.pk == lead.pk)
    ]
    request = ConsortiumRequest(
        capabilities=tuple(
            RequiredCapability(node.code, hours_needed.get(node.code), node.label) for node in required
        ),
        place_lat=commune.latitude,
        place_lon=commune.longitude,
        max_partners=max_partners,
        max_radius_km=float(need.max_distance_km) if need.max_distance_km else None,
        lead_id=lead.siret if lead is not None else None,
        excluded_ids=frozenset(e.siret for e in excluded),
    )
    # The candidates concerned: stale hours, offering an enforced capability, not excluded.
    stale = {
        e.siret: hours_stale[e.pk]
        for e in establishments
        if e.pk in hours_stale
        and e.siret not in request.excluded_ids
        and any(code in hours_needed for code in offers.get(e.pk, ()))
    }
    return ConsortiumOutcome(build_consortium(request, candidates, k=k, time_limit_s=time_limit_s), stale)
