"""Calendar feeds: a network's public feed (filtered by kind and topic), a person's private feed
of the events they are registered to, and the secret tokens of the private feeds.

Both feeds are written by the one iCalendar writer (``maillage.events.ics``): each event keeps
its UID and SEQUENCE, so a subscribed calendar updates the copy it holds, and links back to
its page. A feed covers the events not over three months ago and later, published or
cancelled (a cancelled event stays, marked CANCELLED, so that clients strike it out rather
than silently drop it).

Generating a feed costs three queries whatever its length (the events with their network and
commune, their sessions, the topic filter's nodes): ``bench/events_feed.py`` measures 2,000
events.

The private feed has no login (a calendar client sends none): its token is the secret. It is
revocable, and never shows an event its owner may no longer see (a members-only event after
their company left the network): the event list is filtered through
``maillage.events.permissions.visible_events`` at every read.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

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
# Statuses shown in a private feed; a cancelled or declined registration is shown CANCELLED.
PERSON_SHOWN = (*ACTIVE_STATUSES, RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED)
TENTATIVE = (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)

_NETWORK, _EVENT = "network-placeholder", "event-placeholder"


def _event_url_pattern() -> str:
    """The absolute URL of an event's page with two placeholders, reversed once per feed rather
    than once per event. The page (``events:event``) belongs to the calendar part; until it is
    routed, its documented path (docs/events.md) is built here."""
    try:
        path = reverse("events:event", args=[_NETWORK, _EVENT])
    except NoReverseMatch:
        path = f"/reseaux/{_NETWORK}/agenda/{_EVENT}/"
    return absolute_url(path)


def _event_url(pattern: str, event: Event) -> str:
    return pattern.replace(_NETWORK, event.network.slug).replace(_EVENT, event.slug)


def _clock(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.hour} h {local.minute:02d}"


def _when(moment: datetime) -> str:
    """« mardi 15 septembre 2026, 9 h 00 » in the active language's names, Paris time."""
    return f"{dateformat.format(timezone.localtime(moment), 'l j F Y')}, {_clock(moment)}"


def _location(event: Event) -> str:
    place = [part for part in (event.venue, event.address) if part]
    if event.commune_id and event.commune.name not in " ".join(place):
        place.append(event.commune.name)
    return ", ".join(place) or event.online_url


def _description(event: Event, *, lead: str = "") -> str:
    """The event's summary, and the list of its sessions when it has several (a client shows
    one block from the first start to the last end: the half-days are here)."""
    parts = [part for part in (lead, event.summary) if part]
    sessions = event.sessions.all()
    if len(sessions) > 1:
        lines = [f"- {_when(s.starts_at)} – {_clock(s.ends_at)}" for s in sessions]
        parts.append(_("Séances :") + "\n" + "\n".join(lines))
    if event.online_url and (event.venue or event.address or event.commune_id):
        parts.append(event.online_url)
    return "\n\n".join(parts)


def _feed_events(queryset, since: datetime) -> list[Event]:
    sessions = EventSession.objects.only("event_id", "starts_at", "ends_at").order_by("starts_at", "pk")
    return list(
        queryset.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED], ends_at__gte=since)
        .select_related("network", "commune")
        .prefetch_related(Prefetch("sessions", queryset=sessions))
        .order_by("starts_at", "pk")
    )


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
) -> list[Event]:
    """The events of ``network`` ``user`` may see (None: a visitor, a calendar client), published
    or cancelled, not over before three months ago; narrowed to ``kinds`` (``EventKind``
    values) and ``topics`` (taxonomy codes, with their subtree) when given."""
    queryset = visible_events(user, network)
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    if topics:
        queryset = queryset.filter(_topics_filter(topics)).distinct()
    return _feed_events(queryset, (now or timezone.now()) - FEED_PAST)


def network_feed_ics(
    network, *, user=None, kinds: Sequence[str] = (), topics: Sequence[str] = (), now: datetime | None = None
) -> bytes:
    """The network's feed as an iCalendar file (see ``network_feed_events``)."""
    now = now or timezone.now()
    events = network_feed_events(network, user=user, kinds=kinds, topics=topics, now=now)
    pattern = _event_url_pattern()
    kind_labels = dict(EventKind.choices)

    def component(event):
        return ics.event_component(
            event, url=_event_url(pattern, event), description=_description(event),
            location=_location(event), now=now, categories=[str(kind_labels.get(event.kind, event.kind))],
        )  # fmt: skip

    name = _("Agenda — %(network)s") % {"network": network.name}
    return ics.calendar(events, name=name, component=component)


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


def person_feed_registrations(user, *, now: datetime | None = None) -> list[Registration]:
    """One registration per event for ``user`` (theirs by account or by address): the live one,
    else the latest cancelled one; only events ``user`` may still see, not over before three
    months ago."""
    since = (now or timezone.now()) - FEED_PAST
    sessions = EventSession.objects.only("event_id", "starts_at", "ends_at").order_by("starts_at", "pk")
    mine = Q(user=user)
    if user.email:
        mine |= Q(email=user.email.lower())
    registrations = (
        Registration.objects.filter(mine, status__in=PERSON_SHOWN)
        .filter(event__status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED], event__ends_at__gte=since)
        .select_related("event__network", "event__commune")
        .prefetch_related(Prefetch("event__sessions", queryset=sessions))
        .order_by("event__starts_at", "event_id", "-created_at")
    )
    chosen: dict[int, Registration] = {}
    for registration in registrations:
        held = chosen.get(registration.event_id)
        if held is None or (held.status not in ACTIVE_STATUSES and registration.status in ACTIVE_STATUSES):
            chosen[registration.event_id] = registration
    # Visibility is read again at every request: a company that left the network loses its
    # members-only events from the feed (one query per network, not per event).
    by_network: dict[int, list[int]] = {}
    networks = {}
    for registration in chosen.values():
        event = registration.event
        by_network.setdefault(event.network_id, []).append(event.pk)
        networks[event.network_id] = event.network
    seen: set[int] = set()
    for network_id, ids in by_network.items():
        seen.update(
            visible_events(user, networks[network_id]).filter(pk__in=ids).values_list("pk", flat=True)
        )
    return [r for r in chosen.values() if r.event_id in seen]


def _person_status(registration: Registration) -> str:
    if registration.status not in ACTIVE_STATUSES:
        return "CANCELLED"
    if registration.status in TENTATIVE:
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
        registrations = person_feed_registrations(user, now=now)
        pattern = _event_url_pattern()

        def component(registration):
            event = registration.event
            state = RegistrationStatus(registration.status)
            lead = _("Votre inscription : %(state)s.") % {"state": state.label}
            summary = event.title
            if registration.status in TENTATIVE:
                summary = f"{state.label} — {event.title}"
            return ics.event_component(
                event, url=_event_url(pattern, event), description=_description(event, lead=lead),
                location=_location(event), now=now, summary=summary, status=_person_status(registration),
            )  # fmt: skip

        name = _("Mes événements — Maillage")
        return ics.calendar(registrations, name=name, component=component)


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
