"""bench/import_sirene.py runs end to end at tiny N (its figures are not asserted)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_and_prints_one_json_object_last(tmp_path):
    done = subprocess.run(
        [sys.executable, "bench/import_sirene.py", "--rows", "1500", "--batch-size", "500", "--skip-postgres",
         "--workdir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == 1500
    for phase in ("dry_run", "dry_run_with_unites_legales", "wet_sqlite"):
        assert result[phase]["rows"] == 1500 and result[phase]["rejected"] == 0
        assert result[phase]["peak_rss_mib"] > 0
    assert result["wet_sqlite"]["created"] == 1500
