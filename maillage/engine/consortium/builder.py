"""build_consortium: from a need and its candidates to the best groups, explained.

Each required capability becomes a covering row (demand 1, or its quantity), each candidate a
column whose cost is ``partner + km_to_place * distance``; serving capability i costs
``quality * (1 - match quality)`` (times the share of the quantity served); pairs of partners
cost ``km_between * distance``. "At least one SME" is one more row that only SMEs cover, "one
establishment per organisation" a column group, the lead a forced column. The exact solver in
``cover`` returns the k best minimal groups with their bounds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from maillage.engine.consortium.cover import CoverModel, solve_cover
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
    Infeasibility,
    Member,
    NearbyCandidate,
    UncoveredCapability,
)
from maillage.engine.geo import haversine_km

SME_ROW = "__sme__"
NEAREST_BEYOND = 5


def _validate(request: ConsortiumRequest, candidates: Sequence[Candidate], k: int, time_limit_s: float):
    if not request.capabilities:
        raise ValueError("consortium request: 'capabilities' is empty")
    codes = [c.code for c in request.capabilities]
    if len(set(codes)) != len(codes):
        raise ValueError("consortium request: 'capabilities' lists a code twice")
    for cap in request.capabilities:
        if cap.quantity is not None and not (cap.quantity > 0 and math.isfinite(cap.quantity)):
            raise ValueError(f"consortium request: capability {cap.code!r}: 'quantity' must be > 0")
    if request.max_partners < 1:
        raise ValueError("consortium request: 'max_partners' must be at least 1")
    if request.max_radius_km is not None and request.max_radius_km < 0:
        raise ValueError("consortium request: 'max_radius_km' must be >= 0")
    _validate_weights(request)
    if k < 1:
        raise ValueError("build_consortium: 'k' must be at least 1")
    if not time_limit_s > 0:
        raise ValueError("build_consortium: 'time_limit_s' must be > 0")
    _validate_candidates(request, candidates)


def _validate_weights(request: ConsortiumRequest) -> None:
    w = request.weights
    for name in ("partner", "km_to_place", "km_between", "quality"):
        value = getattr(w, name)
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"consortium request: weight {name!r} must be a finite number >= 0")


def _validate_candidates(request: ConsortiumRequest, candidates: Sequence[Candidate]) -> None:
    ids = [cand.establishment_id for cand in candidates]
    seen = set(ids)
    if len(seen) != len(ids):
        seen = set()
        for establishment_id in ids:
            if establishment_id in seen:
                raise ValueError(f"candidates: establishment {establishment_id!r} is listed twice")
            seen.add(establishment_id)
    if request.lead_id is not None:
        if request.lead_id not in seen:
            raise ValueError(f"consortium request: lead {request.lead_id!r} is not among the candidates")
        if request.lead_id in request.excluded_ids:
            raise ValueError(f"consortium request: lead {request.lead_id!r} is also excluded")


def _offers(cand: Candidate, rows: dict[str, int]) -> dict[int, tuple[float, float | None]]:
    """Row -> (best quality, capacity) for the required capabilities this candidate offers."""
    out: dict[int, tuple[float, float | None]] = {}
    for offer in cand.offers:
        i = rows.get(offer.code)
        if i is None:
            continue
        if not 0 <= offer.quality <= 1:
            # Checked here, on the offers the need uses, so that large candidate lists stay cheap.
            raise ValueError(
                f"candidates: establishment {cand.establishment_id!r}, offer {offer.code!r}: "
                "'quality' must be in [0, 1]"
            )
        old = out.get(i)
        if old is None or offer.quality > old[0]:
            out[i] = (offer.quality, offer.capacity)
    return out


class _LazyOffers:
    """Row -> offer maps, parsed on first use (most candidates lie outside the radius)."""

    def __init__(self, candidates: Sequence[Candidate], rows: dict[str, int]):
        self.candidates, self.rows, self.cache = candidates, rows, {}

    def __getitem__(self, j: int) -> dict[int, tuple[float, float | None]]:
        got = self.cache.get(j)
        if got is None:
            got = self.cache[j] = _offers(self.candidates[j], self.rows)
        return got


def _allowed(request, candidates, offers, usable, in_radius) -> list[int]:
    """Candidates within the radius (the lead wherever it is), not excluded, bringing something."""
    keep = []
    lead_beyond = []
    if request.lead_id is not None:
        lead_beyond = [
            j for j, c in enumerate(candidates) if c.establishment_id == request.lead_id and not in_radius[j]
        ]
    for j in np.flatnonzero(in_radius).tolist() + lead_beyond:
        cand = candidates[j]
        if cand.establishment_id in request.excluded_ids:
            continue
        is_lead = cand.establishment_id == request.lead_id
        if is_lead or any(usable(i, o) > 0 for i, o in offers[j].items()):
            keep.append(j)
    return keep


def _add_count_rows(caps, n_rows, nz_row, nz_col, nz_amount, nz_cost) -> list[float]:
    """Count rows: a quantity that the p largest offers cannot meet needs p + 1 partners. The
    row "at least p_i providers of i" is implied by the quantity (so groups and their
    minimality do not change) but the Lagrangian bound sees it, which it would not otherwise.
    Appends their nonzeros; returns their demands."""
    extra_demand = []
    nz_row_a, nz_col_a, nz_amount_a = np.array(nz_row), np.array(nz_col), np.array(nz_amount)
    for i, cap in enumerate(caps):
        if cap.quantity is None:
            continue
        mine = nz_row_a == i
        amounts = np.sort(nz_amount_a[mine])[::-1]
        needed = int(np.searchsorted(np.cumsum(amounts), cap.quantity - 1e-9) + 1)
        if needed >= 2:
            row = n_rows + len(extra_demand)
            extra_demand.append(float(needed))
            cols = nz_col_a[mine]
            nz_row.extend([row] * len(cols))
            nz_col.extend(cols.tolist())
            nz_amount.extend([1.0] * len(cols))
            nz_cost.extend([0.0] * len(cols))
    return extra_demand


def build_consortium(
    request: ConsortiumRequest,
    candidates: Sequence[Candidate],
    *,
    k: int = 3,
    time_limit_s: float = 1.0,
) -> ConsortiumResult:
    """The best group covering ``request`` plus up to k-1 next-best distinct ones.

    Groups are *minimal*: no member can leave without a capability (or the SME requirement,
    or a quantity) ceasing to be met; the lead is always kept. Raises ValueError on bad input.
    """
    started = time.perf_counter()
    _validate(request, candidates, k, time_limit_s)
    caps = request.capabilities
    rows = {cap.code: i for i, cap in enumerate(caps)}
    demand = [cap.quantity if cap.quantity is not None else 1.0 for cap in caps]
    w = request.weights
    lat = np.fromiter((c.lat for c in candidates), dtype=float, count=len(candidates))
    lon = np.fromiter((c.lon for c in candidates), dtype=float, count=len(candidates))
    dist = haversine_km(request.place_lat, request.place_lon, lat, lon) if len(candidates) else np.zeros(0)
    offers = _LazyOffers(candidates, rows)

    def usable(i: int, quality_capacity) -> float:
        """What a candidate's offer brings towards row i (0: nothing)."""
        cap = caps[i]
        if cap.quantity is None:
            return 1.0
        capacity = quality_capacity[1]
        return 0.0 if capacity is None or capacity <= 0 else min(capacity, cap.quantity)

    in_radius = np.ones(len(candidates), bool)
    if request.max_radius_km is not None:
        in_radius = dist <= request.max_radius_km
    keep = _allowed(request, candidates, offers, usable, in_radius)
    # Can each capability be met at all by the allowed candidates?
    available = np.zeros(len(caps))
    for j in keep:
        for i, o in offers[j].items():
            available[i] += usable(i, o) if caps[i].quantity is not None else 1.0
    short = [i for i in range(len(caps)) if available[i] < demand[i] - 1e-9]
    if short:
        return _not_covered(request, candidates, offers, dist, in_radius, short, available, started)
    has_sme = any(candidates[j].is_sme for j in keep)
    if request.require_sme and not has_sme:
        return _infeasible(
            started,
            len(keep),
            "No SME among the allowed candidates, and the request requires at least one.",
        )

    n_rows = len(caps) + (1 if request.require_sme else 0)
    nz_row, nz_col, nz_amount, nz_cost = [], [], [], []
    for col, j in enumerate(keep):
        for i, o in offers[j].items():
            a = usable(i, o)
            if a <= 0:
                continue
            nz_row.append(i)
            nz_col.append(col)
            nz_amount.append(a)
            nz_cost.append(w.quality * (1.0 - o[0]) * a / demand[i])
        if request.require_sme and candidates[j].is_sme:
            nz_row.append(len(caps))
            nz_col.append(col)
            nz_amount.append(1.0)
            nz_cost.append(0.0)
    extra_demand = _add_count_rows(caps, n_rows, nz_row, nz_col, nz_amount, nz_cost)
    n_rows += len(extra_demand)
    organisations: dict[str, int] = {}
    group = np.array(
        [
            organisations.setdefault(candidates[j].organisation_id, len(organisations))
            if request.one_per_organisation
            else -1
            for j in keep
        ],
        dtype=np.int64,
    )
    must = tuple(col for col, j in enumerate(keep) if candidates[j].establishment_id == request.lead_id)
    keep_arr = np.array(keep, dtype=np.int64)
    model = CoverModel(
        n_rows,
        len(keep),
        np.array(nz_row, dtype=np.int64),
        np.array(nz_col, dtype=np.int64),
        w.partner + w.km_to_place * dist[keep_arr],
        demand=np.array(demand + ([1.0] if request.require_sme else []) + extra_demand),
        nz_amount=np.array(nz_amount),
        nz_cost=np.array(nz_cost),
        group=group,
        must=must,
        max_columns=request.max_partners,
        pair_weight=w.km_between,
        lat=lat[keep_arr],
        lon=lon[keep_arr],
    )
    remaining = time_limit_s - (time.perf_counter() - started)
    result = solve_cover(model, k=k, time_limit_s=max(remaining, 1e-3))
    groups = []
    for rank, sol in enumerate(result.solutions, 1):
        lower = sol.value if result.proven else min(sol.value, result.open_bound)
        groups.append(
            _group(
                rank,
                sol.columns,
                sol.value,
                lower,
                result.proven,
                model,
                keep,
                request,
                candidates,
                dist,
                offers,
            )
        )
    elapsed = (time.perf_counter() - started) * 1000
    if groups:
        status = OPTIMAL if result.proven else FEASIBLE
        return ConsortiumResult(
            status, tuple(groups), None, groups[0].lower_bound, result.reduced_columns, result.nodes, elapsed
        )
    if result.proven:
        return _infeasible(
            started,
            len(keep),
            f"Every capability is offered within the radius, but no group of at most "
            f"{request.max_partners} partners meets the constraints (lead, one establishment per "
            "organisation, at least one SME).",
            nodes=result.nodes,
        )
    return ConsortiumResult(UNKNOWN, (), None, result.lower_bound, len(keep), result.nodes, elapsed)


def _group(rank, columns, value, lower, proven, model, keep, request, candidates, dist, offers):
    caps = request.capabilities
    w = request.weights
    assignment = model.assign(columns)
    covers: dict[int, list[str]] = {col: [] for col in columns}
    contributions = []
    for i, cap in enumerate(caps):
        share, _cost = assignment[i]
        for col, amount in sorted(share.items(), key=lambda kv: -kv[1]):
            cand = candidates[keep[col]]
            quality = offers[keep[col]][i][0]
            covers[col].append(cap.code)
            contributions.append(
                Contribution(
                    cap.code, cand.establishment_id, quality, amount if cap.quantity is not None else None
                )
            )
    members = []
    for col in sorted(columns, key=lambda c: dist[keep[c]]):
        cand = candidates[keep[col]]
        members.append(
            Member(
                cand.establishment_id,
                cand.organisation_id,
                cand.name,
                cand.is_sme,
                cand.establishment_id == request.lead_id,
                float(dist[keep[col]]),
                tuple(covers[col]),
            )
        )
    quality = sum(cost for _share, cost in assignment[: len(caps)])
    breakdown = {
        "partners": w.partner * len(columns),
        "to_place": w.km_to_place * float(sum(m.distance_km for m in members)),
        "between": model.pair_cost(columns),
        "quality": float(quality),
    }
    gap = max(0.0, value - lower)
    proof = "proven optimal" if proven else f"not proven: lower bound {lower:.3f}, gap {gap:.3f}"
    if proven and rank > 1:
        proof = f"proven to be the best group after the {rank - 1} above"
    lines = [f"Group {rank}: {len(members)} partners, cost {value:.3f} ({proof})."]
    for m in members:
        tags = ", ".join(t for t, on in (("lead", m.is_lead), ("SME", m.is_sme)) if on)
        lines.append(
            f"{m.name or m.establishment_id} ({m.establishment_id}), {m.distance_km:.1f} km"
            + (f", {tags}" if tags else "")
            + (f": covers {', '.join(m.covers)}" if m.covers else "")
        )
    names = {m.establishment_id: m.name or m.establishment_id for m in members}
    for cap in caps:
        parts = [
            f"{names[c.establishment_id]} (quality {c.quality:.2f}"
            + (f", {c.capacity:g} of {cap.quantity:g}" if c.capacity is not None else "")
            + ")"
            for c in contributions
            if c.capability == cap.code
        ]
        lines.append(f"{cap.label or cap.code}: " + "; ".join(parts))
    return ConsortiumGroup(
        rank=rank,
        members=tuple(members),
        contributions=tuple(contributions),
        cost=float(value),
        cost_breakdown=breakdown,
        lower_bound=float(lower),
        proven_optimal=bool(proven),
        gap=float(gap),
        explanation=tuple(lines),
    )


def _not_covered(request, candidates, offers, dist, in_radius, short, available, started):
    uncovered = []
    for i in short:
        cap = request.capabilities[i]
        beyond = [
            j
            for j, cand in enumerate(candidates)
            if i in offers[j]
            and not in_radius[j]
            and cand.establishment_id not in request.excluded_ids
            and (cap.quantity is None or (offers[j][i][1] or 0) > 0)
        ]
        beyond.sort(key=lambda j: dist[j])
        nearest = tuple(
            NearbyCandidate(
                candidates[j].establishment_id,
                candidates[j].name,
                float(dist[j]),
                offers[j][i][0],
                offers[j][i][1],
            )
            for j in beyond[:NEAREST_BEYOND]
        )
        uncovered.append(UncoveredCapability(cap.code, cap.quantity, float(available[i]), nearest))
    codes = ", ".join(u.code for u in uncovered)
    message = f"Not covered by the allowed candidates within the radius: {codes}."
    return ConsortiumResult(
        INFEASIBLE,
        (),
        Infeasibility(NOT_COVERED, tuple(uncovered), message),
        math.inf,
        0,
        0,
        (time.perf_counter() - started) * 1000,
    )


def _infeasible(started, considered, message, nodes=0):
    return ConsortiumResult(
        INFEASIBLE,
        (),
        Infeasibility(CONSTRAINTS, (), message),
        math.inf,
        considered,
        nodes,
        (time.perf_counter() - started) * 1000,
    )
