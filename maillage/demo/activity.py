"""The demo network's activity: purchase ledgers of its largest members, two needs, and the
animator's journal of the last weeks.

So that the leakage page, the supply graph and the needs pages show something on a fresh
demo, the demo writes seeded purchase ledgers as CSV files under ``DATA_DIR/demo/`` and
imports them with the real ``import-ledger`` command (keyed rows: a rerun adds nothing), then
posts two needs through the needs services (skipped when the demo author already has needs),
and notes a few visits, meetings and calls in the animator's journal, with follow-ups (skipped
when the network's journal has entries).

Only fictitious companies buy or post (we invent no purchase of a real company), and only
what their activity buys (``ActivityRules.needs``, docs/demo.md « Cohérence »).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from stdnum.fr import siret as siret_check

from maillage.accounts.models import User
from maillage.demo.checks import activity_rules
from maillage.demo.coherence import ActivityRules
from maillage.directory.models import Establishment, Network, current_member
from maillage.directory.services import contact_save
from maillage.directory.synthetic import naf_section
from maillage.journal.models import JournalEntry
from maillage.journal.services import EntryInput, entry_create
from maillage.matching.services import index_refresh_deferred
from maillage.needs.models import Need
from maillage.needs.services import CapabilityInput, need_create, need_open
from maillage.profiles.models import CapabilityStatus, ChangeSource, ProfileCapability
from maillage.profiles.services import profile_update
from maillage.taxonomy.models import NodeType, TaxonomyNode

BUYERS = 4
LINES_PER_BUYER = 60
CATEGORIES = 5
# Where the outside suppliers of the ledgers are: big industrial communes far from Alsace.
OUTSIDE_COMMUNES = ("69123", "13055", "31555", "44109", "59350", "38185")


@dataclass(frozen=True)
class ActivityReport:
    ledgers: int
    ledger_lines: int
    needs_created: int
    journal_entries: int = 0


def _luhn_siret(rng: np.random.Generator) -> str:
    """A fictitious SIRET that passes the check digit (900… SIRENs, never a real company's)."""
    while True:
        candidate = "9" + "".join(str(d) for d in rng.integers(0, 10, 13))
        if siret_check.is_valid(candidate):
            return candidate


def _local_offers(network: Network) -> list[tuple[str, str, str, str]]:
    """(SIRET, INSEE code, code, label) of members' confirmed processes: what a ledger names."""
    rows = ProfileCapability.objects.filter(
        current_member("profile__establishment__memberships__", network=network),
        status=CapabilityStatus.CONFIRMED,
        node__type=NodeType.PROCESS,
    ).values_list(
        "profile__establishment__siret", "profile__establishment__commune_id", "node__code", "node__label_fr"
    )
    return sorted(set(rows))


def _buyers(
    network: Network, rules: ActivityRules, codes: list[str]
) -> list[tuple[Establishment, list[str]]]:
    """The fictitious members with the most employees, each with the categories (among
    ``codes``, most held first) that its activity buys: the territory's large buyers."""
    buyers = []
    for establishment in (
        Establishment.objects.current_members(network)
        .filter(organisation__is_generated=True)
        .exclude(headcount_band__min_employees=None)
        .exclude(naf=None)
        .order_by("-headcount_band__min_employees", "siret")
    ):
        bought = [code for code in codes if rules.may_buy(establishment.naf_id, code)]
        if len(bought) >= 3:
            buyers.append((establishment, bought[:CATEGORIES]))
        if len(buyers) == BUYERS:
            break
    return buyers


def ledgers_write(network: Network, directory: Path, *, seed: int) -> list[tuple[Establishment, Path]]:
    rng = np.random.default_rng([seed, 7])
    offers = _local_offers(network)
    # The categories most members hold: each then has enough buyers and suppliers on both sides
    # to be shown on its own (below 3, disclosure control pools it).
    holders: dict[str, int] = {}
    labels: dict[str, str] = {}
    for _, _, code, label in offers:
        holders[code] = holders.get(code, 0) + 1
        labels[code] = label
    codes = sorted(holders, key=lambda code: (-holders[code], code))[: 3 * CATEGORIES]
    buyers = _buyers(network, activity_rules(), codes)
    if not offers or not buyers:
        return []
    # Outside suppliers are shared by buyers, as real ones are: disclosure control needs ≥ 3.
    outside = [(_luhn_siret(rng), OUTSIDE_COMMUNES[i % len(OUTSIDE_COMMUNES)]) for i in range(15)]
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for buyer, bought in buyers:
        path = directory / f"registre_achats_{buyer.siret}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["siret", "fournisseur", "commune", "montant", "categorie", "annee"])
            for _ in range(LINES_PER_BUYER):
                code = bought[int(rng.integers(len(bought)))]
                amount = int(rng.lognormal(10.5, 1.0))
                local = [o for o in offers if o[2] == code and o[0] != buyer.siret]
                if local and rng.random() < 0.35:
                    siret, commune, _, _ = local[int(rng.integers(len(local)))]
                else:
                    siret, commune = outside[int(rng.integers(len(outside)))]
                writer.writerow([siret, "", commune, amount, labels[code], timezone.localdate().year - 1])
        written.append((buyer, path))
    return written


def capacities_declare(network: Network) -> int:
    """Three members in five declare available capacity, as a share and in hours per week
    (leakage counts only those that do; the consortium builder compares needs' hours with it);
    the choice hangs on the SIRET, so a rerun picks the same ones and writes nothing."""
    declared = 0
    members = (
        Establishment.objects.current_members(network)
        .filter(profile__capacity_stated_on__isnull=True)
        .order_by("siret")
    )
    # One index refresh for the whole batch, as the demo profiles do, not one per declaration.
    with index_refresh_deferred():
        for establishment in members:
            digest = int(hashlib.sha256(establishment.siret.encode()).hexdigest(), 16)
            if digest % 5 >= 3:
                continue
            profile_update(
                establishment=establishment, actor=None, source=ChangeSource.MEMBER,
                capacity_percent=10 + digest % 31, capacity_hours_per_week=16 + (digest // 31) % 57,
                capacity_stated_on=timezone.localdate(),
            )  # fmt: skip
            declared += 1
    return declared


def ledgers_import(network: Network, *, seed: int) -> tuple[int, int]:
    directory = Path(settings.DATA_DIR) / "demo"
    ledgers = ledgers_write(network, directory, seed=seed)
    for buyer, path in ledgers:
        call_command(
            "import_ledger", str(path), buyer=buyer.siret, network=network.slug,
            confidentiality="animators", wet_run=True, verbosity=0,
        )  # fmt: skip
    return len(ledgers), len(ledgers) * LINES_PER_BUYER


def _need_codes(network: Network, establishment: Establishment, rules: ActivityRules) -> list[str]:
    """Three processes the author's activity buys and members declare: the first two together
    by at least three of them (the need's requirements), the third by at least three (wished)."""
    naf = establishment.naf_id or ""
    held: dict[str, set[int]] = {}
    for code, holder in (
        ProfileCapability.objects.filter(
            current_member("profile__establishment__memberships__", network=network),
            status=CapabilityStatus.CONFIRMED,
            node__type=NodeType.PROCESS,
        )
        .exclude(profile__establishment=establishment)
        .values_list("node__code", "profile__establishment_id")
    ):
        # Who holds a process also holds its parents (« fraisage 5 axes » is « fraisage »), as
        # the need's matching reads them; the author asks only for what its activity buys.
        for asked in rules.ancestors(code):
            if rules.may_buy(naf, asked):
                held.setdefault(asked, set()).add(holder)
    common = sorted((code for code in held if len(held[code]) >= 3), key=lambda c: (-len(held[c]), c))[:12]
    pairs = sorted(
        (
            (len(held[a] & held[b]), a, b)
            for i, a in enumerate(common)
            for b in common[i + 1 :]
            if not (rules.is_under(a, (b,)) or rules.is_under(b, (a,)))
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    if not pairs or pairs[0][0] < 3:
        return []
    _n, first, second = pairs[0]
    related = (first, second)
    third = next(
        (
            c
            for c in common
            if not any(c == r or c.startswith(r + ".") or r.startswith(c + ".") for r in related)
        ),
        None,
    )
    return [first, second, third] if third else []


def need_author_pick(network: Network, member_sirets: list[str]) -> str | None:
    """The fictitious member whose activity buys a need that three members can answer — a
    manufacturer, the largest, then the first drawn: the demo member account posts in its name."""
    rules = activity_rules()
    establishments = (
        Establishment.objects.filter(siret__in=member_sirets, organisation__is_generated=True)
        .exclude(naf=None)
        .select_related("headcount_band")
    )
    rank = {siret: i for i, siret in enumerate(member_sirets)}

    # A manufacturer (NAF section C) first, the largest first: sub-contracted series are
    # rarely bought by a two-person shop or a laboratory.
    def order(e: Establishment) -> tuple:
        return (naf_section(e.naf_id) != "C", -_min_employees(e), rank[e.siret])

    for establishment in sorted(establishments, key=order):
        if len(_need_codes(network, establishment, rules)) == 3:
            return establishment.siret
    return None


def _min_employees(establishment: Establishment) -> int:
    band = establishment.headcount_band
    return (band.min_employees or 0) if band else 0


def demo_member_accounts_order(network: Network, member_sirets: list[str]) -> list[str]:
    """The members the two demo member accounts speak for: fictitious companies only (the demo
    puts no word in a real company's mouth), the needs' author first."""
    fictitious = set(
        Establishment.objects.filter(siret__in=member_sirets, organisation__is_generated=True).values_list(
            "siret", flat=True
        )
    )
    author = need_author_pick(network, member_sirets)
    ordered = [author] if author else []
    return ordered + [s for s in member_sirets if s in fictitious and s != author]


def needs_post(network: Network, author_email: str) -> int:
    """An open need with three capabilities (two required) and a draft, posted by the demo member."""
    author = User.objects.filter(email=author_email).first()
    if author is None or Need.objects.filter(author=author).exists():
        return 0
    establishment = Establishment.objects.filter(
        user_links__user=author, organisation__is_generated=True
    ).first()
    if establishment is None:
        return 0
    codes = _need_codes(network, establishment, activity_rules())
    if len(codes) < 3:
        return 0
    labels = dict(TaxonomyNode.objects.filter(code__in=codes).values_list("code", "label_fr"))
    deadline = timezone.localdate() + timedelta(days=30)
    place = establishment.commune_id
    opened = need_create(
        author=author, network=network, author_establishment=establishment, kind="part",
        title=f"{labels[codes[0]]}, {labels[codes[1]][:1].lower()}{labels[codes[1]][1:]} : série annuelle",
        description="Série de 200 pièces par an, plans fournis, premières pièces sous 8 semaines.",
        # Hours on the first capability: the consortium panel compares them with declared capacity.
        # Two required capabilities (several members declare both), the third only wished.
        capabilities=[
            CapabilityInput(codes[0], quantity=60, unit="h/semaine"),
            CapabilityInput(codes[1]),
            CapabilityInput(codes[2], required=False),
        ],
        commune=place, max_distance_km=60,
        deadline=deadline, budget_min=40_000, budget_max=90_000,
    )  # fmt: skip
    need_open(need=opened, actor=author, note="Besoin de démonstration")
    need_create(
        author=author, network=network, author_establishment=establishment, kind="logistics",
        title="Mutualisation des transports vers l'Allemagne",
        description="Deux camions par semaine vers le Bade-Wurtemberg : qui partage les trajets ?",
        commune=place, deadline=deadline + timedelta(days=15),
    )  # fmt: skip
    return 2


# (days ago, kind, theme, contact met (first name, last name, role) or None, notes,
# follow-up in days from today or None, done). The people are fictitious, as their companies.
JOURNAL = [
    (2, "visit", "energy", ("Marc", "Hoffmann", "site"), "Visite de l'atelier : four de traitement "
     "thermique à remplacer, intéressé par un diagnostic énergie.", -1, False),
    (5, "call", "skills", ("Claire", "Wendling", "hr"), "Deux postes de soudeur à pourvoir ; orienter "
     "vers l'action collective de formation.", 3, False),
    (9, "meeting", "purchasing", ("Sophie", "Lutz", "purchasing"), "Réunion sur les achats locaux : "
     "liste de fournisseurs du réseau à lui transmettre.", 10, False),
    (16, "visit", "digital", ("Thomas", "Meyer", "direction"), "Projet de suivi de production "
     "numérique.", -5, True),
    (23, "event", "lean", None, "Rencontrée au petit-déjeuner lean du réseau.", None, False),
    (31, "email", "funding", ("Nathalie", "Koenig", "direction"), "Envoi de la fiche de l'aide régionale à "
     "l'investissement.", None, False),
]  # fmt: skip


def journal_note(network: Network) -> int:
    """A few weeks of the animator's journal on fictitious members (never on a real company)."""
    animator = network.animators.order_by("pk").first()
    if animator is None or JournalEntry.objects.filter(network=network).exists():
        return 0
    companies = list(
        Establishment.objects.filter(current_member("memberships__", network=network))
        .filter(organisation__is_generated=True)
        .order_by("siret")[: len(JOURNAL)]
    )
    today = timezone.localdate()
    for company, (ago, kind, theme, person, notes, follow_up, done) in zip(companies, JOURNAL, strict=False):
        contacts = []
        if person is not None:
            first, last, role = person
            contacts.append(
                contact_save(
                    network=network, establishment=company, actor=animator, first_name=first, last_name=last,
                    role=role, email=f"{first}.{last}@example.org".lower(),
                    consent_on=today - timedelta(days=ago),
                )
            )  # fmt: skip
        entry_create(
            network=network,
            by=animator,
            data=EntryInput(
                establishment=company, occurred_on=today - timedelta(days=ago), kind=kind, theme=theme,
                contacts=contacts, notes=notes,
                follow_up_on=None if follow_up is None else today + timedelta(days=follow_up),
                follow_up_owner=None if follow_up is None else animator, follow_up_done=done,
            ),
        )  # fmt: skip
    return len(companies)


def demo_activity_ensure(network: Network, *, author_email: str, seed: int) -> ActivityReport:
    # One index refresh for all the declared capacities, not one per member (≈ 1 s each).
    with index_refresh_deferred():
        capacities_declare(network)
    ledgers, lines = ledgers_import(network, seed=seed)
    return ActivityReport(
        ledgers=ledgers,
        ledger_lines=lines,
        needs_created=needs_post(network, author_email),
        journal_entries=journal_note(network),
    )
