"""Every analytic of the supply graph in one call, with the time each one took."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from maillage.engine.graph.concentration import (
    Concentration,
    SingleSource,
    client_concentration,
    single_source_dependencies,
)
from maillage.engine.graph.model import SupplyGraph
from maillage.engine.graph.structure import (
    DEFAULT_SAMPLES,
    EXACT_WORK,
    Betweenness,
    SmeLargeBridges,
    articulation_points,
    betweenness,
    sme_large_bridges,
)


@dataclass
class GraphReport:
    concentration: Concentration
    single_source: SingleSource
    articulation_points: np.ndarray
    betweenness: Betweenness
    bridges: SmeLargeBridges
    seconds: dict[str, float] = field(default_factory=dict)

    def top_betweenness(self, graph: SupplyGraph, k: int = 10) -> list[tuple[str, float]]:
        order = np.argsort(-self.betweenness.values, kind="stable")[:k]
        return [(graph.keys[i], float(self.betweenness.values[i])) for i in order]


def analyse(
    graph: SupplyGraph,
    *,
    exact_work: float = EXACT_WORK,
    samples: int = DEFAULT_SAMPLES,
    time_budget: float | None = None,
    delta: float = 0.05,
    seed: int = 0,
) -> GraphReport:
    """Run every analytic; ``seconds`` holds each one's wall time (``view`` = igraph build)."""
    seconds: dict[str, float] = {}

    def timed(name, function, *args, **kwargs):
        start = time.perf_counter()
        value = function(*args, **kwargs)
        seconds[name] = time.perf_counter() - start
        return value

    timed("view", lambda: graph.igraph)
    report = GraphReport(
        concentration=timed("concentration", client_concentration, graph),
        single_source=timed("single_source", single_source_dependencies, graph),
        articulation_points=timed("articulation_points", articulation_points, graph),
        betweenness=timed(
            "betweenness",
            betweenness,
            graph,
            exact_work=exact_work,
            samples=samples,
            time_budget=time_budget,
            delta=delta,
            seed=seed,
        ),
        bridges=timed("sme_large_bridges", sme_large_bridges, graph),
    )
    seconds["total"] = sum(seconds.values())
    report.seconds = seconds
    return report
