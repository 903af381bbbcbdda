"""The one iCalendar writer (RFC 5545) of Maillage: a single event's ``.ics`` (download, e-mail
attachment), the network's public and filtered feeds, a person's private feed.

Each event is one VEVENT whose UID is ``Event.uid`` (never changes) and whose SEQUENCE is
``Event.sequence`` (bumped by the services on every change an attendee should see), so a
calendar client that already holds the event replaces it instead of adding a copy. A cancelled
event is written with STATUS:CANCELLED, and inside a ``METHOD:CANCEL`` calendar when it is sent
as an e-mail attachment. A multi-session event (a training of several half-days) spans from
its first start to its last end, the sessions listed in its description; RDATE would make the
clients show one occurrence per session but of the same length, which half-days are not.

Built with the ``icalendar`` package (not by hand): it folds lines and escapes text as the RFC
asks. Callers pass absolute URLs (``maillage.emails.absolute_url``) since a feed is read
outside the site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

import icalendar

PRODID = "-//Maillage//Evenements//FR"


def event_component(
    event,
    *,
    url: str,
    description: str = "",
    location: str = "",
    now: datetime | None = None,
    summary: str = "",
    status: str = "",
    categories: Sequence[str] = (),
) -> icalendar.Event:
    """One VEVENT for ``event`` (an ``Event`` with ``uid``, ``sequence``, ``title``, ``starts_at``,
    ``ends_at``, ``status``, ``updated_at``). ``summary`` replaces the title (a private feed
    prefixes « Liste d'attente »), ``status`` the one taken from the event (TENTATIVE for a
    waitlisted person, CANCELLED for a cancelled registration), ``categories`` are labels
    (the event's kind)."""
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.uid}@maillage")
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    vevent.add("last-modified", event.updated_at.astimezone(UTC))
    vevent.add("dtstart", event.starts_at.astimezone(UTC))
    vevent.add("dtend", event.ends_at.astimezone(UTC))
    vevent.add("summary", summary or event.title)
    vevent.add("url", url)
    vevent.add("description", "\n\n".join(part for part in (description, url) if part))
    if location:
        vevent.add("location", location)
    if categories:
        vevent.add("categories", list(categories))
    vevent.add("status", status or ("CANCELLED" if event.status == "cancelled" else "CONFIRMED"))
    return vevent


def calendar(
    events: Iterable,
    *,
    name: str,
    component: Callable[[object], icalendar.Event],
    method: str = "PUBLISH",
) -> bytes:
    """A VCALENDAR of ``events``, each turned into a VEVENT by ``component`` (a caller's
    closure over ``event_component`` that knows the URLs). ``method`` is PUBLISH for a feed or a
    download, REQUEST / CANCEL for an e-mail attachment (RFC 5546)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        cal.add_component(component(event))
    return cal.to_ical()
