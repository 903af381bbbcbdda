"""Build the demo territory: real companies first, then seeded generated ones, members, accounts.

What is real and what is not (see ``docs/demo.md``):

* a real site (real SIRET, real commune) keeps ``is_generated=False``;
* a real organisation whose sites are unknown (the gender-equality index gives only its
  department) gets ONE establishment flagged ``is_generated=True``: its SIRET is the real
  SIREN with the establishment sequence 9999 (unlikely to be a real NIC) and it is placed in
  a territory commune drawn by population;
* generated companies are fictitious through and through (``is_generated=True`` on the
  organisation and the establishment).

Every function returns counts; ``maillage demo`` prints them.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from django.db.models import Q

from maillage.demo import real
from maillage.demo.names import company_name
from maillage.demo.profiles import ProfilesWritten, demo_profiles_ensure
from maillage.demo.services import (
    EstablishmentSpec,
    MembershipSpec,
    OrganisationSpec,
    Written,
    demo_establishments_ensure,
    demo_memberships_ensure,
    demo_organisations_ensure,
)
from maillage.demo.territory import network_ensure
from maillage.directory.models import Establishment, Membership, Network, Organisation, Source
from maillage.directory.selectors import network_territory_communes
from maillage.directory.synthetic import (
    CommuneSampler,
    HeadcountSampler,
    NafSampler,
    siren_random_ints,
    siret_make,
)
from maillage.referential.models import Commune, HeadcountBand, NafCode

DEFAULT_SEED = 20260
GENERATED_COUNT = 300
MEMBER_COUNT = 80
PROSPECT_COUNT = 30
FORMER_COUNT = 6
# The index file lists companies of 50+ employees: mix in small bands, as in a real territory.
SMALL_BAND_SHARE = 0.8
REAL_SITE_NIC = 9999


@dataclass
class DemoReport:
    network_written: int = 0
    real_organisations: Written = field(default_factory=Written)
    real_sites: Written = field(default_factory=Written)
    real_sites_outside_territory: int = 0
    placed_sites: Written = field(default_factory=Written)
    generated_organisations: Written = field(default_factory=Written)
    generated_establishments: Written = field(default_factory=Written)
    memberships: Written = field(default_factory=Written)
    profiles: ProfilesWritten = field(default_factory=ProfilesWritten)
    accounts_written: int = 0
    rejections: list[real.Rejection] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    timings: dict[str, tuple[float, float]] = field(default_factory=dict)  # (wall, CPU) s per phase

    @property
    def changes(self) -> int:
        return (
            self.network_written
            + self.accounts_written
            + self.profiles.changes
            + sum(
                w.created
                for w in (
                    self.real_organisations,
                    self.real_sites,
                    self.placed_sites,
                    self.generated_organisations,
                    self.generated_establishments,
                    self.memberships,
                )
            )
        )


def _rng(seed: int, purpose: str) -> np.random.Generator:
    """One generator per purpose, so adding real companies does not reshuffle generated ones."""
    return np.random.default_rng([seed, zlib.crc32(purpose.encode())])


@dataclass(frozen=True)
class Territory:
    network: Network
    communes: dict[str, Commune]
    sampler: CommuneSampler


def territory_load(network: Network) -> Territory:
    communes = {c.insee_code: c for c in network_territory_communes(network).order_by("insee_code")}
    sampler = CommuneSampler(
        [(c.insee_code, c.population, c.latitude, c.longitude) for c in communes.values()]
    )
    return Territory(network=network, communes=communes, sampler=sampler)


def _place(commune: Commune) -> dict:
    return {
        "commune_id": commune.insee_code,
        "postal_code": (commune.postal_codes or [""])[0],
        "city": commune.name,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "geo_precision": Establishment.GeoPrecision.COMMUNE,
    }


def _size_category(band: HeadcountBand | None, default: str = "") -> str:
    if default in Organisation.SizeCategory.values:
        return default
    if band is None or band.min_employees is None:
        return ""
    if band.min_employees >= 5000:
        return Organisation.SizeCategory.GE
    if band.min_employees >= 250:
        return Organisation.SizeCategory.ETI
    return Organisation.SizeCategory.PME


def real_organisations_bring(
    territory: Territory, data_dir: Path, report: DemoReport, *, seed: int
) -> list[str]:
    """Bas-Rhin industrial companies of the gender-equality index; returns their demo SIRETs."""
    nafs = set(NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", flat=True))
    bands = {b.code: b for b in HeadcountBand.objects.all()}
    records = []
    for item in real.index_egalite_organisations(data_dir):
        if isinstance(item, real.Rejection):
            report.rejections.append(item)
        else:
            records.append(item)
    records.sort(key=lambda r: r.siren)
    organisations = [
        OrganisationSpec(
            siren=r.siren,
            name=r.name,
            naf_id=r.naf if r.naf in nafs else None,
            headcount_band_id=r.headcount_band if r.headcount_band in bands else None,
            size_category=_size_category(bands.get(r.headcount_band), r.size_category),
            creation_date=r.creation_date,
            is_generated=False,
        )
        for r in records
    ]
    report.real_organisations = demo_organisations_ensure(specs=organisations, source=Source.DEMO)
    draw = territory.sampler.sample(_rng(seed, "real-organisations"), len(records))
    sites = [
        EstablishmentSpec(
            siret=siret_make(spec.siren, REAL_SITE_NIC),
            name=spec.name,
            naf_id=spec.naf_id,
            headcount_band_id=spec.headcount_band_id,
            # The site is invented: it has no creation date of its own (the company's is real).
            creation_date=None,
            is_generated=True,
            **_place(territory.communes[str(insee)]),
        )
        for spec, insee in zip(organisations, draw.insee_codes, strict=True)
    ]
    report.placed_sites = demo_establishments_ensure(specs=sites, source=Source.DEMO)
    return [s.siret for s in sites]


def _commune_of(site: real.RealSite) -> Commune | None:
    if site.insee_code:
        return Commune.objects.filter(insee_code=site.insee_code).first()
    return (
        Commune.objects.current()
        .filter(department_id=site.department)
        .filter(Q(name__iexact=site.commune_name) | Q(name__iexact=site.commune_name.replace(" ", "-")))
        .first()
    )


def real_sites_bring(territory: Territory, data_dir: Path, report: DemoReport) -> list[str]:
    """Real Alsace sites (BITD panel, SIRENE extract); returns the SIRETs inside the territory.

    Sites of Alsace outside the territory are brought into the directory too (they are real
    industry a network may prospect) but get no membership.
    """
    nafs = set(NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", flat=True))
    sites: dict[str, real.RealSite] = {}
    for reader in (real.sirene_extract_sites, real.bitd_sites):
        for item in reader(data_dir):
            if isinstance(item, real.Rejection):
                report.rejections.append(item)
            else:
                sites.setdefault(item.siret, item)
    organisations, establishments, inside = [], [], []
    for site in sorted(sites.values(), key=lambda s: s.siret):
        commune = _commune_of(site)
        if commune is None:
            report.skipped["commune inconnue du référentiel"] += 1
            continue
        naf = site.naf if site.naf in nafs else None
        organisations.append(
            OrganisationSpec(
                siren=site.siren,
                name=site.organisation_name,
                naf_id=None,
                headcount_band_id=None,
                size_category="",
                creation_date=None,
                is_generated=False,
            )
        )
        place = _place(commune)
        if site.latitude is not None:
            place.update(latitude=site.latitude, longitude=site.longitude, geo_precision=site.geo_precision)
        establishments.append(
            EstablishmentSpec(
                siret=site.siret,
                name=site.name,
                naf_id=naf,
                headcount_band_id=site.headcount_band,
                street=site.street,
                is_head_office=site.is_head_office,
                is_generated=False,
                **{**place, "postal_code": site.postal_code or place["postal_code"]},
            )
        )
        if commune.insee_code in territory.communes:
            inside.append(site.siret)
        else:
            report.real_sites_outside_territory += 1
    demo_organisations_ensure(specs=organisations, source=Source.DEMO)
    report.real_sites = demo_establishments_ensure(specs=establishments, source=Source.DEMO)
    return inside


def _industrial_naf_sampler(data_dir: Path) -> NafSampler:
    known = set(NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", flat=True))
    counts: Counter = Counter()
    for row in real._rows(data_dir / real.INDEX_EGALITE_SIRENS):
        code = row[1]["activite_principale"]
        if real.is_industrial(code) and code in known:
            counts[code] += 1
    return NafSampler.from_counts(counts)


def generated_bring(
    territory: Territory, data_dir: Path, report: DemoReport, *, seed: int, count: int
) -> list[str]:
    """``count`` fictitious companies, one establishment each; returns their SIRETs."""
    rng = _rng(seed, "generated")
    nafs = _industrial_naf_sampler(data_dir).sample(rng, count)
    bands = HeadcountSampler.from_unites_legales_csv(
        data_dir / real.INDEX_EGALITE_SIRENS, small_share=SMALL_BAND_SHARE
    ).sample(rng, nafs)
    places = territory.sampler.sample(rng, count)
    sirens = [f"{int(s):09d}" for s in siren_random_ints(rng, count)]
    ages = rng.integers(0, 70 * 365, size=count)
    names = [company_name(rng, str(naf)) for naf in nafs]
    # A drawn SIREN that belongs to a real (non-generated) company is dropped, not reused.
    taken = set(
        Organisation.objects.filter(siren__in=sirens, is_generated=False).values_list("siren", flat=True)
    )
    band_rows = {b.code: b for b in HeadcountBand.objects.all()}
    organisations, establishments, seen = [], [], set()
    for i in range(count):
        if sirens[i] in taken or sirens[i] in seen:
            report.skipped["SIREN tiré déjà pris"] += 1
            continue
        seen.add(sirens[i])
        band = str(bands[i]) if str(bands[i]) in band_rows else None
        created = date(2025, 12, 31) - timedelta(days=int(ages[i]))
        organisations.append(
            OrganisationSpec(
                siren=sirens[i],
                name=names[i],
                naf_id=str(nafs[i]),
                headcount_band_id=band,
                size_category=_size_category(band_rows.get(band)),
                creation_date=created,
                is_generated=True,
            )
        )
        establishments.append(
            EstablishmentSpec(
                siret=siret_make(sirens[i], 1),
                name=names[i],
                naf_id=str(nafs[i]),
                headcount_band_id=band,
                creation_date=created,
                is_head_office=True,
                is_generated=True,
                **_place(territory.communes[str(places.insee_codes[i])]),
            )
        )
    report.generated_organisations = demo_organisations_ensure(specs=organisations, source=Source.DEMO)
    report.generated_establishments = demo_establishments_ensure(specs=establishments, source=Source.DEMO)
    return [e.siret for e in establishments]


def _random_date(rng: np.random.Generator, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def memberships_bring(network: Network, sirets: list[str], report: DemoReport, *, seed: int) -> list[str]:
    """Members, prospects and former members drawn among the demo's territory establishments.

    Larger companies are likelier to join (weight grows with the logarithm of the band's
    lower bound). Returns the members' SIRETs, in draw order.
    """
    rng = _rng(seed, "memberships")
    establishments = {
        e.siret: e
        for e in Establishment.objects.filter(siret__in=sirets).select_related("headcount_band", "naf")
    }
    ordered = sorted(establishments)
    weights = np.array([1 + np.log1p(_min_employees(establishments[s])) for s in ordered])
    wanted = min(len(ordered), MEMBER_COUNT + PROSPECT_COUNT + FORMER_COUNT)
    drawn = [
        ordered[i] for i in rng.choice(len(ordered), size=wanted, replace=False, p=weights / weights.sum())
    ]
    specs = []
    dues = [Membership.DuesStatus.PAID, Membership.DuesStatus.CALLED, Membership.DuesStatus.LATE]
    for rank, siret in enumerate(drawn):
        establishment = establishments[siret]
        if rank < MEMBER_COUNT:
            status = Membership.Status.MEMBER
            joined = _random_date(rng, date(2012, 1, 1), date(2025, 12, 31))
            left, due = None, dues[int(rng.choice(3, p=[0.75, 0.15, 0.10]))]
        elif rank < MEMBER_COUNT + PROSPECT_COUNT:
            status, joined, left, due = (
                Membership.Status.PROSPECT,
                None,
                None,
                Membership.DuesStatus.NOT_APPLICABLE,
            )
        else:
            status = Membership.Status.FORMER
            joined = _random_date(rng, date(2012, 1, 1), date(2018, 12, 31))
            left, due = (
                _random_date(rng, date(2019, 1, 1), date(2025, 6, 30)),
                Membership.DuesStatus.NOT_APPLICABLE,
            )
        specs.append(
            MembershipSpec(
                siret=siret,
                status=status,
                dues_status=due,
                joined_on=joined,
                left_on=left,
                category=_category(establishment),
            )
        )
    report.memberships = demo_memberships_ensure(network=network, specs=specs)
    return drawn[:MEMBER_COUNT]


def _min_employees(establishment: Establishment) -> int:
    band = establishment.headcount_band
    return (band.min_employees or 0) if band else 0


def _category(establishment: Establishment) -> str:
    """The member's "collège" (stored content, in French like the network's statutes)."""
    if establishment.naf_id and establishment.naf_id.startswith(("71", "72")):
        return "Ingénierie et recherche"
    minimum = _min_employees(establishment)
    if minimum >= 250:
        return "Grandes entreprises"
    if minimum >= 10:
        return "PME"
    return "TPE"


def demo_build(
    *, data_dir: Path, seed: int = DEFAULT_SEED, generated: int = GENERATED_COUNT
) -> tuple[Network, DemoReport, list[str]]:
    """The whole demo except accounts; returns the network, the counts and the members' SIRETs.

    Not one transaction: measured, it saves no CPU on SQLite (each service's short transaction
    is cheap in WAL mode), and it would hold the write lock for the whole build while the web
    server and the task queue already run beside it (``make demo``).
    """
    report = DemoReport()
    clock = (time.perf_counter(), time.process_time())

    def lap(phase: str) -> None:
        nonlocal clock
        now = (time.perf_counter(), time.process_time())
        report.timings[phase] = (now[0] - clock[0], now[1] - clock[1])
        clock = now

    network, report.network_written = network_ensure()
    territory = territory_load(network)
    placed = real_organisations_bring(territory, data_dir, report, seed=seed)
    inside = real_sites_bring(territory, data_dir, report)
    lap("entreprises réelles")
    fictitious = generated_bring(territory, data_dir, report, seed=seed, count=generated)
    lap("entreprises fictives")
    members = memberships_bring(network, placed + inside + fictitious, report, seed=seed)
    lap("adhésions")
    report.profiles = demo_profiles_ensure(sirets=placed + inside + fictitious, seed=seed)
    lap("profils")
    return network, report, members
