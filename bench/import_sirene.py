#!/usr/bin/env python3
"""Benchmark of the SIRENE import: generation, dry run, wet runs into SQLite and PostgreSQL.

    .venv/bin/python bench/import_sirene.py --rows 5000000 --json

Generates a synthetic StockEtablissement + StockUniteLegale (``maillage generate-sirene``),
then times each phase in its own process, with that process's peak RSS (``wait4``):

- ``dry_run``: read + filter + validate + compare, nothing written;
- ``wet_sqlite``: full write into a fresh SQLite file with organisations from StockUniteLegale;
- ``wet_postgres``: the same into a throwaway PostgreSQL cluster (scripts/throwaway_postgres.py).

Throughput is rows read per second as measured by the import itself (Django start-up and
referential loading excluded; ``wall_seconds`` includes them). The last line printed is one
JSON object. Results are never asserted in tests (tests/imports/test_bench.py only runs it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.shared_data import shared_path  # noqa: E402

# The reference files the product would read (its own variable), else the shared test data.
DATA = Path(os.environ.get("MAILLAGE_REFERENTIAL_SOURCE") or shared_path("data"))
DATASETS = "communes,naf,headcount-bands,legal-categories"


def run_measured(args: list[str], env: dict) -> tuple[str, float, float]:
    """Run a child; return its stdout, wall seconds and peak RSS in MiB."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{stderr[-4000:]}")
    return stdout, wall, usage.ru_maxrss / 1024


def maillage(*args: str) -> list[str]:
    return [sys.executable, "-m", "maillage.cli", *args]


def prepare_database(env: dict) -> None:
    run_measured(maillage("migrate", "--no-input", "-v", "0"), env)
    run_measured(maillage("load-referential", "--only", DATASETS, "--wet-run", "--source", str(DATA)), env)


def import_phase(env: dict, etab: Path, ul: Path | None, wet: bool, batch_size: int) -> dict:
    args = ["import-sirene", str(etab), "--json", "--batch-size", str(batch_size)]
    if ul:
        args += ["--unites-legales", str(ul)]
    if wet:
        args.append("--wet-run")
    stdout, wall, rss = run_measured(maillage(*args), env)
    report = json.loads(stdout.strip().splitlines()[-1])
    return {
        "rows": report["read"],
        "seconds": report["seconds"],
        "rows_per_second": round(report["read"] / report["seconds"]),
        "wall_seconds": round(wall, 2),
        "peak_rss_mib": round(rss),
        "created": report["to_create"],
        "rejected": sum(report["rejected"].values()),
    }


def child_postgres(args: argparse.Namespace) -> None:
    """Inside throwaway_postgres.py: DATABASE_URL points at the fresh cluster."""
    env = {**os.environ, "MAILLAGE_DATA_DIR": args.workdir}
    prepare_database(env)
    result = import_phase(env, Path(args.file), Path(args.ul), wet=True, batch_size=args.batch_size)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--batch-size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="(the last line is always JSON)")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--workdir", help="keep files there instead of a temporary folder")
    parser.add_argument("--postgres-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--ul", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.postgres_child:
        child_postgres(args)
        return

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="maillage-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MAILLAGE_DATA_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
    }
    env.pop("MAILLAGE_SIRENE_TEST_HANG_IN_BATCH", None)
    try:
        prepare_database(env)
        etab, ul = workdir / "StockEtablissement_bench.csv", workdir / "StockUniteLegale_bench.csv"
        stdout, wall, rss = run_measured(
            maillage(
                "generate-sirene", "--rows", str(args.rows), "--out", str(etab),
                "--unites-legales-out", str(ul), "--seed", str(args.seed),
                "--communes-file", str(DATA / "communes/communes_2026_geo_epci.csv"),
                "--naf-weights", str(DATA / "sirene/index_egalite_sirens_unites_legales.csv"), "--json",
            ),
            env,
        )  # fmt: skip
        generated = json.loads(stdout.strip().splitlines()[-1])
        result = {
            "rows": args.rows,
            "batch_size": args.batch_size,
            "cpus": os.cpu_count(),
            "file_mib": round(etab.stat().st_size / 2**20),
            "unites_legales_mib": round(ul.stat().st_size / 2**20),
            "generate": {
                "seconds": generated["seconds"],
                "rows_per_second": generated["rows_per_second"],
                "peak_rss_mib": round(rss),
            },
            "dry_run": import_phase(env, etab, None, wet=False, batch_size=args.batch_size),
            "dry_run_with_unites_legales": import_phase(env, etab, ul, wet=False, batch_size=args.batch_size),
            "wet_sqlite": import_phase(env, etab, ul, wet=True, batch_size=args.batch_size),
        }
        print(json.dumps(result["dry_run"]), file=sys.stderr)
        if not args.skip_postgres:
            stdout, _wall, _rss = run_measured(
                [
                    sys.executable, "scripts/throwaway_postgres.py", "--", sys.executable, __file__,
                    "--postgres-child", "--file", str(etab), "--ul", str(ul), "--workdir", str(workdir),
                    "--batch-size", str(args.batch_size),
                ],
                {k: v for k, v in env.items() if k != "DATABASE_URL"},
            )  # fmt: skip
            result["wet_postgres"] = json.loads(stdout.strip().splitlines()[-1])
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
