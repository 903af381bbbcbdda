#!/usr/bin/env python3
"""Where a back-office page spends its time at a large network's size: CPU, SQL and queries.

    .venv/bin/python bench/web.py --scale backoffice --workdir /tmp/bench-bo   # builds the data once
    .venv/bin/python bench/backoffice_pages.py --workdir /tmp/bench-bo

bench/web.py measures the pages served (server time under 1, 8, 32 clients); this one opens
each page in process, as the bench's animator (Django's test client: no HTTP, one client), and
splits its cost: CPU time of the request (median of ``--repeat``), SQL time and number of
queries, and the page's size. The back-office pages plus the invitations page (its company
field once listed every member). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.web import backoffice_plans, bench_env  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, help="the --workdir given to bench/web.py")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    workdir = Path(args.workdir) / "backoffice"
    prepared = workdir / "prepared.json"
    if not prepared.exists():
        raise SystemExit(f"{prepared} missing: run bench/web.py --scale backoffice --workdir {args.workdir}")
    env = bench_env(workdir)
    env["ALLOWED_HOSTS"] = "testserver"
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    data = json.loads(prepared.read_text())["backoffice"]
    plans = backoffice_plans(data)
    urls = {name: paths[:3] for name, paths in plans.items()}
    urls["invitations"] = [f"/animation/{data['network']}/invitations/"]
    client = Client()
    client.cookies["sessionid"] = data["session"]
    pages = {}
    for name, paths in urls.items():
        for path in paths:
            first = client.get(path, secure=True)  # caches and templates warm
            if first.status_code != 200:
                raise SystemExit(f"{path}: HTTP {first.status_code}")
            cpu, sql, queries = [], [], 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.process_time()
                    response = client.get(path, secure=True)
                    cpu.append((time.process_time() - started) * 1000)
                sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
                queries = len(captured.captured_queries)
            pages[path] = {
                "page": name,
                "cpu_ms": round(statistics.median(cpu), 1),
                "sql_ms": round(statistics.median(sql), 1),
                "queries": queries,
                "kb": round(len(response.content) / 1024, 1),
            }
            print(f"{name:<16} {pages[path]['cpu_ms']:>6} ms cpu {pages[path]['sql_ms']:>6} ms sql "
                  f"{queries:>3} q {pages[path]['kb']:>6} KB  {path}", file=sys.stderr)  # fmt: skip
    result = {
        "members": data["members"],
        "journal_entries": data["entries"],
        "repeat": args.repeat,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "pages": pages,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
