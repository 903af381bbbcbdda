"""bench/relevance_real.py runs end to end on a small slice (its figures are never asserted)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = {"maillage", "bm25", "sqlite_fts5"}
FIGURES = {"queries", "ndcg10", "recall10", "naf_only_share"}


def _check_part(part: dict) -> None:
    assert set(part) == SYSTEMS
    for figures in part.values():
        assert set(figures) == FIGURES
        if figures["queries"]:
            assert 0 <= figures["ndcg10"] <= 1 and 0 <= figures["recall10"] <= 1
            assert 0 <= figures["naf_only_share"] <= 1


def test_relevance_bench_prints_tuning_held_out_and_sets_as_one_json_object_last():
    done = subprocess.run(
        [sys.executable, "bench/relevance_real.py", "--queries", "5", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    _check_part(result["tuning"])
    _check_part(result["held_out"])
    assert set(result["sets"]) == {"bitd_capacites", "decp_objets", "decp_cpv", "decp_objets_section_c"}
    assert result["sets"]["decp_objets_section_c"]["subset_of"] == "decp_objets"
    for name, judged in result["sets"].items():
        assert judged["documents"] > 0
        _check_part(judged["tuning"])
        _check_part(judged["held_out"])
        if "subset_of" not in judged:
            assert judged["tuning"]["maillage"]["queries"] + judged["held_out"]["maillage"]["queries"] == 5, (
                name
            )
    assert result["tuning"]["bm25"]["queries"] + result["held_out"]["bm25"]["queries"] == 15
