"""A wet import killed with SIGKILL mid-batch leaves whole batches only, and a rerun resumes.

Everything runs in child processes against a scratch database (a SQLite file, or a database
created on the PostgreSQL server of the test run), since the test database's transaction is
invisible to other processes.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from maillage.directory.synthetic import HeadcountSampler, NafSampler
from maillage.imports.management.commands.generate_sirene import communes_from_file
from maillage.imports.sirene.generator import generate
from maillage.imports.sirene.pipeline import HANG_ENV, HANG_MARKER_ENV
from tests.imports.referential import COMMUNES_CSV, NAF_CSV, UNITES_LEGALES_SAMPLE

ROOT = Path(__file__).resolve().parents[2]
BATCH = 400


@pytest.fixture
def scratch_databases(tmp_path, django_db_blocker):
    """Two empty databases on the backend under test, as DATABASE_URLs."""
    if connection.vendor != "postgresql":
        yield [f"sqlite:///{tmp_path / name}.sqlite3" for name in ("crash", "clean")]
        return
    settings = connection.settings_dict
    names = [f"maillage_scratch_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    import psycopg

    def admin(sql):
        with psycopg.connect(
            dbname="postgres", user=settings["USER"], host=settings["HOST"], port=settings["PORT"],
            password=settings["PASSWORD"] or None, autocommit=True,
        ) as conn:  # fmt: skip
            conn.execute(sql)

    for name in names:
        admin(f"CREATE DATABASE {name}")
    user = settings["USER"]
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    yield [f"postgres://{user}{password}@{settings['HOST']}:{settings['PORT']}/{name}" for name in names]
    for name in names:
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def child_env(database_url, tmp_path, **extra):
    env = {**os.environ, "DATABASE_URL": database_url, "MAILLAGE_DATA_DIR": str(tmp_path / "data")}
    env.pop(HANG_ENV, None)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return {**env, **extra}


def run(args, env, timeout=180):
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def import_args(path):
    return [sys.executable, "-m", "maillage.cli", "import_sirene", str(path), "--wet-run",
            "--batch-size", str(BATCH), "--json"]  # fmt: skip


def dump(env):
    return json.loads(run([sys.executable, "-m", "tests.imports.scratch", "dump"], env))


def test_killed_import_keeps_whole_batches_and_resumes_to_the_clean_result(tmp_path, scratch_databases):
    with open(NAF_CSV, encoding="utf-8", newline="") as handle:
        known = {row["id_5"] for row in csv.DictReader(handle)}
    naf = NafSampler.from_unites_legales_csv(UNITES_LEGALES_SAMPLE, known=known)
    report = generate(
        rows=2000, out=tmp_path / "etab.csv", unites_legales_out=tmp_path / "ul.csv",
        communes=communes_from_file(COMMUNES_CSV, ["67", "68"]), naf=naf,
        headcount=HeadcountSampler.from_unites_legales_csv(UNITES_LEGALES_SAMPLE), seed=11,
    )  # fmt: skip
    crash_url, clean_url = scratch_databases
    crash_env, clean_env = child_env(crash_url, tmp_path), child_env(clean_url, tmp_path)
    for env in (crash_env, clean_env):
        run([sys.executable, "-m", "tests.imports.scratch", "setup"], env)

    marker = tmp_path / "hanging"
    hang_env = {**crash_env, HANG_ENV: "3", HANG_MARKER_ENV: str(marker)}
    child = subprocess.Popen(import_args(report.path), cwd=ROOT, env=hang_env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, "the import ended before reaching batch 3"
        assert time.monotonic() < deadline, "batch 3 never started"
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)

    # Batch 3 had been written but not committed: only batches 1 and 2 are there.
    crashed = dump(crash_env)
    with open(report.path, encoding="utf-8", newline="") as handle:
        first_two_batches = [row["siret"] for row in csv.DictReader(handle)][: 2 * BATCH]
    assert [e["siret"] for e in crashed["establishments"]] == first_two_batches
    assert crashed["runs"][0]["status"] == "running"
    assert (crashed["runs"][0]["last_committed_line"], crashed["runs"][0]["batches_committed"]) == (
        1 + 2 * BATCH,
        2,
    )

    resumed = json.loads(run(import_args(report.path), crash_env))
    assert resumed["resumed_from_line"] == 2 + 2 * BATCH
    assert (resumed["read"], resumed["to_create"]) == (2000, 2000)
    run(import_args(report.path), clean_env)

    after, clean = dump(crash_env), dump(clean_env)
    assert after["establishments"] == clean["establishments"]
    assert after["organisations"] == clean["organisations"]
    assert after["runs"][0]["status"] == "succeeded" and after["runs"][0]["resumed_count"] == 1
