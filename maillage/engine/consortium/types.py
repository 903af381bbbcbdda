"""Plain input and output types of the consortium builder (see docs/consortium.md).

The Django side (maillage/needs) builds a ``ConsortiumRequest`` and a list of ``Candidate``
from the database and calls ``build_consortium``; everything here is plain data, so the solver
can be tested and benchmarked without a database. Identifiers are strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPTIMAL = "optimal"  # every returned group is proven to be the r-th best (bound = value)
FEASIBLE = "feasible"  # time limit reached: groups are valid, each carries its gap
INFEASIBLE = "infeasible"  # proven: no group satisfies the need and the constraints
UNKNOWN = "unknown"  # time limit reached before any group was found

NOT_COVERED = "capability_not_covered"  # no allowed candidate offers it (or not enough capacity)
CONSTRAINTS = "constraints"  # each capability is offered, but no group meets the constraints


@dataclass(frozen=True, slots=True)
class RequiredCapability:
    code: str  # taxonomy node code
    # Required quantity or capacity (in the unit the need states). None: offering it suffices.
    quantity: float | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class Offer:
    """What a candidate brings for one required capability."""

    code: str
    quality: float = 1.0  # match quality in [0, 1] (1 = confirmed exact capability)
    # Capacity in the need's unit. None = not declared: it counts as 0 towards a quantity.
    capacity: float | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    establishment_id: str  # SIRET
    organisation_id: str  # SIREN
    lat: float
    lon: float
    offers: tuple[Offer, ...]
    is_sme: bool = True
    name: str = ""


@dataclass(frozen=True, slots=True)
class CostWeights:
    """The group's cost: a weighted sum, all terms >= 0 (the bounds rely on it)."""

    partner: float = 1.0  # per partner (coordination cost)
    km_to_place: float = 0.01  # per km from each partner to the place of work
    km_between: float = 0.005  # per km between each pair of partners
    quality: float = 1.0  # per required capability, times (1 - match quality) of who covers it


@dataclass(frozen=True, slots=True)
class ConsortiumRequest:
    capabilities: tuple[RequiredCapability, ...]
    place_lat: float
    place_lon: float
    max_partners: int = 5
    max_radius_km: float | None = None  # from the place of work
    lead_id: str | None = None  # an establishment that must be in every group
    excluded_ids: frozenset[str] = frozenset()
    one_per_organisation: bool = True  # at most one establishment per SIREN
    require_sme: bool = True  # at least one SME in the group
    weights: CostWeights = field(default_factory=CostWeights)


@dataclass(frozen=True, slots=True)
class Contribution:
    """Who covers what: one member's share of one required capability."""

    capability: str
    establishment_id: str
    quality: float
    capacity: float | None  # what the member brings towards the quantity (None: no quantity)


@dataclass(frozen=True, slots=True)
class Member:
    establishment_id: str
    organisation_id: str
    name: str
    is_sme: bool
    is_lead: bool
    distance_km: float  # to the place of work
    covers: tuple[str, ...]  # capability codes this member is assigned


@dataclass(frozen=True, slots=True)
class ConsortiumGroup:
    rank: int  # 1 = best
    members: tuple[Member, ...]
    contributions: tuple[Contribution, ...]
    cost: float
    cost_breakdown: dict[str, float]  # partners, to_place, between, quality
    # A proven lower bound on the value of the rank-th best group: equal to ``cost`` when
    # ``proven_optimal``; otherwise ``gap = cost - lower_bound``.
    lower_bound: float
    proven_optimal: bool
    gap: float
    explanation: tuple[str, ...]  # plain English lines; the web layer builds its own French text


@dataclass(frozen=True, slots=True)
class NearbyCandidate:
    establishment_id: str
    name: str
    distance_km: float
    quality: float
    capacity: float | None


@dataclass(frozen=True, slots=True)
class UncoveredCapability:
    code: str
    quantity: float | None
    available: float  # number of allowed candidates offering it (or their total capacity)
    nearest_beyond: tuple[NearbyCandidate, ...]  # nearest candidates outside the radius having it


@dataclass(frozen=True, slots=True)
class Infeasibility:
    reason: str  # NOT_COVERED or CONSTRAINTS
    uncovered: tuple[UncoveredCapability, ...]
    message: str


@dataclass(frozen=True, slots=True)
class ConsortiumResult:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN
    groups: tuple[ConsortiumGroup, ...]
    infeasibility: Infeasibility | None
    lower_bound: float  # on the best group's cost
    candidates_considered: int  # after radius, exclusions and dominance reductions
    nodes: int  # branch-and-bound nodes
    elapsed_ms: float
