"""Calendar feeds: a network's public feed (filtered by kind and topic), a person's private feed
of the events they are registered to, and the secret tokens of the private feeds.

Both feeds are written by the one iCalendar writer (``maillage.events.ics``): each event keeps
its UID and SEQUENCE, so a subscribed calendar updates the copy it holds, and links back to
its page. A feed covers the events not over three months ago and later, published or
cancelled (a cancelled event stays, marked CANCELLED, so that clients strike it out rather
than silently drop it).

A feed reads a fixed number of queries whatever its length (who the user is, the events as
plain rows, their sessions; the topic filter's nodes; one per network for a private feed) and
writes through ``ics.feed``: ``bench/events_feed.py`` measures 2,000 events.

The private feed has no login (a calendar client sends none): its token is the secret. It is
revocable, and never shows an event its owner may no longer see (a members-only event after
their company left the network): the event list is filtered through
``maillage.events.permissions.visible_events`` at every read.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext as _

from maillage.directory.models import Network
from maillage.emails import absolute_url
from maillage.events import ics
from maillage.events.errors import EventError
from maillage.events.models import (
    ACTIVE_STATUSES,
    CalendarFeedToken,
    Event,
    EventKind,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from maillage.events.permissions import visible_events
from maillage.taxonomy.models import TaxonomyNode

# How far back a feed goes: a client keeps what it already shows, three months covers the
# trainings a person may still look up (and their certificates).
FEED_PAST = timedelta(days=92)
SHOWN = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
# Statuses shown in a private feed; a cancelled or declined registration is shown CANCELLED.
PERSON_SHOWN = (*ACTIVE_STATUSES, RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED)
TENTATIVE = (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)

_NETWORK, _EVENT = "network-placeholder", "event-placeholder"
# What a feed reads of an event: plain rows, not model instances (2,000 events with their ~40
# fields each would cost more than writing the whole feed).
_COLUMNS = (
    "pk", "uid", "sequence", "updated_at", "starts_at", "ends_at", "title", "status", "kind",
    "summary", "venue", "address", "online_url", "slug", "network__slug", "commune__name",
)  # fmt: skip


@dataclass(slots=True)
class FeedEvent:
    """An event as a feed writes it (the attributes ``ics`` reads, and the sessions' spans)."""

    pk: int
    uid: uuid.UUID
    sequence: int
    updated_at: datetime
    starts_at: datetime
    ends_at: datetime
    title: str
    status: str
    kind: str
    summary: str
    venue: str
    address: str
    online_url: str
    slug: str
    network_slug: str
    commune_name: str | None
    sessions: list[tuple[datetime, datetime]] = field(default_factory=list)


def _event_url_pattern() -> str:
    """The absolute URL of an event's page (``events:event``) with two placeholders, reversed
    once per feed rather than once per event."""
    return absolute_url(reverse("events:event", args=[_NETWORK, _EVENT]))


def _event_url(pattern: str, event: FeedEvent) -> str:
    return pattern.replace(_NETWORK, event.network_slug).replace(_EVENT, event.slug)


class _Dates:
    """« mardi 15 septembre 2026, 9 h 00 », Paris time, in the active language's names (looked
    up once per feed: Django's ``dateformat`` costs more than the rest of a session's line)."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.days = [str(name) for name in WEEKDAYS.values()]
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.sessions = _("Séances :")

    def clock(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return f"{local.hour} h {local.minute:02d}"

    def when(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        day = f"{self.days[local.weekday()]} {local.day} {self.months[local.month]} {local.year}"
        return f"{day}, {local.hour} h {local.minute:02d}"


def _location(event: FeedEvent) -> str:
    place = [part for part in (event.venue, event.address) if part]
    if event.commune_name and event.commune_name not in " ".join(place):
        place.append(event.commune_name)
    return ", ".join(place) or event.online_url


def _description(event: FeedEvent, dates: _Dates, *, lead: str = "") -> str:
    """The event's summary, and the list of its sessions when it has several (a client shows
    one block from the first start to the last end: the half-days are here)."""
    parts = [part for part in (lead, event.summary) if part]
    if len(event.sessions) > 1:
        lines = [f"- {dates.when(start)} – {dates.clock(end)}" for start, end in event.sessions]
        parts.append(dates.sessions + "\n" + "\n".join(lines))
    if event.online_url and (event.venue or event.address or event.commune_name):
        parts.append(event.online_url)
    return "\n\n".join(parts)


def _feed_events(queryset) -> list[FeedEvent]:
    """The rows of ``queryset``'s events, soonest first, with their sessions: two queries."""
    events = [FeedEvent(*row) for row in queryset.order_by("starts_at", "pk").values_list(*_COLUMNS)]
    by_pk = {event.pk: event for event in events}
    if by_pk:
        spans = (
            EventSession.objects.filter(event__in=queryset.values("pk"))
            .order_by("starts_at", "pk")
            .values_list("event_id", "starts_at", "ends_at")
        )
        for event_id, start, end in spans:
            if event_id in by_pk:
                by_pk[event_id].sessions.append((start, end))
    return events


def _topics_filter(codes: Iterable[str]) -> Q:
    """Events tagged with one of ``codes`` or a node under it (a feed of « usinage » has
    « fraisage 5 axes »); codes that name no node match nothing."""
    match = Q(pk__in=[])
    for pk, path in TaxonomyNode.objects.filter(code__in=list(codes)).values_list("pk", "tree_path"):
        # A node whose path is not computed yet matches itself only (an empty prefix is all).
        match |= Q(topics__tree_path__startswith=path) if path else Q(topics=pk)
    return match


def network_feed_events(
    network, *, user=None, kinds: Sequence[str] = (), topics: Sequence[str] = (), now: datetime | None = None
) -> list[FeedEvent]:
    """The events of ``network`` ``user`` may see (None: a visitor, a calendar client), published
    or cancelled, not over before three months ago; narrowed to ``kinds`` (``EventKind``
    values) and ``topics`` (taxonomy codes, with their subtree) when given."""
    since = (now or timezone.now()) - FEED_PAST
    queryset = visible_events(user, network).filter(status__in=SHOWN, ends_at__gte=since)
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    if topics:
        queryset = queryset.filter(_topics_filter(topics)).distinct()
    return _feed_events(queryset)


def network_feed_ics(
    network, *, user=None, kinds: Sequence[str] = (), topics: Sequence[str] = (), now: datetime | None = None
) -> bytes:
    """The network's feed as an iCalendar file (see ``network_feed_events``)."""
    now = now or timezone.now()
    events = network_feed_events(network, user=user, kinds=kinds, topics=topics, now=now)
    pattern, dates = _event_url_pattern(), _Dates()
    kinds_shown = {value: [str(label)] for value, label in EventKind.choices}
    entries = (
        (event, {
            "url": _event_url(pattern, event), "description": _description(event, dates),
            "location": _location(event), "now": now, "categories": kinds_shown.get(event.kind, ()),
        })
        for event in events
    )  # fmt: skip
    return ics.feed(entries, name=_("Agenda — %(network)s") % {"network": network.name})


# --- The private feed ----------------------------------------------------------------------


def feed_token_user(token: str):
    """The active owner of the live token ``token``, or None (unknown, revoked, inactive user)."""
    found = (
        CalendarFeedToken.objects.filter(token=token, revoked_at=None, user__is_active=True)
        .select_related("user")
        .first()
    )
    return found.user if found else None


def feed_token_active(user) -> CalendarFeedToken | None:
    """``user``'s live token, if they created one (at most one is live at a time)."""
    return CalendarFeedToken.objects.filter(user=user, revoked_at=None).order_by("-created_at").first()


def person_feed_entries(user, *, now: datetime | None = None) -> list[tuple[FeedEvent, str]]:
    """The events ``user`` is registered to (by account or by address), each with the state of
    their registration: the live one, else the latest cancelled one; only events ``user`` may
    still see, not over before three months ago."""
    since = (now or timezone.now()) - FEED_PAST
    mine = Q(user=user)
    if user.email:
        mine |= Q(email=user.email.lower())
    rows = (
        Registration.objects.filter(
            mine, status__in=PERSON_SHOWN, event__status__in=SHOWN, event__ends_at__gte=since
        )
        .order_by("event_id", "-created_at", "-pk")
        .values_list("event_id", "status", "event__network_id")
    )
    chosen: dict[int, str] = {}
    by_network: dict[int, list[int]] = {}
    for event_id, status, network_id in rows:
        held = chosen.get(event_id)
        if held is None:
            by_network.setdefault(network_id, []).append(event_id)
        if held is None or (held not in ACTIVE_STATUSES and status in ACTIVE_STATUSES):
            chosen[event_id] = status
    # Visibility is read again at every request: a company that left the network loses its
    # members-only events from the feed (one query per network, not per event).
    seen: list[int] = []
    for network in Network.objects.filter(pk__in=list(by_network)):
        ids = by_network[network.pk]
        seen.extend(visible_events(user, network).filter(pk__in=ids).values_list("pk", flat=True))
    return [(event, chosen[event.pk]) for event in _feed_events(Event.objects.filter(pk__in=seen))]


def _person_status(status: str) -> str:
    if status not in ACTIVE_STATUSES:
        return "CANCELLED"
    if status in TENTATIVE:
        return "TENTATIVE"
    return ""  # the event's own (CONFIRMED, or CANCELLED when the event is)


def person_feed_ics(token: str, *, now: datetime | None = None) -> bytes:
    """The private feed of the owner of ``token``: the events they are registered to, their
    registration's state in the summary (waitlisted, offered, awaiting approval) and the
    description; a cancelled registration or event is STATUS:CANCELLED. Raises ``EventError``
    for an unknown or revoked token (the view answers 404)."""
    user = feed_token_user(token)
    if user is None:
        raise EventError("token", _("Ce lien d’agenda n’existe pas ou a été révoqué."))
    now = now or timezone.now()
    with translation.override(getattr(user, "language", "") or "fr"):
        pattern, dates = _event_url_pattern(), _Dates()
        labels = {value: str(label) for value, label in RegistrationStatus.choices}

        def entry(event: FeedEvent, status: str) -> tuple[FeedEvent, dict]:
            lead = _("Votre inscription : %(state)s.") % {"state": labels[status]}
            summary = f"{labels[status]} — {event.title}" if status in TENTATIVE else event.title
            return event, {
                "url": _event_url(pattern, event), "description": _description(event, dates, lead=lead),
                "location": _location(event), "now": now, "summary": summary,
                "status": _person_status(status),
            }  # fmt: skip

        entries = [entry(event, status) for event, status in person_feed_entries(user, now=now)]
        return ics.feed(entries, name=_("Mes événements — Maillage"))


@transaction.atomic
def feed_token_create(user) -> CalendarFeedToken:
    """A new secret for ``user``'s private feed. The previous one, if any, stops working: this
    is also the renewal (a link that leaked is replaced by one that did not)."""
    CalendarFeedToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    return CalendarFeedToken.objects.create(user=user, token=secrets.token_urlsafe(32))


@transaction.atomic
def feed_token_revoke(token: str) -> bool:
    """Revoke the live token ``token``: its feed answers 404 from now on. False when it was not
    live (already revoked or unknown)."""
    return bool(
        CalendarFeedToken.objects.filter(token=token, revoked_at=None).update(revoked_at=timezone.now())
    )
