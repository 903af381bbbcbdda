#!/usr/bin/env python3
"""Events benchmark (issue 16): registrations under concurrent clients, and the reminder tick.

    .venv/bin/python bench/events.py --json
    .venv/bin/python scripts/throwaway_postgres.py -- .venv/bin/python bench/events.py --json --postgres

- **registration**: a published 200-seat event, served by gunicorn (sync workers, production
  settings, as bench/web.py); 32 concurrent clients (httpx + asyncio), each a signed-in member
  (a visitor's forms are limited per client address), open the form page (CSRF cookie and
  token) and POST the real form, one new person each time, until twice the seats have
  registered. Reported: confirmed seats, overbooked seats (confirmed + offered beyond the
  capacity: must be 0), waitlisted, errors, and the p95 of the POSTs' server time (gunicorn's
  ``%(D)s``, as bench/web.py: the client shares the CPUs) and of their client latency. Target:
  p95 ≤ 200 ms, no overbooking.
- **reminder tick**: 20,000 confirmed registrations of an event whose J-1 reminder is due;
  seconds of ``registrations.reminders_due`` (the delivery rows written, the batches queued on
  the task queue, as production: Huey, not inline), then of a re-run (nothing to queue).
  Target ≤ 10 s.

The database is a throwaway SQLite file (IMMEDIATE transactions, as production on SQLite), or
``DATABASE_URL`` with ``--postgres`` (row locks). The feed figure (``feed_ms``) belongs to the
feeds' benchmark and is printed as null. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import web  # noqa: E402
from bench.import_sirene import maillage, run_measured  # noqa: E402
from bench.web import free_port, percentiles, server_times, start_server, stop_server  # noqa: E402

SEATS, CLIENTS, REMINDER_REGISTRATIONS = 200, 32, 20_000
NETWORK, EVENT, TICK_EVENT = "reseau-bench", "atelier-bench", "rappel-bench"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


# --- in the bench's Django environment (python -m bench.events --child …) ----------------------


def child_seed(seats: int, clients: int) -> dict:
    """The event, and one signed-in person per client (visitors' forms are limited per client
    address, and the bench's clients all come from 127.0.0.1)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from maillage.directory.models import Network
    from maillage.events.models import Event, EventSession, EventStatus

    network, _ = Network.objects.get_or_create(slug=NETWORK, defaults={"name": "Réseau du banc d’essai"})
    start = timezone.now() + timedelta(days=20)
    event = Event.objects.create(
        network=network, slug=EVENT, title="Atelier du banc d’essai", kind="workshop",
        status=EventStatus.PUBLISHED, starts_at=start, ends_at=start + timedelta(hours=3), capacity=seats,
    )  # fmt: skip
    EventSession.objects.create(event=event, starts_at=event.starts_at, ends_at=event.ends_at)
    sessions = []
    for n in range(clients):
        email = f"client{n}@bench.example"
        user = get_user_model().objects.create(
            email=email, username=email, first_name="Camille", last_name=str(n)
        )
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return {"event": event.pk, "sessions": sessions}


def child_count() -> dict:
    from django.db.models import Count

    from maillage.events.models import Event

    event = Event.objects.get(network__slug=NETWORK, slug=EVENT)
    counts = dict(event.registrations.values_list("status").annotate(n=Count("pk")))
    emails = list(event.registrations.active().values_list("email", flat=True))
    return {"capacity": event.capacity, "counts": counts, "double_booked": len(emails) - len(set(emails))}


def child_reminders(count: int) -> dict:
    import secrets
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from maillage.directory.models import Network
    from maillage.events import registrations
    from maillage.events.models import Event, EventSession, EventStatus, Registration, RegistrationMessage

    now = timezone.now()
    network = Network.objects.get(slug=NETWORK)
    start = now + timedelta(hours=12)
    event = Event.objects.create(
        network=network, slug=TICK_EVENT, title="Assemblée du banc d’essai", kind="general_assembly",
        status=EventStatus.PUBLISHED, starts_at=start, ends_at=start + timedelta(hours=2),
        reminder_days=[7, 1],
    )  # fmt: skip
    EventSession.objects.create(event=event, starts_at=event.starts_at, ends_at=event.ends_at)
    booked = now - timedelta(days=10)
    Registration.objects.bulk_create(
        (
            Registration(
                event=event,
                first_name="Camille",
                last_name=f"Rappel{n}",
                email=f"rappel{n}@bench.example",
                status="confirmed",
                queued_at=booked,
                confirmed_at=booked,
                token=secrets.token_urlsafe(32),
            )  # fmt: skip
            for n in range(count)
        ),
        batch_size=2000,
    )
    # A few that must get nothing: waitlisted, cancelled, confirmed after the J-1 time.
    Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                first_name="X",
                last_name=str(n),
                email=f"non{n}@bench.example",
                status=status,
                queued_at=booked,
                confirmed_at=confirmed,
                token=secrets.token_urlsafe(32),
            )  # fmt: skip
            for n, (status, confirmed) in enumerate(
                [("waitlisted", None), ("cancelled", booked), ("confirmed", now - timedelta(hours=1))]
            )
        ]
    )
    started = time.perf_counter()
    queued = registrations.reminders_due(now)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = registrations.reminders_due(now)
    second = time.perf_counter() - started
    rows = RegistrationMessage.objects.filter(registration__event=event, kind="reminder").count()
    return {
        "registrations": count,
        "queued": queued,
        "delivery_rows": rows,
        "seconds": round(first, 3),
        "rerun_queued": again,
        "rerun_seconds": round(second, 3),
        "database": connection.vendor,
    }


# --- the load ----------------------------------------------------------------------------------


async def _registrations(base: str, path: str, sessions: list[str], total: int) -> dict:
    import httpx

    latencies, errors, statuses = [], [], {}
    numbers = iter(range(total))

    async def client_loop(client_id: int) -> None:
        signed_in = {"Cookie": f"sessionid={sessions[client_id]}"}
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            for n in numbers:
                try:
                    client.cookies.clear()
                    page = await client.get(path, headers={"x-bench": "form", **signed_in})
                    token = CSRF_INPUT.search(page.text)[1]
                    # The cookie is « Secure » in production settings: sent by hand over http.
                    csrf = (
                        page.cookies.get("csrftoken")
                        or CSRF_COOKIE.search(page.headers.get("set-cookie", ""))[1]
                    )
                    cookie = {"Cookie": f"sessionid={sessions[client_id]}; csrftoken={csrf}"}
                    data = {
                        "csrfmiddlewaretoken": token,
                        "first_name": "Camille",
                        "last_name": f"Charge{n}",
                        "email": f"charge{n}@bench.example",
                        "company": f"Entreprise {client_id}",
                        "collegue-TOTAL_FORMS": "0",
                        "collegue-INITIAL_FORMS": "0",
                    }
                    started = time.perf_counter()
                    client.cookies.clear()
                    answer = await client.post(path, data=data, headers={"x-bench": "register", **cookie})
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                except (httpx.HTTPError, TypeError, KeyError) as error:
                    errors.append(type(error).__name__)

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(i) for i in range(len(sessions))))
    return {
        "wall_s": round(time.perf_counter() - started, 2),
        "latencies_ms": latencies,
        "statuses": statuses,
        "errors": errors,
    }


def _child(env: dict, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.events", "--child", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench/events.py --child {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _feed(workdir: Path) -> dict:
    """``bench/events_feed.py`` in its own process, on its own SQLite data dir under this run's
    (with ``--postgres`` too: the feed is read, not raced): the network's feed of 2,000 events,
    its last line's JSON."""
    script = Path(__file__).with_name("events_feed.py")
    done = subprocess.run(
        [sys.executable, str(script), "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the detailed report as JSON")
    parser.add_argument("--postgres", action="store_true", help="use DATABASE_URL (e.g. a throwaway cluster)")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seats", type=int, default=SEATS)
    parser.add_argument("--reminders", type=int, default=REMINDER_REGISTRATIONS)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        kind, *rest = args.child
        result = {"seed": lambda: child_seed(int(rest[0]), int(rest[1])), "count": child_count}.get(kind)
        result = result() if result else child_reminders(int(rest[0]))
        print(json.dumps(result))
        return

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp:
        workdir = Path(tmp)
        if args.postgres:  # the server's environment too (``start_server`` calls ``bench_env``)
            plain = web.bench_env
            web.bench_env = lambda w: {**plain(w), "DATABASE_URL": os.environ["DATABASE_URL"]}
        env = web.bench_env(workdir)
        say("migrate")
        run_measured(maillage("migrate", "--no-input", "-v", "0"), env)
        seeded = _child(env, "seed", str(args.seats), str(args.clients))
        port = free_port()
        access_log = workdir / "access.log"
        say(f"gunicorn ({args.workers} workers), {args.clients} clients, {args.seats} seats")
        server = start_server(workdir, port, args.workers, access_log)
        try:
            base = f"http://127.0.0.1:{port}"
            path = f"/reseaux/{NETWORK}/agenda/{EVENT}/inscription/"
            load = asyncio.run(_registrations(base, path, seeded["sessions"], 2 * args.seats))
        finally:
            stop_server(server)
        times, server_statuses = server_times(access_log, "register")
        counts = _child(env, "count")
        confirmed = counts["counts"].get("confirmed", 0)
        held = confirmed + counts["counts"].get("offered", 0)
        say("reminder tick")
        tick = _child(env, "reminders", str(args.reminders))
        say("feed of 2,000 events (bench/events_feed.py)")
        feed = _feed(workdir / "feed")
    registration = {
        "clients": args.clients,
        "seats": args.seats,
        "confirmed": confirmed,
        "overbooked": max(held - args.seats, 0),
        "p95_ms": percentiles(times)["p95"],
    }
    report = {
        "database": "postgresql" if args.postgres else "sqlite",
        "workers": args.workers,
        "registration": {
            **registration,
            "posts": len(load["latencies_ms"]),
            "wall_s": load["wall_s"],
            "posts_per_s": round(len(load["latencies_ms"]) / load["wall_s"], 1) if load["wall_s"] else None,
            "statuses": {str(k): v for k, v in load["statuses"].items()},
            "server_statuses": dict(server_statuses),
            "errors": load["errors"][:10],
            "server_ms": percentiles(times),
            "client_ms": percentiles(load["latencies_ms"]),
            "by_status": counts["counts"],
            "double_booked": counts["double_booked"],
        },
        "reminder_tick": tick,
        "feed": feed,
        "load_average": os.getloadavg(),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    print(
        json.dumps(
            {"registration": registration, "feed_ms": feed["feed_ms"], "reminder_tick_s": tick["seconds"]}
        )
    )


if __name__ == "__main__":
    main()
