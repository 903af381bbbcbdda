"""A large network for the back-office pages of bench/web.py: 5,000 member companies with their
contacts and 50,000 entries of the animator's journal, added to the demo's network.

Run inside the bench's Django environment (``populate`` is called by bench/web.py through
``python -c``). Bulk inserts, fixed seed: the same data every run. The companies are synthetic
(``is_generated``), with valid SIREN/SIRET numbers, in the communes of the network's territory.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np

BENCH_ANIMATOR = "animatrice-bench@example.org"
CATEGORIES = ("Industriels", "Sous-traitants", "Partenaires", "")
FIRST_NAMES = ("Anne", "Marc", "Claire", "Paul", "Sophie", "Thomas", "Julie", "Luc", "Nathalie", "Pierre")
LAST_NAMES = ("Muller", "Schmitt", "Meyer", "Weber", "Klein", "Hoffmann", "Koenig", "Lutz", "Roth", "Wagner")


def populate(members: int, entries: int, seed: int = 7) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from maillage.directory.models import Contact, Establishment, Membership, Organisation
    from maillage.directory.selectors import network_territory_communes, site_network
    from maillage.directory.synthetic import siren_random_ints, siret_make
    from maillage.journal.models import EntryKind, JournalEntry, Theme
    from maillage.referential.models import NafCode

    rng = np.random.default_rng(seed)
    network = site_network()
    user_model = get_user_model()
    names = {"username": BENCH_ANIMATOR, "first_name": "Camille", "last_name": "Bench"}
    animator, _ = user_model.objects.get_or_create(email=BENCH_ANIMATOR, defaults=names)
    network.animators.add(animator)
    communes = list(network_territory_communes(network)[:200])
    nafs = list(NafCode.objects.filter(level=NafCode.Level.SUBCLASS, code__regex=r"^(2[2-9]|3[0-3])")[:80])
    today = date.today()
    with transaction.atomic():
        sirens = siren_random_ints(rng, members)
        organisations = Organisation.objects.bulk_create(
            Organisation(siren=f"{int(siren):09d}", name=f"Industrie synthétique {n:05d}", is_generated=True)
            for n, siren in enumerate(sirens)
        )
        establishments = Establishment.objects.bulk_create(
            Establishment(
                siret=siret_make(organisation.siren, 1),
                organisation=organisation,
                name=organisation.name,
                naf=nafs[n % len(nafs)] if nafs else None,
                commune=communes[n % len(communes)],
                city=communes[n % len(communes)].name,
                postal_code="67500",
                is_generated=True,
            )
            for n, organisation in enumerate(organisations)
        )
        statuses = rng.choice(
            [Membership.Status.MEMBER, Membership.Status.PROSPECT, Membership.Status.FORMER],
            size=members,
            p=[0.7, 0.2, 0.1],
        )
        Membership.objects.bulk_create(
            Membership(
                network=network,
                establishment=establishment,
                status=status,
                joined_on=today - timedelta(days=int(rng.integers(30, 3650))),
                category=CATEGORIES[n % len(CATEGORIES)],
            )
            for n, (establishment, status) in enumerate(zip(establishments, statuses, strict=True))
        )
        contacts = Contact.objects.bulk_create(
            Contact(
                network=network,
                establishment=establishment,
                first_name=FIRST_NAMES[(n + k) % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(3 * n + k) % len(LAST_NAMES)],
                role=Contact.Role.values[(n + k) % len(Contact.Role.values)],
                email=f"contact{n}-{k}@example.org",
            )
            for n, establishment in enumerate(establishments)
            for k in range(1 + n % 3)
        )
        by_company: dict[int, list] = {}
        for contact in contacts:
            by_company.setdefault(contact.establishment_id, []).append(contact)
        companies = rng.integers(0, members, size=entries)
        days_ago = rng.integers(0, 3 * 365, size=entries)
        kinds = rng.choice(EntryKind.values, size=entries)
        themes = rng.choice(Theme.values, size=entries)
        follow_ups = rng.random(entries) < 0.3
        done = rng.random(entries) < 0.6
        journal = JournalEntry.objects.bulk_create(
            JournalEntry(
                network=network,
                establishment=establishments[company],
                occurred_on=today - timedelta(days=int(ago)),
                kind=str(kind),
                theme=str(theme),
                notes="Visite de l'atelier, projet d'investissement et besoins de recrutement.",
                follow_up_on=(today + timedelta(days=int(ago) % 60 - 30)) if follow_up else None,
                follow_up_owner=animator if follow_up else None,
                follow_up_done_at=None,
                author=animator,
                updated_by=animator,
            )
            for company, ago, kind, theme, follow_up in zip(
                companies, days_ago, kinds, themes, follow_ups, strict=True
            )
        )
        # Half the entries name one of the company's contacts.
        through = JournalEntry.contacts.through
        through.objects.bulk_create(
            through(journalentry_id=entry.pk, contact_id=by_company[entry.establishment_id][0].pk)
            for n, entry in enumerate(journal)
            if n % 2 == 0
        )
        # A follow-up marked done keeps its date (``follow_up_done_at``) as the services do.
        done_ids = [entry.pk for entry, d, f in zip(journal, done, follow_ups, strict=True) if d and f]
        JournalEntry.objects.filter(pk__in=done_ids).update(follow_up_done_at=timezone.now())
    session = SessionStore()
    session["_auth_user_id"] = str(animator.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = animator.get_session_auth_hash()
    session.set_expiry(7 * 24 * 3600)
    session.create()
    sample = [e.siret for e in establishments[:: max(1, members // 300)]]
    return {
        "network": network.slug,
        "members": members,
        "contacts": len(contacts),
        "entries": len(journal),
        "session": session.session_key,
        "sirets": sample,
    }


if __name__ == "__main__":  # pragma: no cover - called by bench/web.py in the bench's environment
    import sys

    import django

    django.setup()
    print(json.dumps(populate(int(sys.argv[1]), int(sys.argv[2]))))
