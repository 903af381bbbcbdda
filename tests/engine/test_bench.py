"""bench/search.py runs end to end at tiny N (its figures are never asserted).

SQLite FTS5, tantivy and bm25s always run; PostgreSQL joins in the PostgreSQL pass of
``make test`` (DATABASE_URL points at the throwaway cluster).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_search_bench_prints_one_json_object_last():
    systems = ["maillage", "sqlite_fts5", "tantivy", "bm25s"]
    if os.environ.get("DATABASE_URL"):
        systems.append("postgres_fts")
    done = subprocess.run(
        [sys.executable, "bench/search.py", "--docs", "400", "--queries", "12", "--json",
         "--systems", ",".join(systems)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["docs"] == 400 and result["queries"] == 12
    assert sorted(result["systems"]) == sorted(systems)
    for name, figures in result["systems"].items():
        assert "error" not in figures, (name, figures)
        assert set(figures) == {"build_s", "p50_ms", "p95_ms", "p99_ms", "rss_mb", "ndcg10", "recall50"}
        assert 0 <= figures["ndcg10"] <= 1 and 0 <= figures["recall50"] <= 1
        assert figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
