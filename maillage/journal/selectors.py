"""Reads of the journal: a network's entries (filtered), a company's, the follow-ups to do, the
companies an entry may be about, and the activity figures of a period."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maillage.directory.models import Contact, Establishment, Membership, Network
from maillage.journal.models import EntryKind, JournalEntry
from maillage.taxonomy.models import TaxonomyNode

EXPORT_CHUNK = 2000
# Kinds where the team meets the company in person: they count as « entreprises rencontrées ».
MET_KINDS = (EntryKind.VISIT, EntryKind.MEETING, EntryKind.EVENT)


def network_entries(
    network: Network,
    *,
    kind: str = "",
    theme: str = "",
    company: str = "",
    since: date | None = None,
    until: date | None = None,
    follow_ups_to_do: bool = False,
) -> QuerySet[JournalEntry]:
    """The network's entries, newest first; ``company`` matches a name or a SIRET's start;
    ``follow_ups_to_do``: only the follow-ups not done, the most overdue first."""
    entries = JournalEntry.objects.of_network(network)
    if kind:
        entries = entries.filter(kind=kind)
    if theme:
        entries = entries.filter(theme=theme)
    if company:
        digits = "".join(company.split())
        match = Q(establishment__name__icontains=company) | Q(establishment__trade_name__icontains=company)
        if digits.isdigit():
            match |= Q(establishment__siret__startswith=digits)
        entries = entries.filter(match)
    if since is not None:
        entries = entries.filter(occurred_on__gte=since)
    if until is not None:
        entries = entries.filter(occurred_on__lte=until)
    if follow_ups_to_do:
        entries = entries.follow_ups_to_do()
    return entries.select_related(
        "establishment__organisation", "follow_up_owner", "author"
    ).prefetch_related("capabilities")


def company_contacts(network: Network, establishment: Establishment | None) -> QuerySet[Contact]:
    """The contacts an entry about ``establishment`` may name: that company's, in this network's CRM."""
    if establishment is None:
        return Contact.objects.none()
    return Contact.objects.filter(network=network, establishment=establishment).order_by(
        "last_name", "first_name", "pk"
    )


EXPORT_FIELDS = (
    "pk", "occurred_on", "kind", "establishment__trade_name", "establishment__name",
    "establishment__organisation__name", "establishment__siret", "people_met", "theme", "notes",
    "follow_up_on", "follow_up_owner__first_name", "follow_up_owner__last_name", "follow_up_owner__email",
    "follow_up_done_at", "confidentiality", "author__email",
)  # fmt: skip


def entries_export(
    entries: QuerySet[JournalEntry],
) -> Iterator[tuple[dict, list[TaxonomyNode], list[Contact]]]:
    """``entries`` as plain rows for an export, each with its capabilities and contacts met: one
    query for the rows, two per 2,000 rows for their links, no model instance per row (50,000
    rows in seconds)."""
    rows = entries.select_related(None).prefetch_related(None).values(*EXPORT_FIELDS)
    chunk: list[dict] = []

    def flush():
        ids = [row["pk"] for row in chunk]
        links = JournalEntry.capabilities.through.objects.filter(journalentry_id__in=ids)
        nodes: dict[int, list[TaxonomyNode]] = {}
        for link in links.select_related("taxonomynode").order_by("pk"):
            nodes.setdefault(link.journalentry_id, []).append(link.taxonomynode)
        people: dict[int, list[Contact]] = {}
        met = JournalEntry.contacts.through.objects.filter(journalentry_id__in=ids)
        for link in met.select_related("contact").order_by("contact__last_name", "contact__first_name"):
            people.setdefault(link.journalentry_id, []).append(link.contact)
        for row in chunk:
            yield row, nodes.get(row["pk"], []), people.get(row["pk"], [])

    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def entry_of_network(network: Network, pk: int) -> JournalEntry | None:
    """The entry ``pk`` when it belongs to ``network``; None for another network's (not found)."""
    return (
        JournalEntry.objects.of_network(network)
        .select_related("network", "establishment__organisation")
        .prefetch_related("capabilities", "contacts")
        .filter(pk=pk)
        .first()
    )


def company_entries(network: Network, establishment: Establishment) -> QuerySet[JournalEntry]:
    """A company's entries with the people met (the list of all entries does not show them)."""
    return network_entries(network).filter(establishment=establishment).prefetch_related("contacts")


def follow_ups_to_do(network: Network) -> QuerySet[JournalEntry]:
    """« Relances à faire »: the network's follow-ups not done, the most overdue first."""
    return (
        JournalEntry.objects.of_network(network)
        .follow_ups_to_do()
        .select_related("establishment__organisation", "follow_up_owner")
    )


def journal_companies(network: Network, *, keep: Establishment | None = None) -> QuerySet[Establishment]:
    """The companies an entry may be about: the network's members and prospects by name (and
    ``keep``, an edited entry's company, even if it has left the network since)."""
    current = Q(
        memberships__network=network,
        memberships__status__in=[Membership.Status.MEMBER, Membership.Status.PROSPECT],
    )
    if keep is not None:
        current |= Q(pk=keep.pk)
    return (
        Establishment.objects.filter(current)
        .select_related("organisation")
        .distinct()
        .order_by("name", "siret")
    )


def network_company(network: Network, siret: str) -> Establishment | None:
    """The establishment ``siret`` when it has (or had) a membership of ``network``."""
    return (
        Establishment.objects.filter(siret=siret, memberships__network=network)
        .select_related("organisation")
        .first()
    )


@dataclass(frozen=True)
class JournalFigures:
    since: date
    until: date
    entries: int
    companies_met: int  # distinct companies visited, met or seen at an event
    visits: int
    meetings: int
    calls: int
    emails: int
    events: int
    follow_ups_done: int  # marked done within the period
    new_members: int  # memberships whose joining date falls within the period


def journal_figures(network: Network, *, since: date, until: date) -> JournalFigures:
    entries = JournalEntry.objects.of_network(network).filter(occurred_on__gte=since, occurred_on__lte=until)
    totals = entries.aggregate(
        entries=Count("pk"),
        companies_met=Count("establishment", filter=Q(kind__in=MET_KINDS), distinct=True),
        **{name: Count("pk", filter=Q(kind=kind)) for name, kind in (
            ("visits", EntryKind.VISIT), ("meetings", EntryKind.MEETING), ("calls", EntryKind.CALL),
            ("emails", EntryKind.EMAIL), ("events", EntryKind.EVENT),
        )},
    )  # fmt: skip
    # A range of instants rather than ``__date``, so that the index on the done date serves.
    start = timezone.make_aware(datetime.combine(since, time.min))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
    done = (
        JournalEntry.objects.of_network(network)
        .filter(follow_up_done_at__gte=start, follow_up_done_at__lt=end)
        .count()
    )
    new_members = Membership.objects.filter(
        network=network, joined_on__gte=since, joined_on__lte=until
    ).count()
    return JournalFigures(since=since, until=until, follow_ups_done=done, new_members=new_members, **totals)
