#!/usr/bin/env python3
"""Search benchmark: Maillage's engine against SQLite FTS5, PostgreSQL FTS, tantivy and bm25s.

    .venv/bin/python bench/search.py --docs 100000 --queries 200 --json

Generates a corpus of ``--docs`` establishments and ``--queries`` judged buyer queries
(bench/searchlib/corpus.py: real communes and NAF distribution, graded relevance from the
generator's ground truth), then, for each system in turn and on the same documents and
queries: builds its index, runs every query once to warm up a sample and once measured, and
scores the top 50. Each system runs in a child forked from this process (it inherits the
corpus), so that its peak memory is its own: ``rss_mb`` is the child's peak resident set
minus its resident set at the start (PostgreSQL's server memory is not included).

Metrics: nDCG@10 with gains 2^grade − 1; recall@50 = relevant (grade ≥ 2) found in the
top 50 / min(50, relevant). Without DATABASE_URL, the run re-executes itself inside a
throwaway PostgreSQL cluster (scripts/throwaway_postgres.py). The last line printed is one
JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ALL_SYSTEMS = ("maillage", "sqlite_fts5", "postgres_fts", "tantivy", "bm25s")
K = 50


def memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_taxonomy():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from maillage.engine import EngineTaxonomy
    from maillage.taxonomy.loader import read_taxonomy

    data = read_taxonomy()
    if data.errors:
        raise SystemExit(f"taxonomy files invalid: {data.errors[0]}")
    return EngineTaxonomy.from_records(data.nodes.values(), data.hints)


class Maillage:
    name = "maillage"

    def __init__(self, taxonomy, documents):
        self.taxonomy, self.documents = taxonomy, documents

    def build(self, docs, lat, lon) -> None:
        from maillage.engine import EngineIndex, Searcher

        self.directory = tempfile.mkdtemp(prefix="bench-maillage-")
        EngineIndex.build(self.directory, self.taxonomy, self.documents)
        # Search through a fresh, memory-mapped reader, as a web worker would.
        self.searcher = Searcher(EngineIndex(self.directory), auto_refresh=False)

    def search(self, text, lat, lon, radius_km, k: int = K) -> list[int]:
        from maillage.engine import Location, QueryError, SearchQuery

        location = Location(lat, lon, radius_km=radius_km) if lat is not None else None
        try:
            results = self.searcher.search(SearchQuery(text=text, location=location, page_size=k))
        except QueryError:
            return []
        return [int(hit.doc_key) for hit in results.hits]


def make_system(name: str, taxonomy, corpus):
    from bench.searchlib import peers

    if name == "maillage":
        return Maillage(taxonomy, corpus.documents)
    if name == "sqlite_fts5":
        return peers.SqliteFts5()
    if name == "postgres_fts":
        return peers.PostgresFts(os.environ["DATABASE_URL"])
    if name == "tantivy":
        return peers.Tantivy()
    return peers.Bm25s()


def ndcg10(ranking: list[int], grades: dict[int, int]) -> float:
    dcg = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranking[:10]))
    ideal = sorted(grades.values(), reverse=True)[:10]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def recall50(ranking: list[int], grades: dict[int, int]) -> float:
    relevant = {doc for doc, grade in grades.items() if grade >= 2}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:K])) / min(K, len(relevant))


def run_one(name, taxonomy, corpus, texts, queries, pipe) -> None:
    try:
        start = memory_mb("VmRSS")
        system = make_system(name, taxonomy, corpus)
        began = time.perf_counter()
        with contextlib.redirect_stdout(sys.stderr):  # bm25s prints progress on stdout
            system.build(texts, corpus.lat, corpus.lon)
        build_s = time.perf_counter() - began
        for query in queries[: min(20, len(queries))]:  # warm-up
            system.search(query.text, query.lat, query.lon, query.radius_km)
        latencies, rankings = [], []
        for query in queries:
            began = time.perf_counter()
            ranking = system.search(query.text, query.lat, query.lon, query.radius_km)
            latencies.append((time.perf_counter() - began) * 1000)
            rankings.append(ranking)
        if hasattr(system, "close"):
            system.close()
        pipe.send(
            {
                "build_s": build_s,
                "latencies": latencies,
                "rankings": rankings,
                "rss_mb": memory_mb("VmHWM") - start,
            }
        )
    except Exception as exc:  # reported in the table, the other systems still run
        pipe.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        pipe.close()


def summarise(outcome: dict, queries) -> dict:
    if "error" in outcome:
        return {"error": outcome["error"]}
    latencies = np.array(outcome["latencies"])
    rankings = outcome["rankings"]
    return {
        "build_s": round(outcome["build_s"], 2),
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p95_ms": round(float(np.percentile(latencies, 95)), 2),
        "p99_ms": round(float(np.percentile(latencies, 99)), 2),
        "rss_mb": round(outcome["rss_mb"], 1),
        "ndcg10": round(
            float(np.mean([ndcg10(r, q.grades) for r, q in zip(rankings, queries, strict=True)])), 4
        ),
        "recall50": round(
            float(np.mean([recall50(r, q.grades) for r, q in zip(rankings, queries, strict=True)])), 4
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--systems", default=",".join(ALL_SYSTEMS), help="comma-separated subset")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print only the final JSON line")
    args = parser.parse_args(argv)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(systems) - set(ALL_SYSTEMS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")
    if "postgres_fts" in systems and not os.environ.get("DATABASE_URL"):
        wrapper = [sys.executable, str(ROOT / "scripts" / "throwaway_postgres.py"), "--"]
        argv_all = [
            sys.executable,
            str(Path(__file__).resolve()),
            *(argv if argv is not None else sys.argv[1:]),
        ]
        return subprocess.run([*wrapper, *argv_all], check=False).returncode

    def say(message: str) -> None:
        if not args.json:
            print(message, flush=True)

    from bench.searchlib.corpus import generate_corpus, generate_queries, peer_text

    taxonomy = load_taxonomy()
    began = time.perf_counter()
    corpus = generate_corpus(taxonomy, args.docs, seed=args.seed)
    queries = generate_queries(taxonomy, corpus, args.queries, seed=args.seed + 1)
    texts = [peer_text(doc, taxonomy) for doc in corpus.documents]
    say(f"corpus: {args.docs} documents, {len(queries)} judged queries ({time.perf_counter() - began:.1f} s)")
    context = multiprocessing.get_context("fork")
    results = {}
    for name in systems:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=run_one, args=(name, taxonomy, corpus, texts, queries, send))
        child.start()
        send.close()
        outcome = receive.recv() if receive.poll(timeout=7200) else {"error": "no answer"}
        child.join()
        results[name] = summarise(outcome, queries)
        say(f"{name:13s} {json.dumps(results[name])}")
    print(json.dumps({"docs": args.docs, "queries": len(queries), "systems": results}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
