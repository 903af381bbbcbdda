#!/usr/bin/env python3
"""Time ``make demo`` after install: from an empty data directory to the first page served.

    .venv/bin/python bench/demo_start.py --json
    .venv/bin/python bench/demo_start.py --repo /tmp/other-checkout --json   # compare a checkout

Runs what ``make demo`` runs after ``make install`` (``maillage migrate --no-input``, then
``maillage run_huey`` and ``maillage runserver --skip-checks`` started beside ``maillage
demo``) on a fresh SQLite database in a temporary ``MAILLAGE_DATA_DIR``, and once the demo is
built polls the home page until it answers 200. ``--server-after-build`` starts the server
and the queue after the demo instead (the Makefile before they overlapped).
``--pdf`` then logs in as the demo animator and times the first leakage PDF.

``--repo`` runs with that checkout's own ``.venv`` when it has one (``make install`` there).
The machine is shared: the load average is sampled every second during the run and reported
with the times (compare two checkouts in the same conditions, one after the other). The demo
command's own phases come from its ``-v 2`` output (« Étapes : … »). The last line printed is
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.shared_data import shared_path  # noqa: E402

PHASE = re.compile(r"([\w’'é -]+?) (\d+(?:\.\d+)?) s")


class LoadSampler(threading.Thread):
    """The 1-minute load average, every second (the machine is shared)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self._stop = threading.Event()

    def run(self):
        while not self._stop.wait(1.0):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> dict:
        self._stop.set()
        samples = self.samples or [os.getloadavg()[0]]
        return {"min": min(samples), "mean": round(sum(samples) / len(samples), 2), "max": max(samples)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict, cwd: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of a command (CPU depends less on what else the machine runs)."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, _cpu() - cpu, done.stdout


def demo_phases(output: str, prefix: str) -> dict[str, float]:
    line = next((line for line in output.splitlines() if line.startswith(prefix)), "")
    return {name.strip(): float(seconds) for name, seconds in PHASE.findall(line.removeprefix(prefix))}


def first_page(url: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    response.read()
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"{url} did not answer within {timeout} s")


def first_pdf(base: str) -> float:
    """Log in as the demo animator, then time the leakage PDF."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "compte/connexion/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {
        "csrfmiddlewaretoken": token,
        "username": "animatrice@demo.maillage.fr",
        "password": "animatrice-demo",
    }
    request = urllib.request.Request(
        base + "compte/connexion/", data=urlencode(form).encode(), headers={"Referer": base}
    )
    opener.open(request).read()
    start = time.perf_counter()
    with opener.open(base + "relations/fuite/alsace-du-nord/?format=pdf", timeout=120) as response:
        body = response.read()
    if not body.startswith(b"%PDF"):
        sys.exit("the leakage export is not a PDF (login failed?)")
    return time.perf_counter() - start


def run(repo: Path, *, pdf: bool, keep: bool, during_build: bool) -> dict:
    venvs = (repo / ".venv" / "bin" / "python", ROOT / ".venv" / "bin" / "python")
    python = next(p for p in venvs if p.exists())
    data = Path(tempfile.mkdtemp(prefix="demo-start-"))
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": str(data),
        "MAILLAGE_REFERENTIAL_SOURCE": (
            os.environ.get("MAILLAGE_REFERENTIAL_SOURCE") or str(shared_path("data"))
        ),
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    # ``python -m`` puts the checkout first on sys.path: ``--repo`` runs that checkout's code.
    maillage = [str(python), "-m", "maillage.cli"]
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    load = LoadSampler()
    load.start()
    result: dict = {
        "repo": str(repo),
        "server": "during build" if during_build else "after build",
        "load_before": round(os.getloadavg()[0], 2),
    }
    server_options = ["--skip-checks"] if during_build else []
    start = time.perf_counter()
    try:
        migrate = [*maillage, "migrate", "--no-input"]
        result["migrate_s"], result["migrate_cpu_s"], _ = timed(migrate, env, repo)
        processes = []

        def serve() -> None:
            processes.append(subprocess.Popen([*maillage, "run_huey"], env=env, cwd=repo, **_quiet()))
            serve = [*maillage, "runserver", *server_options, f"127.0.0.1:{port}"]
            processes.append(subprocess.Popen(serve, env=env, cwd=repo, **_quiet()))

        try:
            if during_build:
                serve()
            result["demo_s"], result["demo_cpu_s"], output = timed(
                [*maillage, "demo", "--url", base, "-v", "2"], env, repo
            )
            result["demo_phases_s"] = demo_phases(output, "Étapes : ")
            result["demo_phases_cpu_s"] = demo_phases(output, "Étapes (CPU) : ")
            if not during_build:
                serve()
            # Polled only once the demo is built: a page served earlier would be a partial demo.
            result["serve_first_page_s"] = first_page(base, timeout=300)
            result["total_to_first_page_s"] = time.perf_counter() - start
            if pdf:
                result["first_pdf_s"] = first_pdf(base)
        finally:
            for process in reversed(processes):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    finally:
        result["load_1min"] = load.stop()
        if not keep:
            shutil.rmtree(data, ignore_errors=True)
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


def _quiet() -> dict:
    return {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="checkout to run (default: this one)")
    parser.add_argument("--pdf", action="store_true", help="also time the first leakage PDF")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument(
        "--server-after-build",
        action="store_true",
        help="start the server and the task queue after the demo (the Makefile before this change)",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    result = run(args.repo.resolve(), pdf=args.pdf, keep=args.keep, during_build=not args.server_after_build)
    result["cpus"] = os.cpu_count()
    if not args.json:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
