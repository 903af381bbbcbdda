"""Consortium builder: the cheapest group of companies that together cover a need.

    from maillage.engine.consortium import build_consortium, ConsortiumRequest, Candidate
    result = build_consortium(request, candidates, k=3, time_limit_s=1.0)

The core is an exact weighted set-cover solver (``setcover``): Lagrangian bounds, reductions
and branch and bound, in numpy. See docs/consortium.md.
"""

from maillage.engine.consortium.builder import build_consortium
from maillage.engine.consortium.types import (
    CONSTRAINTS,
    FEASIBLE,
    INFEASIBLE,
    NOT_COVERED,
    OPTIMAL,
    UNKNOWN,
    Candidate,
    ConsortiumGroup,
    ConsortiumRequest,
    ConsortiumResult,
    Contribution,
    CostWeights,
    Infeasibility,
    Member,
    NearbyCandidate,
    Offer,
    RequiredCapability,
    UncoveredCapability,
)

__all__ = [
    "CONSTRAINTS",
    "FEASIBLE",
    "INFEASIBLE",
    "NOT_COVERED",
    "OPTIMAL",
    "UNKNOWN",
    "Candidate",
    "ConsortiumGroup",
    "ConsortiumRequest",
    "ConsortiumResult",
    "Contribution",
    "CostWeights",
    "Infeasibility",
    "Member",
    "NearbyCandidate",
    "Offer",
    "RequiredCapability",
    "UncoveredCapability",
    "build_consortium",
]
