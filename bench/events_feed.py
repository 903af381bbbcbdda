#!/usr/bin/env python3
"""How long a network's calendar feed takes to write for 2,000 events (issue 16: ≤ 200 ms).

    .venv/bin/python bench/events_feed.py [--workdir /tmp/bench-feed] [--events 2000] [--repeat 7]

Production settings on a throwaway SQLite data dir (``bench/web.py``'s ``bench_env``), migrated
once and reused. The bench network gets ``--events`` published events, a third of them
trainings of three half-day sessions (their description lists the sessions), written in bulk
on purpose (bench data, not a service's job). Measured: ``network_feed_ics`` for a member
(the widest feed: members-only events too), wall time, median of ``--repeat`` after one warm
run, with its queries and size; then the private feed of a person registered to all of them.
The last line printed is one JSON object; ``bench/events.py`` takes ``feed_ms`` from it.
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

from bench.web import bench_env  # noqa: E402

NETWORK = "bench-agenda"


def _world(count: int):
    """The bench network, a member user and ``count`` events (built once per data dir)."""
    import datetime
    import secrets

    from django.utils import timezone

    from maillage.accounts.models import User
    from maillage.directory.models import Establishment, Membership, Network, Organisation
    from maillage.events.models import Audience, Event, EventKind, EventSession, Registration

    network, _ = Network.objects.get_or_create(slug=NETWORK, defaults={"name": "Réseau du banc d’essai"})
    user, created = User.objects.get_or_create(email="membre@bench.example")
    if created:
        organisation = Organisation.objects.create(siren="900000018", name="Banc d’essai")
        establishment = Establishment.objects.create(
            organisation=organisation, siret="90000001800015", name="Banc d’essai"
        )
        Membership.objects.create(
            network=network, establishment=establishment, status=Membership.Status.MEMBER
        )
        establishment.user_links.create(user=user)
    if Event.objects.filter(network=network).count() >= count:
        return network, user
    Event.objects.filter(network=network).delete()
    start = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    kinds = [k for k, _ in EventKind.choices]
    events = []
    for n in range(count):
        day = start + datetime.timedelta(days=n // 4 - 60, hours=2 * (n % 4))
        training = n % 3 == 0
        events.append(
            Event(
                network=network, slug=f"evenement-{n}", title=f"Événement n° {n}",
                kind=EventKind.TRAINING if training else kinds[n % len(kinds)],
                audience=Audience.MEMBERS if n % 5 == 0 else Audience.PUBLIC, status="published",
                summary="Une demi-journée pour comprendre et mesurer.", venue="Salle des fêtes",
                address="1 rue de l’Industrie, Haguenau", starts_at=day,
                ends_at=day + datetime.timedelta(days=14 if training else 0, hours=3),
            )
        )  # fmt: skip
    Event.objects.bulk_create(events, batch_size=500)
    sessions, registrations = [], []
    for event in Event.objects.filter(network=network):
        spans = 3 if event.kind == EventKind.TRAINING else 1
        for s in range(spans):
            begin = event.starts_at + datetime.timedelta(days=7 * s)
            sessions.append(
                EventSession(event=event, starts_at=begin, ends_at=begin + datetime.timedelta(hours=3))
            )
        registrations.append(
            Registration(
                event=event, user=user, email=user.email, first_name="Camille", last_name="Banc",
                status="confirmed", queued_at=event.starts_at, token=secrets.token_urlsafe(32),
            )
        )  # fmt: skip
    EventSession.objects.bulk_create(sessions, batch_size=500)
    Registration.objects.bulk_create(registrations, batch_size=500)
    return network, user


def _measure(build, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    content = build()  # warm: templates of the URL resolver, translations
    with CaptureQueriesContext(connection) as queries:
        build()
    times, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        content = build()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return {
        "ms": round(statistics.median(times), 1),
        # CPU time of this process: the steadier figure on a shared machine (wall time waits
        # for the core; SQLite runs in the process, so its work is counted too).
        "cpu_ms": round(statistics.median(cpu), 1),
        "max_ms": round(max(times), 1),
        "queries": len(queries),
        "kib": round(len(content) / 1024),
        "vevents": content.count(b"BEGIN:VEVENT"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-events-feed"))
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(bench_env(args.workdir))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from maillage.events.feeds import feed_token_create, network_feed_ics, person_feed_ics

    network, user = _world(args.events)
    public = _measure(lambda: network_feed_ics(network, user=user), args.repeat)
    token = feed_token_create(user).token
    private = _measure(lambda: person_feed_ics(token), args.repeat)
    result = {"events": args.events, "feed_ms": public["ms"], "network_feed": public, "person_feed": private}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
