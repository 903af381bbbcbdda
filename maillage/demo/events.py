"""The demo network's season of events: a training cycle, two other trainings, a business
corner, a company visit hosted by a member, a general assembly and a members-only evening.

The trainings fall in September, October and November of the last autumn that is over: their
attendance is marked (check-in, the trainees' and the trainer's signatures of each half-day's
sheet) and their certificates issued to those who attended; what is to come has registrations,
and the company visit is full with a waitlist. The two demo member accounts take part: the
first attended the first training (its certificate is in its name) and is registered to the
business corner and the members' evening, the second waits for a seat at the visit.

The people are fictitious, and so are their companies: only fictitious members register (the
demo puts no word in a real company's mouth). Nothing is e-mailed.

Everything is written by the services (``services.event_create``, ``registrations.register``
at the time each person registered, without e-mail, ``attendance.sign`` / ``check_in`` /
``trainer_sign``, ``certificates.issue_bulk``).
Each event is written once (looked up by its title and start): a rerun writes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.directory.models import Establishment, Network
from maillage.directory.selectors import network_territory_communes
from maillage.events import attendance as attendance_services
from maillage.events import certificates as certificate_services
from maillage.events import registrations
from maillage.events.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from maillage.events.services import SessionInput, event_create
from maillage.referential.models import RomeCode
from maillage.taxonomy.models import TaxonomyNode

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MORNING = ((9, 0), (12, 30))
AFTERNOON = ((13, 30), (17, 0))

# Fictitious people (first name, last name, job title), given to fictitious member companies.
PEOPLE = [
    ("Julien", "Muller", "Responsable de production"), ("Sandrine", "Schmitt", "Technicienne méthodes"),
    ("Nicolas", "Weber", "Chef d’atelier"), ("Aurélie", "Meyer", "Responsable qualité"),
    ("Mathieu", "Klein", "Régleur"), ("Caroline", "Wagner", "Ingénieure process"),
    ("Sébastien", "Fischer", "Directeur industriel"), ("Laetitia", "Roth", "Responsable RH"),
    ("Olivier", "Keller", "Technicien de maintenance"), ("Émilie", "Huber", "Acheteuse"),
    ("Guillaume", "Schneider", "Chef d’équipe"), ("Céline", "Zimmermann", "Amélioration continue"),
    ("Pierre", "Hoffmann", "Dirigeant"), ("Stéphanie", "Becker", "Chargée d’affaires"),
    ("Thierry", "Kieffer", "Régleur injection"), ("Nathalie", "Walter", "Assistante de direction"),
    ("Romain", "Lang", "Chef de projet"), ("Isabelle", "Graff", "Responsable logistique"),
    ("Vincent", "Gross", "Pilote de ligne"), ("Claire", "Bauer", "Responsable commerciale"),
    ("Damien", "Heitz", "Technicien méthodes"), ("Hélène", "Jung", "Responsable QSE"),
    ("François", "Wolff", "Directeur de site"), ("Anne", "Ott", "Chargée de formation"),
]  # fmt: skip


@dataclass(frozen=True)
class EventSpec:
    title: str
    kind: str
    sessions: list[tuple[datetime.datetime, datetime.datetime]]
    summary: str
    registered: int  # confirmed registrations of fictitious people
    capacity: int | None = None
    waitlisted: int = 0
    audience: str = Audience.PUBLIC
    extra: dict | None = None  # other Event fields
    topics: tuple[str, ...] = ()
    rome: tuple[str, ...] = ()
    hosted: bool = False  # hosted by a member company (the visit)


@dataclass(frozen=True)
class SeasonReport:
    events: int = 0
    registrations: int = 0
    attendances: int = 0
    certificates: int = 0


def _at(day: datetime.date, hour_minute: tuple[int, int]) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(*hour_minute), tzinfo=PARIS)


def _half_day(day: datetime.date, half=MORNING) -> tuple[datetime.datetime, datetime.datetime]:
    return _at(day, half[0]), _at(day, half[1])


def _tuesday(year: int, month: int, week: int) -> datetime.date:
    """The ``week``-th Tuesday (1-based) of the month: the network trains on Tuesdays."""
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7 * (week - 1))


# The events to come: (days from today at least, weekday) — a Thursday business corner, a Tuesday
# visit, a Thursday evening, a Friday general assembly.
LATER = ((5, 3), (8, 1), (26, 3), (40, 4))


def _working_day(day: datetime.date, weekday: int) -> datetime.date:
    """The first ``weekday`` on or after ``day``, out of the year-end holidays (20 December to
    4 January), when no network meets."""
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    holidays_start = datetime.date(day.year, 12, 20)
    if day >= holidays_start or (day.month == 1 and day.day <= 4):
        after = datetime.date(day.year + (day.month == 12), 1, 5)
        day = after + datetime.timedelta(days=(weekday - after.weekday()) % 7)
    return day


def season_specs(today: datetime.date) -> list[EventSpec]:
    """The season around ``today``: trainings in September to November of the last autumn
    that is over, the other events in the weeks to come."""
    # The last autumn that is over: the trainings are always past (with attendance to show).
    year = today.year if today.month == 12 else today.year - 1
    later = [_working_day(today + datetime.timedelta(days=days), weekday) for days, weekday in LATER]
    trainer = {"trainer": "Marc Lehmann, consultant en excellence opérationnelle"}
    return [
        EventSpec(
            title="Comment mesurer la productivité : TRS et SMED",
            kind=EventKind.TRAINING,
            sessions=[
                _half_day(_tuesday(year, 9, 1)), _half_day(_tuesday(year, 9, 2)),
                _half_day(_tuesday(year, 9, 3), AFTERNOON), _half_day(_tuesday(year, 9, 4)),
            ],
            summary="Quatre demi-journées pour calculer le TRS de ses machines et réduire les "
            "temps de changement de série.",
            registered=11, capacity=12, rome=("H2502", "H1404"),
            extra={
                **trainer, "objectives": "Calculer et suivre le taux de rendement synthétique (TRS) ; "
                "analyser un changement de série et le réduire par la méthode SMED.",
                "programme": "1. Les six grandes pertes et le TRS.\n2. Mesurer sur le terrain.\n"
                "3. SMED : filmer, séparer interne et externe.\n4. Plan d’action et suivi.",
                "prerequisites": "Connaître son atelier ; aucun prérequis en statistiques.",
                "price_member": Decimal("350"), "price_non_member": Decimal("550"),
            },
        ),
        EventSpec(
            title="Management de proximité : animer son équipe au quotidien",
            kind=EventKind.TRAINING,
            sessions=[_half_day(_tuesday(year, 10, 1)), _half_day(_tuesday(year, 10, 2))],
            summary="Deux demi-journées pour les chefs d’équipe : rituels, délégation, "
            "entretiens difficiles.",
            registered=8, capacity=10, rome=("H2502",),
            extra={
                "trainer": "Sophie Ehrhart, formatrice en management", "objectives": "Animer un point "
                "d’équipe court ; déléguer ; conduire un entretien de recadrage.",
                "programme": "1. Les rituels d’équipe.\n2. Délégation et entretiens.",
                "price_member": Decimal("250"), "price_non_member": Decimal("400"),
            },
        ),
        EventSpec(
            title="Optimiser une cellule d’injection",
            kind=EventKind.TRAINING,
            sessions=[_half_day(_tuesday(year, 11, 3)), _half_day(_tuesday(year, 11, 3), AFTERNOON)],
            summary="Une journée sur presse : réglages, temps de cycle, rebuts et périphériques.",
            registered=8, capacity=8, waitlisted=1, topics=("proc.plastics.injection",), rome=("H3202",),
            extra={
                **trainer, "objectives": "Réduire le temps de cycle et les rebuts d’une presse à injecter.",
                "programme": "Matin : paramètres et fenêtre de process.\nAprès-midi : sur presse, "
                "chasse aux temps perdus.",
                "prerequisites": "Conduire ou régler une presse à injecter.",
                "price_member": Decimal("300"), "price_non_member": Decimal("480"),
            },
        ),
        EventSpec(
            title="Business corner : achats et sous-traitance",
            kind=EventKind.BUSINESS_CORNER,
            sessions=[(_at(later[0], (8, 30)), _at(later[0], (10, 30)))],
            summary="Des rendez-vous de vingt minutes entre donneurs d’ordre et sous-traitants "
            "du territoire.",
            registered=14, capacity=30, extra={"venue": "Pépinière d’entreprises"},
        ),
        EventSpec(
            title="Visite d’entreprise : une ligne d’assemblage automatisée",
            kind=EventKind.VISIT,
            sessions=[(_at(later[1], (14, 0)), _at(later[1], (16, 30)))],
            summary="Deux heures dans l’atelier d’un adhérent, suivies d’un échange avec son équipe.",
            registered=8, capacity=8, waitlisted=3, hosted=True, extra={"per_company_cap": 2},
        ),
        EventSpec(
            title="Soirée des adhérents",
            kind=EventKind.MEMBERS_EVENT, audience=Audience.MEMBERS,
            sessions=[(_at(later[2], (18, 30)), _at(later[2], (21, 0)))],
            summary="Les adhérents se retrouvent : bilan de l’année et projets collectifs.",
            registered=10,
        ),
        EventSpec(
            title="Assemblée générale du réseau",
            kind=EventKind.GENERAL_ASSEMBLY,
            sessions=[(_at(later[3], (17, 30)), _at(later[3], (19, 30)))],
            summary="Rapport d’activité, comptes, élection du bureau ; un moment convivial suit.",
            registered=18, extra={"venue": "Salle des fêtes"},
        ),
    ]  # fmt: skip


def _digest(*parts) -> int:
    return int(hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest(), 16)


def _signature(seed: int) -> str:
    """A short SVG path, as the signature pad records one (a fictitious scribble)."""
    points = [(10 + 25 * i, 30 + (seed >> (4 * i)) % 25) for i in range(8)]
    return "M " + " L ".join(f"{x} {y}" for x, y in points)


def _people(network: Network) -> list[tuple[Establishment, tuple[str, str, str]]]:
    companies = list(
        Establishment.objects.current_members(network)
        .filter(organisation__is_generated=True)
        .order_by("siret")[:16]
    )
    return [(companies[i % len(companies)], person) for i, person in enumerate(PEOPLE)] if companies else []


def _email(person: tuple[str, str, str], company: Establishment) -> str:
    first, last, _job = person
    ascii_name = f"{first}.{last}".lower().translate(str.maketrans("éèêëàâçîïôûüÉ", "eeeeaaciiouue"))
    return f"{ascii_name}@{company.siret[-5:]}.example.org"


def _event_write(network, spec: EventSpec, commune, host, animator) -> Event:
    """The event through the events services, published (``by`` the animator)."""
    extra = dict(spec.extra or {})
    return event_create(
        network, by=animator, title=spec.title, kind=spec.kind, audience=spec.audience,
        status=EventStatus.PUBLISHED, summary=spec.summary,
        sessions=[
            SessionInput(start, end, f"Séance {n}" if len(spec.sessions) > 1 else "")
            for n, (start, end) in enumerate(spec.sessions, start=1)
        ],
        commune=host.commune if host else commune,
        venue=extra.pop("venue", host.display_name if host else "Salle de formation du réseau"),
        address="" if host else "3 rue des Tanneurs", capacity=spec.capacity,
        registration_opens_at=spec.sessions[0][0] - datetime.timedelta(days=45),
        registration_closes_at=spec.sessions[0][0] - datetime.timedelta(days=2),
        reminder_days=[7, 1], host=host, organiser_name="" if host else network.name,
        topics=TaxonomyNode.objects.filter(code__in=spec.topics),
        rome_codes=RomeCode.objects.filter(code__in=spec.rome), **extra,
    )  # fmt: skip


def _registrations(event, spec, people, offset, accounts) -> list[Registration]:
    """``spec.registered`` confirmed people, then ``spec.waitlisted`` waiting, from ``offset``
    in the list of people (each event draws a different slice); ``accounts`` (user,
    establishment, status) are the demo member accounts taking part."""
    opened = event.registration_opens_at
    chosen = [people[(offset + i) % len(people)] for i in range(spec.registered + spec.waitlisted)]
    confirmed = [(company, person, None) for company, person in chosen[: spec.registered]]
    waiting = [(company, person, None) for company, person in chosen[spec.registered :]]
    # An account takes the place of a fictitious person: the counts stay those of the spec.
    for user, company, status in accounts:
        if status == RegistrationStatus.CONFIRMED:
            confirmed = [(company, None, user), *confirmed[:-1]]
        else:
            waiting = [*waiting[:-1], (company, None, user)]
    written = []
    for rank, (company, person, user) in enumerate(confirmed + waiting):
        first, last, job = person if person else (user.first_name, user.last_name, "")
        written.append(
            registrations.register(
                event, first_name=first, last_name=last, job_title=job, establishment=company, user=user,
                email=(user.email if user else _email(person, company)), by_organiser=True, notify=False,
                now=opened + datetime.timedelta(hours=7 * rank + 3),
            )
        )  # fmt: skip
    return written


def _attendance(event, registrations, animator, now) -> tuple[int, int]:
    """Presence and signatures of the sessions that are over (through the attendance
    services: a trainee signs the half-day's sheet, which marks them present; the trainer signs
    last), then the certificates of a training that is over.

    About one person in ten misses a half-day, and one of each event misses them all (a
    no-show): drawn from a hash of the session and the person, so the draw is the same."""
    sessions = [s for s in event.sessions.all() if s.ends_at < now]
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    if not sessions or not confirmed:
        return 0, 0
    absent, marked = confirmed[-1].pk, 0
    for session in sessions:
        for registration in confirmed:
            if registration.pk == absent:
                continue
            if not registration.user_id and _digest(session.pk, registration.email) % 10 == 0:
                continue
            if event.is_training:
                signed = session.starts_at + datetime.timedelta(minutes=_digest(registration.pk) % 15)
                drawing = _signature(_digest(session.pk, registration.pk))
                name = f"{registration.first_name} {registration.last_name}"
                attendance_services.sign(registration, session, drawing, name, signed)
            else:
                attendance_services.check_in(registration, session, animator)
            marked += 1
        if event.is_training:
            trainer = event.trainer.split(",")[0] or event.network.name
            drawing = _signature(_digest(session.pk, "trainer"))
            signed = session.ends_at - datetime.timedelta(minutes=5)
            attendance_services.trainer_sign(session, drawing, trainer, signed)
    issued = []
    if event.is_training and event.ends_at < now:
        kind = certificate_services.default_kind(event)
        issued = certificate_services.issue_bulk(event, kind, animator)
    return marked, len(issued)


def _accounts(member_emails: list[str]) -> list[tuple[User, Establishment | None]]:
    users = {u.email: u for u in User.objects.filter(email__in=member_emails)}
    found = []
    for email in member_emails:
        user = users.get(email)
        if user is not None:
            link = user.establishment_links.select_related("establishment").first()
            found.append((user, link.establishment if link else None))
    return found


# Which demo member account takes part in which event (by position in the specs), and how.
ACCOUNT_PLACES = {
    0: [(0, RegistrationStatus.CONFIRMED)],  # the first training: attended, certificate
    3: [(0, RegistrationStatus.CONFIRMED)],  # the business corner
    4: [(1, RegistrationStatus.WAITLISTED)],  # the full visit: the second account waits
    5: [(0, RegistrationStatus.CONFIRMED)],  # the members' evening
}


def demo_season_ensure(
    network: Network, *, member_emails: list[str], now: datetime.datetime | None = None
) -> SeasonReport:
    """The season's events of ``network`` that are not there yet, with their registrations,
    attendance and certificates; ``member_emails`` are the demo member accounts."""
    now = now or timezone.now()
    people = _people(network)
    if not people:
        return SeasonReport()
    animator = network.animators.order_by("pk").first()
    commune = network_territory_communes(network).order_by("-population", "insee_code").first()
    host = people[3][0]
    accounts = _accounts(member_emails)
    written = {"events": 0, "registrations": 0, "attendances": 0, "certificates": 0}
    for position, spec in enumerate(season_specs(timezone.localdate(now))):
        if Event.objects.filter(network=network, title=spec.title, starts_at=spec.sessions[0][0]).exists():
            continue
        taking_part = [
            (accounts[index][0], accounts[index][1], status)
            for index, status in ACCOUNT_PLACES.get(position, [])
            if index < len(accounts)
        ]
        with transaction.atomic():
            event = _event_write(network, spec, commune, host if spec.hosted else None, animator)
            registrations = _registrations(event, spec, people, 5 * position, taking_part)
            attendances, certificates = _attendance(event, registrations, animator, now)
        written["events"] += 1
        written["registrations"] += len(registrations)
        written["attendances"] += attendances
        written["certificates"] += certificates
    return SeasonReport(**written)
