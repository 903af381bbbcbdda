"""Reads that span several directory models: networks, their members and key figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from maillage.directory.models import (
    Contact,
    Dues,
    DuesReminder,
    Establishment,
    EstablishmentUser,
    Membership,
    Network,
    current_member,
)
from maillage.referential.models import Commune, PostalCode
from maillage.referential.text import normalize_name


def network_list() -> QuerySet[Network]:
    """Every network with its number of current members, for the network index page."""
    return Network.objects.annotate(
        member_count=Count("memberships", filter=current_member("memberships__"))
    ).order_by("name")


def site_network() -> Network | None:
    """The network whose identity the whole site wears: the only one of an installation that
    hosts one network (the usual case); ``None`` when several share it (Maillage's own)."""
    networks = list(Network.objects.only("slug", "name", "accent_colour", "logo")[:2])
    return networks[0] if len(networks) == 1 else None


def network_territory_communes(network: Network) -> QuerySet[Commune]:
    """Communes of the territory, whether listed alone, through an EPCI or a department.

    Three ``Exists`` keep the query flat (no DISTINCT over a three-way OR join), so it stays
    usable as a subquery on a million establishments.
    """
    through = Network.communes.through
    return Commune.objects.filter(
        Exists(through.objects.filter(network=network, commune=OuterRef("pk")))
        | Exists(Network.epcis.through.objects.filter(network=network, epci=OuterRef("epci_id")))
        | Exists(
            Network.departments.through.objects.filter(network=network, department=OuterRef("department_id"))
        )
    )


def network_members(network: Network) -> QuerySet[Establishment]:
    """Current members of ``network``, with what a member list shows, by name."""
    return (
        Establishment.objects.current_members(network)
        .select_related("organisation", "commune", "naf", "headcount_band")
        .order_by("organisation__name", "siret")
    )


def network_territory_establishments(network: Network) -> QuerySet[Establishment]:
    """Active establishments located in the territory, members or not."""
    return Establishment.objects.active().filter(commune__in=network_territory_communes(network).values("pk"))


@dataclass(frozen=True)
class NetworkFigures:
    members: int
    prospects: int
    territory_establishments: int
    # Jobs are only known as INSEE headcount bands: the figure is a range.
    jobs_min: int
    jobs_max: int
    communes_covered: int
    territory_communes: int


def network_figures(network: Network) -> NetworkFigures:
    """Key figures of a network's home page, in four queries whatever the network's size."""
    memberships = network.memberships.aggregate(
        members=Count("pk", filter=current_member()),
        prospects=Count("pk", filter=Q(status=Membership.Status.PROSPECT)),
    )
    member_establishments = Establishment.objects.current_members(network)
    # Bands without an upper bound ("10 000 and more") count at their lower bound.
    jobs = member_establishments.aggregate(
        jobs_min=Coalesce(Sum("headcount_band__min_employees"), 0),
        jobs_max=Coalesce(Sum(Coalesce("headcount_band__max_employees", "headcount_band__min_employees")), 0),
        communes_covered=Count("commune", distinct=True),
    )
    return NetworkFigures(
        members=memberships["members"],
        prospects=memberships["prospects"],
        territory_establishments=network_territory_establishments(network).count(),
        jobs_min=jobs["jobs_min"],
        jobs_max=jobs["jobs_max"],
        communes_covered=jobs["communes_covered"],
        territory_communes=network_territory_communes(network).count(),
    )


def network_latest_members(network: Network, *, limit: int = 6) -> list[Membership]:
    """The most recent memberships (by joining date, then by record date)."""
    return list(
        network.memberships.current()
        .select_related("establishment__organisation", "establishment__commune", "establishment__naf")
        .order_by(F("joined_on").desc(nulls_last=True), "-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class MemberPoint:
    siret: str
    name: str
    commune: str
    latitude: float
    longitude: float


def network_member_points(network: Network) -> list[MemberPoint]:
    """Located current members, for the network's map (public identity only); a member
    without its own coordinates stands at its commune's."""
    rows = (
        Establishment.objects.current_members(network)
        .annotate(
            point_lat=Coalesce("latitude", "commune__latitude"),
            point_lon=Coalesce("longitude", "commune__longitude"),
        )
        .filter(point_lat__isnull=False, point_lon__isnull=False)
        .order_by("siret")
        .values_list(
            "siret",
            "trade_name",
            "name",
            "organisation__name",
            "commune__name",
            "city",
            "point_lat",
            "point_lon",
        )
    )
    return [
        MemberPoint(siret, trade or name or organisation or siret, commune or city, lat, lon)
        for siret, trade, name, organisation, commune, city, lat, lon in rows
    ]


# -- suggestions while typing (the search box's autocomplete) ---------------------------------


@dataclass(frozen=True)
class CommuneSuggestion:
    insee_code: str
    name: str
    department: str
    postal_codes: tuple[str, ...]

    @property
    def place(self) -> str:
        """What the place field receives: ``commune_resolve`` reads « Name (67) » unambiguously."""
        return f"{self.name} ({self.department})" if self.department else self.insee_code


def commune_suggestions(
    text: str, *, limit: int = 6, network: Network | None = None
) -> list[CommuneSuggestion]:
    """Communes whose name starts with ``text`` (accents, case, « St » ignored), or whose postal
    code starts with the digits typed; the most populated first, after those of ``network``'s
    territory when one is given (a network's users mostly mean their own communes)."""
    text = " ".join((text or "").split())
    queryset = Commune.objects.exclude(kind__in=[Commune.Kind.DELEGATED, Commune.Kind.ASSOCIATED])
    if text.isdigit():
        if len(text) < 2:
            return []
        ids = PostalCode.objects.filter(code__startswith=text).values("commune_id")
        queryset = queryset.filter(insee_code__in=ids)
    else:
        name = normalize_name(text)
        if len(name) < 2:
            return []
        queryset = queryset.filter(search_name__startswith=name)
        if connection.vendor == "sqlite":
            # SQLite's LIKE ignores case, so it scans the table: a range uses the index.
            # (Not on PostgreSQL: a locale collation ignores spaces and punctuation in
            # comparisons; its LIKE 'x%' already uses the pattern index Django creates.)
            queryset = queryset.filter(
                search_name__gte=name, search_name__lt=name[:-1] + chr(ord(name[-1]) + 1)
            )
    order = [F("population").desc(nulls_last=True), "name"]
    if network is not None:
        # Still one query: the territory test is a correlated EXISTS on the candidates.
        territory = network_territory_communes(network).filter(pk=OuterRef("pk"))
        queryset = queryset.annotate(in_territory=Exists(territory))
        order.insert(0, F("in_territory").desc())
    columns = ("insee_code", "name", "department_id", "postal_codes")
    rows = queryset.order_by(*order).values_list(*columns)[:limit]
    return [
        CommuneSuggestion(insee, name, department or "", tuple(sorted(codes or ())))
        for insee, name, department, codes in rows
    ]


@dataclass(frozen=True)
class CompanySuggestion:
    kind: str  # "establishment" or "organisation"
    identifier: str  # SIRET or SIREN
    name: str
    place: str


def company_suggestions(text: str, *, limit: int = 6) -> list[CompanySuggestion]:
    """Active establishments whose name, trade name or company name contains ``text``, then
    the companies bearing it with several of those establishments (each has its own page).

    One query: the companies are grouped from the establishments read (a company whose name
    matches brings all its active establishments), up to a few times ``limit`` rows.
    """
    text = " ".join((text or "").split())
    if len(text) < 3:
        return []
    rows = list(
        Establishment.objects.active()
        .filter(
            Q(name__icontains=text) | Q(trade_name__icontains=text) | Q(organisation__name__icontains=text)
        )
        .order_by("name", "siret")
        .values_list(
            "siret",
            "trade_name",
            "name",
            "organisation__siren",
            "organisation__name",
            "commune__name",
            "city",
        )[: limit * 5]
    )
    found = [
        CompanySuggestion("establishment", siret, trade or name or organisation, commune or city)
        for siret, trade, name, _siren, organisation, commune, city in rows[:limit]
    ]
    sites: dict[tuple[str, str], int] = {}
    needle = text.casefold()
    for _siret, _trade, _name, siren, organisation, _commune, _city in rows:
        if needle in organisation.casefold():
            sites[(siren, organisation)] = sites.get((siren, organisation), 0) + 1
    companies = sorted((name, siren, count) for (siren, name), count in sites.items() if count > 1)
    found += [
        CompanySuggestion("organisation", siren, name, str(count)) for name, siren, count in companies[:2]
    ]
    return found


def membership_history(membership: Membership) -> QuerySet:
    """The changes of a membership, newest first, with who made them."""
    return membership.changes.select_related("changed_by")


def network_contacts(network: Network, *, establishment: Establishment | None = None) -> QuerySet:
    """The network's contacts (animators' eyes only: callers check ``can_animate_network``)."""
    accounts = EstablishmentUser.objects.filter(
        establishment=OuterRef("establishment"), user__email__iexact=OuterRef("email"), user__is_active=True
    )
    # Whether the person acts for the company with an account of the same address: read each
    # time, never stored, so that it follows accounts created, linked or closed later.
    contacts = network.contacts.select_related("establishment").annotate(has_account=Exists(accounts))
    return contacts.filter(establishment=establishment) if establishment is not None else contacts


def siret_in(text: str) -> str:
    """The SIRET ``text`` carries: the whole of it (« 552 100 554 00013 »), or its end, as in a
    company picked from a list (« Tôlerie Kieffer — Haguenau — 552 100 554 00013 »); else ""."""
    compact = re.sub(r"\s", "", text or "")
    found = _SIRET_AT_END.search(compact)
    return found[1] if found else ""


_SIRET_AT_END = re.compile(r"(?<!\d)(\d{14})$")


def establishment_suggestions(text: str, *, limit: int = 8) -> list[Establishment]:
    """Active establishments for a company picker while typing: those whose SIRET starts with
    the digits typed (three at least), else whose name, trade name or company name contains
    ``text`` (``company_suggestions``)."""
    compact = re.sub(r"\s", "", text or "")
    queryset = Establishment.objects.active().select_related("organisation", "commune")
    if compact.isdigit():
        if len(compact) < 3:
            return []
        return list(queryset.filter(siret__startswith=compact[:14]).order_by("siret")[:limit])
    sirets = [s.identifier for s in company_suggestions(text, limit=limit) if s.kind == "establishment"]
    return list(queryset.filter(siret__in=sirets).order_by("name", "siret"))


def establishments_named(
    text: str, *, network: Network | None = None, partial: bool = False
) -> list[Establishment]:
    """The establishments ``text`` names: how a form picks a company without a bare SIRET box.

    - a SIRET, typed or ending a picked option (``siret_in``): that establishment, whatever
      its state;
    - else the active establishments whose name, trade name or company name is ``text`` (case
      aside), ``network``'s current members first;
    - with ``partial``, when no name is exactly ``text``: those whose name contains it
      (``establishment_suggestions``).

    Several answers: the caller asks which (their SIRET tells namesakes apart)."""
    text = " ".join((text or "").split())
    if not text:
        return []
    siret = siret_in(text)
    if siret:
        return list(Establishment.objects.filter(siret=siret).select_related("organisation", "commune"))
    found = list(
        Establishment.objects.active()
        .filter(Q(name__iexact=text) | Q(trade_name__iexact=text) | Q(organisation__name__iexact=text))
        .select_related("organisation", "commune")
        .order_by("siret")[:20]
    )
    if not found and partial:
        found = establishment_suggestions(text)
    if network is not None and len(found) > 1:
        members = set(
            Establishment.objects.current_members(network)
            .filter(pk__in=[e.pk for e in found])
            .values_list("pk", flat=True)
        )
        found = [e for e in found if e.pk in members] or found
    return found


# --- Dues (issue 15) ------------------------------------------------------------------------


@dataclass(frozen=True)
class DuesSummary:
    """A year's dues across the network: counts by status and amounts, in euros."""

    year: int
    counts: dict[str, int]  # by ``Dues.Status``, plus "none": current members without dues
    called_amount: Decimal  # everything called (paid or not)
    paid_amount: Decimal
    outstanding_amount: Decimal  # called, not paid
    reminders: int


def network_dues_summary(network: Network, year: int) -> DuesSummary:
    dues = Dues.objects.filter(membership__network=network, year=year)
    counts = dict.fromkeys(Dues.Status.values, 0)
    for row in dues.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["none"] = Membership.objects.current().filter(network=network).exclude(dues__year=year).count()
    outstanding = Q(status__in=[Dues.Status.CALLED, Dues.Status.LATE])
    zero = Value(Decimal(0))
    totals = dues.aggregate(
        called=Coalesce(Sum("amount", filter=~Q(called_on=None)), zero),
        paid=Coalesce(Sum("amount", filter=Q(status=Dues.Status.PAID)), zero),
        outstanding=Coalesce(Sum("amount", filter=outstanding), zero),
    )
    return DuesSummary(
        year=year,
        counts=counts,
        called_amount=totals["called"],
        paid_amount=totals["paid"],
        outstanding_amount=totals["outstanding"],
        reminders=DuesReminder.objects.filter(dues__in=dues).count(),
    )


def dues_preview(memberships: QuerySet[Membership], year: int) -> dict[str, int]:
    """What a dues action on ``memberships`` would meet: how many are current members, have
    ``year``'s dues in each status or none, and have no contact with an e-mail address."""
    ids = memberships.values("pk")
    current = Membership.objects.current().filter(pk__in=ids)
    counts = {"selected": memberships.count(), "current": current.count()}
    by_status = Dues.objects.filter(membership__in=ids, year=year).values("status").annotate(n=Count("pk"))
    counts |= dict.fromkeys(Dues.Status.values, 0) | {row["status"]: row["n"] for row in by_status}
    counts["none"] = counts["selected"] - sum(counts[status] for status in Dues.Status.values)
    handled = Dues.objects.filter(year=year).exclude(status=Dues.Status.DUE).values("membership_id")
    counts["current_uncalled"] = current.exclude(pk__in=handled).count()
    with_email = Contact.objects.filter(
        network_id=OuterRef("network_id"), establishment_id=OuterRef("establishment_id")
    ).exclude(email="")
    counts["without_email"] = memberships.filter(~Exists(with_email)).count()
    return counts


def membership_dues(membership: Membership) -> list[Dues]:
    """The membership's dues, latest year first, with their reminders."""
    return list(membership.dues.prefetch_related("reminders").order_by("-year"))


def dues_by_membership(memberships: QuerySet[Membership], year: int) -> dict[int, Dues]:
    """``year``'s dues of ``memberships`` by membership id, with their number of reminders."""
    dues = Dues.objects.filter(membership__in=memberships.values("pk"), year=year).annotate(
        reminder_count=Count("reminders")
    )
    return {d.membership_id: d for d in dues}
