"""Realistic consortium instances from the generated national corpus (bench/searchlib).

Candidates: the corpus establishments (real commune coordinates, NAF-driven capabilities).
A candidate offers every capability in its drawn truth (closed under ancestors), with a match
quality from how its profile is expressed (confirmed claims 1.0, description only 0.8,
inferred from the NAF only 0.6, an ancestor of what it does 0.1 less) and a capacity that
grows with its headcount. About 6% of establishments share their organisation with another
one. SMEs: fewer than 250 employees.

A need: a random place (an establishment's commune), the capabilities of a few establishments
around it (so that a group exists), a radius of 150-400 km, up to 10 partners, a quantity on
about a third of the capabilities (2-15% of the capacity the area holds).
"""

from __future__ import annotations

import numpy as np

from maillage.engine.consortium import Candidate, ConsortiumRequest, CostWeights, Offer, RequiredCapability
from maillage.engine.geo import haversine_km

WEIGHTS = CostWeights(partner=1.0, km_to_place=0.005, km_between=0.002, quality=0.5)


def corpus_candidates(taxonomy, corpus, *, seed: int = 7) -> list[Candidate]:
    rng = np.random.default_rng(seed)
    codes = taxonomy.codes
    out = []
    n = len(corpus.documents)
    organisations = np.arange(n)
    shared = rng.random(n) < 0.06
    organisations[shared] = rng.integers(0, n, int(shared.sum()))
    for i, doc in enumerate(corpus.documents):
        statuses = {c.status for c in doc.capabilities}
        base = 1.0 if "confirmed" in statuses else (0.6 if "inferred" in statuses else 0.8)
        leaves = set(corpus.truth_leaf[i])
        head = doc.headcount_max or 10
        offers = []
        for node in corpus.truth[i]:
            quality = base if node in leaves else base - 0.1
            capacity = float(np.round(head * rng.uniform(0.5, 2.0), 0))
            offers.append(Offer(codes[node], round(float(quality), 2), capacity))
        out.append(
            Candidate(
                doc.doc_key,
                f"{organisations[i]:09d}",
                float(doc.lat),
                float(doc.lon),
                tuple(offers),
                is_sme=head < 250,
                name=doc.name,
            )
        )
    return out


def make_need(candidates: list[Candidate], n_caps: int, rng: np.random.Generator) -> ConsortiumRequest:
    lat = np.array([c.lat for c in candidates])
    lon = np.array([c.lon for c in candidates])
    while True:
        centre = candidates[int(rng.integers(len(candidates)))]
        radius = float(rng.choice([150.0, 250.0, 400.0]))
        near = np.flatnonzero(haversine_km(centre.lat, centre.lon, lat, lon) <= radius * 0.6)
        if len(near) < 20:
            continue
        codes: list[str] = []
        for j in rng.permutation(near):
            own = [o.code for o in candidates[int(j)].offers if o.code not in codes]
            rng.shuffle(own)
            codes.extend(own[: max(1, n_caps // 4)])
            if len(codes) >= n_caps:
                break
        if len(codes) < n_caps:
            continue
        codes = codes[:n_caps]
        inside = np.flatnonzero(haversine_km(centre.lat, centre.lon, lat, lon) <= radius)
        total = dict.fromkeys(codes, 0.0)
        for j in inside:
            for o in candidates[int(j)].offers:
                if o.code in total:
                    total[o.code] += o.capacity or 0.0
        # A quantity on about a third of the capabilities, 2-15% of what the area holds.
        caps = tuple(
            RequiredCapability(code, float(max(1, round(total[code] * rng.uniform(0.02, 0.15)))))
            if rng.random() < 0.33 and total[code] > 0
            else RequiredCapability(code)
            for code in codes
        )
        return ConsortiumRequest(
            caps,
            centre.lat,
            centre.lon,
            max_partners=10,
            max_radius_km=radius,
            require_sme=True,
            one_per_organisation=True,
            weights=WEIGHTS,
        )
