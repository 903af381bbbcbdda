#!/usr/bin/env python3
"""Supply-graph analytics benchmark: Maillage's engine (igraph + numpy) against networkx.

    .venv/bin/python bench/graph.py --json                 # everything (one full run ≈ minutes)
    .venv/bin/python bench/graph.py --contracts 50000 --json   # smaller national scale-up

Graphs:
- the 38 real Willems (2008) chains (``shared/bench/supply-chains/willems2008/raw``);
- the DECP graph of the three real JSON files (``shared/data/commande_publique``);
- a national-scale DECP-like graph made by blowing the real one up (``scale_up`` below) to
  ``--contracts`` relations (default 1,000,000) and about ``--nodes`` nodes (300,000).

Every analytic of ``maillage.engine.graph.analyse`` is timed (best of ``--repeat``). networkx
runs the structural ones (articulation points, cut edges, betweenness) on the same graph in
the same mode: exact betweenness when ours is exact (skipped above ``--nx-exact-max``
nodes), otherwise the same source-sampling estimator (networkx's ``k``) with fewer sources
(``--nx-samples``), its time scaled per source — the per-source cost is what both pay.
SME/large labels for the timing of the SME–large analytic are a bench-only proxy (see
``label_sizes``): DECP carries no company size. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from maillage.engine.graph import SupplyGraph, analyse, betweenness, cut_edges  # noqa: E402
from maillage.engine.graph.structure import LARGE_CODE, SME_CODE  # noqa: E402
from maillage.engine.graph.willems import read_chains  # noqa: E402
from maillage.imports.decp.parser import decp_graph, read_cpv_codes, read_decp_json  # noqa: E402
from tests.shared_data import shared_path  # noqa: E402

CHAINS = shared_path("bench", "supply-chains", "willems2008", "raw")
DECP = shared_path("data", "commande_publique")
DECP_JSON = ("e-marchespublics.json", "data.gouv.fr_pes.json", "marches-publics.info.json")


def best_of(repeat: int, function):
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return best, value


def label_sizes(graph: SupplyGraph, kind: str) -> SupplyGraph:
    """Bench-only SME/large labels so that the SME–large analytic has work to do.

    Chains: Part stages are SMEs, Manuf stages large groups. DECP: a supplier is a large group
    when it holds contracts with at least 5 distinct buyers, an SME otherwise; buyers unlabelled.
    """
    size = np.zeros(graph.n_nodes, dtype=np.int8)
    if kind == "chain":
        size[[i for i, c in enumerate(graph.node_category) if c == "Part"]] = SME_CODE
        size[[i for i, c in enumerate(graph.node_category) if c == "Manuf"]] = LARGE_CODE
    else:
        pairs = np.unique(graph.src.astype(np.int64) * graph.n_nodes + graph.dst)
        buyers_per_supplier = np.bincount(pairs // graph.n_nodes, minlength=graph.n_nodes)
        is_supplier = np.bincount(graph.src, minlength=graph.n_nodes) > 0
        size[is_supplier] = np.where(buyers_per_supplier[is_supplier] >= 5, LARGE_CODE, SME_CODE)
    graph.node_size = size
    return graph


def scale_up(graph: SupplyGraph, contracts: int, nodes: int, seed: int = 0) -> SupplyGraph:
    """A national-scale DECP-like graph from the real one (documented in docs/graph.md).

    Each real node becomes c = nodes / n clones; each synthetic contract copies a real one
    drawn with replacement (its CPV code and volume) and links a random clone of its supplier
    to a random clone of its buyer. Degree distribution shapes, the CPV mix and the amounts
    are kept; geography and the identity of repeat partners are not.
    """
    rng = np.random.default_rng(seed)
    clones = max(1, round(nodes / graph.n_nodes))
    pick = rng.integers(0, graph.n_edges, size=contracts)
    src = graph.src[pick].astype(np.int64) * clones + rng.integers(0, clones, size=contracts)
    dst = graph.dst[pick].astype(np.int64) * clones + rng.integers(0, clones, size=contracts)
    n = graph.n_nodes * clones
    keys = [f"{graph.keys[i // clones]}#{i % clones}" for i in range(n)]
    return SupplyGraph.from_arrays(
        keys,
        src,
        dst,
        categories=graph.categories,
        edge_category=graph.edge_category[pick],
        volume_min=graph.volume_min[pick],
        volume_max=graph.volume_max[pick],
        level=graph.level[pick],
        node_size=np.repeat(graph.node_size, clones),
    )


def sampling_check(graph: SupplyGraph, args) -> dict:
    """Sampled against exact betweenness on a graph where both are affordable."""
    exact = betweenness(graph).values
    sampled = betweenness(graph, exact_work=0, samples=args.samples, seed=args.seed)
    top_exact = set(np.argsort(-exact)[:10].tolist())
    top_sampled = set(np.argsort(-sampled.values)[:10].tolist())
    return {
        "samples": sampled.samples,
        "epsilon_bound": round(sampled.epsilon, 4),
        "max_abs_error": float(np.abs(sampled.values - exact).max()),
        "max_exact_value": float(exact.max()),
        "top10_overlap": len(top_exact & top_sampled),
    }


def networkx_times(graph: SupplyGraph, report, *, exact_max: int, samples: int, repeat: int) -> dict:
    import networkx as nx

    build, view = best_of(1, lambda: nx.Graph(graph.pairs.tolist()))
    view.add_nodes_from(range(graph.n_nodes))
    times = {"view": build}
    times["articulation_points"], _ = best_of(repeat, lambda: list(nx.articulation_points(view)))
    times["cut_edges"], _ = best_of(repeat, lambda: list(nx.bridges(view)))
    ours = report.betweenness
    if ours.exact:
        if graph.n_nodes <= exact_max:
            times["betweenness"], _ = best_of(1, lambda: nx.betweenness_centrality(view))
    else:
        k = min(samples, ours.samples)
        spent, _ = best_of(1, lambda: nx.betweenness_centrality(view, k=k, seed=0))
        times["betweenness"] = spent * ours.samples / k
        times["betweenness_extrapolated_from_sources"] = k
    return times


def measure(graph: SupplyGraph, args, *, label: str, budget: float | None = None) -> dict:
    times = {}
    report = None
    for _ in range(args.repeat):
        graph.__dict__.pop("igraph", None)  # rebuild the igraph view each time: it is part of the cost
        graph.__dict__.pop("pairs", None)
        cpu = time.process_time()
        report = analyse(graph, samples=args.samples, time_budget=budget, seed=args.seed)
        times["total_cpu"] = min(times.get("total_cpu", float("inf")), time.process_time() - cpu)
        for name, spent in report.seconds.items():
            times[name] = min(times.get(name, float("inf")), spent)
        spent, _ = best_of(1, lambda: cut_edges(graph))
        times["cut_edges"] = min(times.get("cut_edges", float("inf")), spent)
    row = {
        "graph": label,
        "nodes": graph.n_nodes,
        "edges": graph.n_edges,
        "pairs": int(graph.pairs.shape[0]),
        "seconds": {k: round(v, 5) for k, v in times.items()},  # cut_edges: not in total (inside SME–large)
        "betweenness_exact": report.betweenness.exact,
        "betweenness_samples": report.betweenness.samples,
        "betweenness_epsilon": round(report.betweenness.epsilon, 4),
        "articulation_points": int(report.articulation_points.shape[0]),
        "single_source": int(report.single_source.client.shape[0]),
        "sme_components": int(report.bridges.size.shape[0]),
        "sme_large_links": int(report.bridges.links.shape[0]),
    }
    if args.networkx:
        nxt = networkx_times(graph, report, exact_max=args.nx_exact_max, samples=args.nx_samples, repeat=1)
        row["networkx_seconds"] = {k: round(v, 5) for k, v in nxt.items()}
        ratios = {}
        for name in ("articulation_points", "betweenness"):
            if name in nxt and times.get(name):
                ratios[name] = round(nxt[name] / times[name], 1)
        if "cut_edges" in nxt:
            ratios["cut_edges"] = round(nxt["cut_edges"] / max(times["cut_edges"], 1e-9), 1)
        row["networkx_over_ours"] = ratios
    print(
        f"{label:>14} n={graph.n_nodes:>7} m={graph.n_edges:>8} total={times['total']:.3f}s "
        f"betweenness={'exact' if report.betweenness.exact else report.betweenness.samples}",
        file=sys.stderr,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON summary on stdout")
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=300_000)
    parser.add_argument("--samples", type=int, default=128, help="betweenness sources when sampled")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--betweenness-budget",
        type=float,
        default=4.0,
        help="seconds of betweenness sampling on the national graph",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-networkx", dest="networkx", action="store_false")
    parser.add_argument(
        "--nx-exact-max", type=int, default=700, help="largest graph for networkx's exact betweenness"
    )
    parser.add_argument("--nx-samples", type=int, default=8, help="networkx sources on sampled graphs")
    args = parser.parse_args()

    import igraph

    chains = []
    for chain in read_chains(CHAINS):
        chains.append(measure(label_sizes(chain.graph(), "chain"), args, label=f"chain {chain.chain}"))
    largest = max(chains, key=lambda row: row["nodes"])

    cpv = read_cpv_codes(DECP / "cpv_2008_fr.csv")
    start = time.perf_counter()
    markets, rejected = [], 0
    for name in DECP_JSON:
        parsed = read_decp_json(DECP / name, cpv_codes=cpv)
        markets += parsed.markets
        rejected += parsed.rejected_records
    parse_seconds = time.perf_counter() - start
    decp = label_sizes(decp_graph(markets, key="siren"), "decp")
    decp_row = measure(decp, args, label="DECP")
    decp_row.update(markets=len(markets), rejected_markets=rejected, parse_seconds=round(parse_seconds, 3))
    decp_row["sampling_check"] = sampling_check(decp, args)

    start = time.perf_counter()
    national = label_sizes(scale_up(decp, args.contracts, args.nodes, seed=args.seed), "decp")
    build_seconds = time.perf_counter() - start
    national_row = measure(national, args, label="DECP national", budget=args.betweenness_budget)
    national_row["build_seconds"] = round(build_seconds, 3)

    summary = {
        "library": f"igraph {igraph.__version__}",
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "samples": args.samples,
        "largest_chain": {
            "chain": largest["graph"],
            "nodes": largest["nodes"],
            "edges": largest["edges"],
            "total_s": largest["seconds"]["total"],
            "total_cpu_s": largest["seconds"]["total_cpu"],
            "target_s": 1.0,
            "ok": largest["seconds"]["total"] <= 1.0,
        },
        "chains_total_s": round(sum(row["seconds"]["total"] for row in chains), 3),
        "decp": {**decp_row, "target_s": 10.0, "ok": decp_row["seconds"]["total"] <= 10.0},
        "decp_national": {**national_row, "target_s": 10.0, "ok": national_row["seconds"]["total"] <= 10.0},
        "chains": chains,
    }
    if not args.json:
        for row in [*chains, decp_row, national_row]:
            print(row["graph"], row["seconds"], row.get("networkx_over_ours"))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
