"""bench/graph.py runs end to end on a small scale-up (its timings are never asserted)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_graph_bench_prints_one_json_object_last():
    done = subprocess.run(
        [sys.executable, "bench/graph.py", "--contracts", "3000", "--nodes", "6000", "--repeat", "1",
         "--no-networkx", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["chains"]) == 38
    assert result["largest_chain"]["nodes"] == 2025
    assert result["decp"]["markets"] + result["decp"]["rejected_markets"] == 470 + 1148 + 4509
    assert result["decp_national"]["edges"] == 3000
    for row in [*result["chains"], result["decp"], result["decp_national"]]:
        assert set(row["seconds"]) >= {"concentration", "single_source", "articulation_points", "betweenness",
                                       "sme_large_bridges", "total"}  # fmt: skip
