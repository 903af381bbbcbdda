#!/usr/bin/env python3
"""Web benchmark: server time of the search page and the establishment page under concurrent clients.

    .venv/bin/python bench/web.py --scale both --duration 10 --json

For each scale, builds a throwaway ``MAILLAGE_DATA_DIR`` (SQLite), serves the app with
gunicorn and loads it from a separate process:

- ``demo``: ``maillage demo`` (the « Industries Alsace du Nord » territory) + ``build-index``;
- ``1200k``: the referential and the taxonomy, ``maillage generate-sirene --rows 1200000`` +
  ``import-sirene --wet-run`` (with StockUniteLegale) + ``build-index``, the same synthetic
  SIRENE as bench/import_sirene.py;
- ``backoffice``: the demo + 5,000 synthetic member companies with their contacts and 50,000
  entries of the animator's journal (bench/backoffice_data.py); the pages are the member list,
  a member's page, the journal and a company's timeline, as a logged-in animator. Target:
  server-time p95 ≤ 150 ms at 8 clients (issue 15).

Pages, each loaded for ``--duration`` seconds by 1, 8 then 32 concurrent clients:
``search_text`` (``/recherche/?q=…``), ``search_place`` (+ ``pres`` and ``distance``),
``search_filters`` (+ capability, certification or headcount filters), ``search_partial``
(the place search as htmx asks it: ``HX-Request``, results partial only) and
``establishment`` (``/etablissements/<siret>/``). Queries are the 64 judged buyer requests of
tests/matching/buyer_requests.toml, written as French buyers write them.

Why gunicorn: the app is WSGI with synchronous views; gunicorn's sync workers (one request
per process, ``2 × CPU + 1`` processes) are how Django is deployed, whereas uvicorn would run
every view through ``sync_to_async`` on one thread per worker. Its access log also gives the
**server time** of each request (``%(D)s``, microseconds from request read to response
written), which the client's latency cannot: the client process shares the CPUs.
The client is httpx + asyncio (already installed; wrk and oha are not on CI machines).

Reported per page and concurrency: requests, requests/s, server-time and client-latency
p50/p95/p99/max in ms, errors (any status but 200, or a transport error) by kind. Target
checks: server-time p95 ≤ 150 ms on the demo and ≤ 300 ms at 1.2 M (every page, every
concurrency) and zero errors at 32 clients. ``machine`` records the load average and the
busiest other processes, since the machine may be shared. The last line printed is one JSON
object; results are never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.import_sirene import DATA, maillage, prepare_database, run_measured  # noqa: E402

REQUESTS_FILE = ROOT / "tests" / "matching" / "buyer_requests.toml"
PAGES = ("search_text", "search_place", "search_filters", "search_partial", "establishment")
# The animator's back-office at a large network's size (issue 15): the member list (pages,
# filters, search), a member's page, the journal (pages, filters, follow-ups to do) and a
# company's timeline, as the bench's animator (a session made by bench/backoffice_data.py).
BACKOFFICE_PAGES = ("members", "member", "journal", "journal_company")
BACKOFFICE_MEMBERS, BACKOFFICE_ENTRIES = 5_000, 50_000
CONCURRENCY = (1, 8, 32)
TARGET_P95_MS = {"demo": 150, "1200k": 300, "backoffice": 150}
# Places a buyer types, in and around the demo territory (unambiguous commune names).
PLACES = ("Haguenau", "Brumath", "Bischwiller", "Wissembourg", "Saverne", "Strasbourg")
HEADCOUNTS = ("10-19", "20-49", "50-99")
SIRETS = 300


def bench_env(workdir: Path) -> dict:
    """Production settings (DEBUG off) on a throwaway SQLite data dir."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "MAILLAGE_DATA_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'maillage.sqlite3'}",
        "MAILLAGE_TILE_URL": "",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("MAILLAGE_SIRENE_TEST_HANG_IN_BATCH", None)
    return env


def timed(args: list[str], env: dict) -> dict:
    _stdout, wall, rss = run_measured(args, env)
    return {"seconds": round(wall, 1), "peak_rss_mib": round(rss)}


def prepare(scale: str, workdir: Path, rows: int, say) -> dict:
    """Build the data dir once; a ``--workdir`` that already holds it is reused as is."""
    marker = workdir / "prepared.json"
    env = bench_env(workdir)
    if marker.exists():
        say(f"{scale}: reusing {workdir}")
        # The code served is the working tree's: its schema may have moved since the data was built.
        run_measured(maillage("migrate", "--no-input", "-v", "0"), env)
        return json.loads(marker.read_text())
    steps: dict = {}
    if scale in ("demo", "backoffice"):
        say(f"{scale}: migrate + maillage demo")
        steps["migrate"] = timed(maillage("migrate", "--no-input", "-v", "0"), env)
        steps["demo"] = timed(maillage("demo", "--data-dir", str(DATA), "-v", "0"), env)
    else:
        say(f"{scale}: migrate + referential + taxonomy, generate-sirene {rows:,} rows")
        prepare_database(env)
        # Without the taxonomy the index has no concepts and capability filters are refused.
        steps["taxonomy"] = timed(maillage("load-taxonomy", "--wet-run"), env)
        etab, ul = workdir / "StockEtablissement_bench.csv", workdir / "StockUniteLegale_bench.csv"
        steps["generate"] = timed(
            maillage(
                "generate-sirene", "--rows", str(rows), "--out", str(etab), "--unites-legales-out", str(ul),
                "--communes-file", str(DATA / "communes/communes_2026_geo_epci.csv"),
                "--naf-weights", str(DATA / "sirene/index_egalite_sirens_unites_legales.csv"),
            ),
            env,
        )  # fmt: skip
        say(f"{scale}: import-sirene --wet-run")
        steps["import"] = timed(
            maillage("import-sirene", str(etab), "--unites-legales", str(ul), "--wet-run"), env
        )
        etab.unlink()
        ul.unlink()
    if scale == "backoffice":
        say(f"{scale}: {BACKOFFICE_MEMBERS:,} members, {BACKOFFICE_ENTRIES:,} journal entries")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "bench.backoffice_data", str(BACKOFFICE_MEMBERS), str(BACKOFFICE_ENTRIES)],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"bench/backoffice_data.py failed:\n{done.stderr[-3000:]}")
        steps["backoffice"] = json.loads(done.stdout.strip().splitlines()[-1])
        steps["populate_seconds"] = round(time.perf_counter() - started, 1)
    say(f"{scale}: build-index")
    steps["build_index"] = timed(maillage("build-index"), env)
    with sqlite3.connect(workdir / "maillage.sqlite3") as db:
        steps["establishments"] = db.execute("SELECT count(*) FROM directory_establishment").fetchone()[0]
    marker.write_text(json.dumps(steps))
    return steps


def backoffice_plans(data: dict) -> dict[str, list[str]]:
    """The back-office URLs: list pages and filters a busy animator opens, in a fixed order."""
    base = f"/animation/{data['network']}"
    members = [f"{base}/membres/"] + [
        f"{base}/membres/?{query}"
        for query in (
            "statut=member", "statut=prospect", "q=synth%C3%A9tique+00042", "q=Haguenau", "page=3",
            "page=50", "statut=member&page=20", "cotisation=due",
        )
    ]  # fmt: skip
    journal = [f"{base}/journal/"] + [
        f"{base}/journal/?{query}"
        for query in ("nature=visit", "theme=energy", "relances=on", "page=10", "page=400",
                      "entreprise=00042", "du=2026-01-01&au=2026-06-30", "nature=meeting&page=5")
    ]  # fmt: skip
    sirets = data["sirets"]
    return {
        "members": members,
        "member": [f"{base}/membres/{siret}/" for siret in sirets],
        "journal": journal,
        "journal_company": [f"{base}/journal/entreprise/{siret}/" for siret in sirets],
    }


def plans(workdir: Path) -> dict[str, list[str]]:
    """The URLs of each page, in a fixed order (the clients cycle through them)."""
    from urllib.parse import urlencode

    requests = tomllib.loads(REQUESTS_FILE.read_text())["request"]
    text, place, filters = [], [], []
    for number, request in enumerate(requests):
        text.append({"q": request["text"]})
        place.append(
            {
                "q": request["text"],
                "pres": request.get("near") or PLACES[number % len(PLACES)],
                "distance": str(int(request.get("radius_km") or 50)),
            }
        )
        capability = next((rule["capability"] for rule in request["rules"] if "capability" in rule), "")
        if isinstance(capability, list):  # a rule may ask for a process and a material
            capability = capability[0]
        chosen = {"q": request["text"], "savoir_faire": capability}
        if number % 2:
            chosen["certification"] = "cert.iso9001"
        else:
            chosen["effectif"] = HEADCOUNTS[number % len(HEADCOUNTS)]
        filters.append(chosen)
    with sqlite3.connect(workdir / "maillage.sqlite3") as db:
        # A fixed sample (rowid order, every k-th row) rather than ORDER BY random(): repeatable.
        total = db.execute("SELECT count(*) FROM directory_establishment").fetchone()[0]
        step = max(1, total // SIRETS)
        sirets = [
            row[0]
            for row in db.execute(
                "SELECT siret FROM directory_establishment WHERE id % ? = 0 ORDER BY id LIMIT ?",
                (step, SIRETS),
            )
        ]
    search = [f"/recherche/?{urlencode(params)}" for params in text]
    return {
        "search_text": search,
        "search_place": [f"/recherche/?{urlencode(params)}" for params in place],
        "search_filters": [f"/recherche/?{urlencode(params)}" for params in filters],
        "search_partial": [f"/recherche/?{urlencode(params)}" for params in place],
        "establishment": [f"/etablissements/{siret}/" for siret in sirets],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: Path, port: int, workers: int, access_log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    args = [
        str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--timeout", "120", "--backlog", "2048",
        "--access-logfile", str(access_log), "--access-logformat", "%({x-bench}i)s %(s)s %(D)s",
        "--error-logfile", str(workdir / "gunicorn-error.log"),
    ]  # fmt: skip
    server = subprocess.Popen(args, cwd=ROOT, env=bench_env(workdir))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped ({server.returncode}): see {workdir / 'gunicorn-error.log'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start within 120 s")


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU time of the gunicorn workers so far (they are the master's children)."""
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0
    for pid in children:
        with contextlib.suppress(FileNotFoundError):
            # Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / tick


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def percentiles(values) -> dict:
    if not len(values):
        return {"p50": None, "p95": None, "p99": None, "max": None}
    array = np.asarray(values, dtype=float)
    p50, p95, p99 = np.percentile(array, [50, 95, 99])
    return {
        key: round(float(value), 1)
        for key, value in zip(("p50", "p95", "p99", "max"), (p50, p95, p99, array.max()), strict=True)
    }


def server_times(access_log: Path, label: str) -> tuple[list[float], Counter]:
    """Milliseconds of the requests tagged ``label`` in gunicorn's access log, and their statuses."""
    times, statuses = [], Counter()
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == label:
            statuses[parts[1]] += 1
            times.append(int(parts[2]) / 1000)
    return times, statuses


async def _load(base: str, urls: list[str], headers: dict, concurrency: int, duration: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors: Counter = Counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        order = itertools.count()
        started = time.perf_counter()
        deadline = started + duration

        async def client_loop() -> None:
            while time.perf_counter() < deadline:
                url = urls[next(order) % len(urls)]
                sent = time.perf_counter()
                try:
                    response = await client.get(url, headers=headers)
                    if response.status_code != 200:
                        errors[f"HTTP {response.status_code}"] += 1
                except httpx.HTTPError as error:
                    errors[type(error).__name__] += 1
                latencies.append((time.perf_counter() - sent) * 1000)

        await asyncio.gather(*(client_loop() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"latencies_ms": latencies, "errors": dict(errors), "seconds": elapsed}


def load_child(args: argparse.Namespace) -> None:
    """In its own process: load the server and print the client's measurements as JSON."""
    spec = json.loads(Path(args.plan).read_text())
    result = asyncio.run(_load(spec["base"], spec["urls"], spec["headers"], args.concurrency, args.duration))
    print(json.dumps(result))


def run_load(base: str, urls: list[str], headers: dict, concurrency: int, duration: float, tmp: Path) -> dict:
    plan = tmp / "plan.json"
    plan.write_text(json.dumps({"base": base, "urls": urls, "headers": headers}))
    done = subprocess.run(
        [sys.executable, __file__, "--load-child", "--plan", str(plan),
         "--concurrency", str(concurrency), "--duration", str(duration)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"load client failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def other_processes(own: set[int], top: int = 6) -> list[str]:
    """The busiest processes that are not this benchmark's, as ``%CPU command``."""
    listing = subprocess.run(
        ["ps", "-eo", "pid,ppid,pcpu,args", "--sort=-pcpu", "--no-headers"],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    busy = []
    for line in listing.splitlines():
        pid, ppid, cpu, command = line.split(None, 3)
        if int(pid) in own or int(ppid) in own or float(cpu) < 1.0:
            continue
        busy.append(f"{cpu}% {command[:100]}")
    return busy[:top]


def bench_scale(scale: str, args: argparse.Namespace, say) -> dict:
    workdir = (
        Path(args.workdir) / scale
        if args.workdir
        else Path(tempfile.mkdtemp(prefix=f"maillage-web-{scale}-"))
    )
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        steps = prepare(scale, workdir, args.rows, say)
        if scale == "backoffice":
            urls, page_names = backoffice_plans(steps["backoffice"]), BACKOFFICE_PAGES
            # The animator's session, as a browser sends it (made by bench/backoffice_data.py).
            cookie = {"Cookie": f"sessionid={steps['backoffice']['session']}"}
        else:
            urls, page_names, cookie = plans(workdir), PAGES, {}
        port = free_port()
        access_log = workdir / "access.log"
        access_log.unlink(missing_ok=True)
        server = start_server(workdir, port, args.workers, access_log)
        base = f"http://127.0.0.1:{port}"
        own = {os.getpid(), server.pid}
        machine = {"loadavg_before": [round(x, 2) for x in os.getloadavg()], "other_processes": []}
        pages: dict = {}
        try:
            # Every worker opens the index and fills its caches before anything is measured.
            for page in page_names:
                warm = urls[page][: max(args.workers * 2, 10)]
                run_load(base, warm, {"x-bench": "warmup", **cookie}, args.workers, 3, workdir)
            for page in page_names:
                pages[page] = {}
                for concurrency in CONCURRENCY:
                    label = f"{page}/{concurrency}"
                    headers = {"x-bench": label, **cookie}
                    if page == "search_partial":
                        headers["HX-Request"] = "true"
                    cpu_before = server_cpu_seconds(server)
                    client = run_load(base, urls[page], headers, concurrency, args.duration, workdir)
                    cpu = server_cpu_seconds(server) - cpu_before
                    machine["other_processes"] = other_processes(own) or machine["other_processes"]
                    times, statuses = server_times(access_log, label)
                    pages[page][str(concurrency)] = {
                        "requests": len(client["latencies_ms"]),
                        "requests_per_second": round(len(client["latencies_ms"]) / client["seconds"], 1),
                        "server_ms": percentiles(times),
                        # CPU the workers spent per request: unlike times, barely moved by other
                        # processes competing for the cores.
                        "server_cpu_ms_per_request": round(1000 * cpu / max(1, len(times)), 1),
                        "loadavg_1min": round(os.getloadavg()[0], 2),
                        "client_ms": percentiles(client["latencies_ms"]),
                        "errors": client["errors"],
                        "server_statuses": dict(statuses),
                    }
                    row = pages[page][str(concurrency)]
                    say(
                        f"{scale} {label:<20} {row['requests']:>5} req {row['requests_per_second']:>6} req/s"
                        f"  server p50 {row['server_ms']['p50']} p95 {row['server_ms']['p95']}"
                        f" p99 {row['server_ms']['p99']} max {row['server_ms']['max']} ms"
                        f"  cpu/req {row['server_cpu_ms_per_request']} ms"
                        f"  client p95 {row['client_ms']['p95']} ms"
                        f"  errors {sum(row['errors'].values())}  load {row['loadavg_1min']}"
                    )
        finally:
            stop_server(server)
        machine["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    limit = TARGET_P95_MS[scale]
    worst = max(
        (row["server_ms"]["p95"] or 0.0, page, int(concurrency))
        for page, rows in pages.items()
        for concurrency, row in rows.items()
    )
    return {
        "prepare": steps,
        "establishments": steps["establishments"],
        "workers": args.workers,
        "pages": pages,
        "machine": machine,
        "targets": {
            "p95_limit_ms": limit,
            "worst_server_p95_ms": {"ms": worst[0], "page": worst[1], "clients": worst[2]},
            "server_p95_ok": bool(worst[0] <= limit),
            "server_p95_ok_at_1_client": all(
                (rows["1"]["server_ms"]["p95"] or 0) <= limit for rows in pages.values()
            ),
            # The target for the back-office: p95 ≤ 150 ms at 8 clients.
            "server_p95_ok_at_8_clients": all(
                (rows["8"]["server_ms"]["p95"] or 0) <= limit for rows in pages.values()
            ),
            "zero_errors_at_32": all(not rows["32"]["errors"] for rows in pages.values()),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("demo", "1200k", "backoffice", "both"), default="demo")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page and concurrency")
    parser.add_argument("--json", action="store_true", help="(the last line is always JSON)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--rows", type=int, default=1_200_000, help="SIRENE rows of the 1200k scale")
    parser.add_argument("--workdir", help="keep (and reuse) the data dirs there instead of temporary ones")
    parser.add_argument("--load-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_child:
        load_child(args)
        return

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    scales = ("demo", "1200k") if args.scale == "both" else (args.scale,)
    result = {
        "duration_s": args.duration,
        "cpus": os.cpu_count(),
        "concurrency": list(CONCURRENCY),
        "server": f"gunicorn, {args.workers} sync workers",
        "client": "httpx + asyncio, separate process",
        "scales": {scale: bench_scale(scale, args, say) for scale in scales},
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
