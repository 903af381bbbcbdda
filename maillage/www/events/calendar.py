"""The public calendar of a network: its upcoming events (a list with filters, a month), an
event's page and its ``.ics``.

Who sees what is ``maillage.events.permissions``: a members-only event, a draft, another
network's event are not found (404), never forbidden (their existence is not the visitor's
business). The online link reaches only the people registered and the event's managers.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from maillage.accounts.permissions import can_animate_network
from maillage.directory.models import Network
from maillage.emails import absolute_url
from maillage.events import ics
from maillage.events.models import EventStatus
from maillage.events.permissions import can_manage_event, can_register, can_see_event, is_network_member
from maillage.events.selectors import (
    PARIS,
    event_description,
    event_location,
    event_of_network,
    event_page,
    month_grid,
    upcoming_events,
)
from maillage.www.events.calendar_forms import CalendarFilterForm
from maillage.www.pagination import paginate

PER_PAGE = 20
FIRST_YEAR, LAST_YEAR = 2000, 2100


def url_or_none(name: str, *args) -> str | None:
    """The URL of a page another part of the events area may not have landed yet (the
    registration form, the network's feed): None keeps this page working without it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _filters(request, network):
    members = is_network_member(request.user, network)
    form = CalendarFilterForm(request.GET or None, network=network, user=request.user, members=members)
    return form, form.filters()


@require_GET
def calendar(request, slug):
    network = get_object_or_404(Network, slug=slug)
    form, filters = _filters(request, network)
    events = upcoming_events(request.user, network, filters=filters)
    today = timezone.localdate()
    context = {
        "network": network,
        "form": form,
        "filtered": filters != type(filters)(),
        "page": paginate(request, events, PER_PAGE),
        "month_url": reverse("events:calendar_month", args=[network.slug, today.year, today.month]),
        "feed_url": url_or_none("events:network_feed", network.slug),
        "can_animate": can_animate_network(request.user, network),
    }
    return render(request, "events/calendar.html", context)


@require_GET
def calendar_month(request, slug, year, month):
    network = get_object_or_404(Network, slug=slug)
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404
    form, filters = _filters(request, network)
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=32)
    query = request.GET.urlencode()

    def month_url(day):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return None
        url = reverse("events:calendar_month", args=[network.slug, day.year, day.month])
        return f"{url}?{query}" if query else url

    weeks = month_grid(request.user, network, year, month, filters=filters)
    context = {
        "network": network,
        "form": form,
        "month": first,
        "weeks": weeks,
        "has_events": any(day.entries and day.in_month for week in weeks for day in week),
        "weekdays": [datetime.date(2024, 1, day) for day in range(1, 8)],  # a Monday to a Sunday
        "previous_url": month_url(previous),
        "next_url": month_url(following),
        "today": timezone.localdate(),
        "list_url": reverse("events:calendar", args=[network.slug]),
        "feed_url": url_or_none("events:network_feed", network.slug),
    }
    return render(request, "events/calendar_month.html", context)


def _visible_event(request, slug, event_slug):
    network = get_object_or_404(Network, slug=slug)
    event = event_of_network(network, event_slug)
    if event is None or not can_see_event(request.user, event):
        raise Http404
    return network, event


def _sees_online_link(user, event) -> bool:
    if can_manage_event(user, event):
        return True
    return bool(user.is_authenticated and event.registrations.confirmed().filter(user=user).exists())


def _registration(request, event) -> dict:
    """What the page says about registering: the button's URL, or why there is none."""
    now = timezone.now()
    if event.status == EventStatus.CANCELLED:
        return {"state": "cancelled"}
    if event.ends_at < now:
        return {"state": "over"}
    if not can_register(request.user, event):
        return {"state": "invitation"} if event.status == EventStatus.PUBLISHED else {"state": "none"}
    if event.registration_opens_at and event.registration_opens_at > now:
        return {"state": "not_open", "opens_at": event.registration_opens_at}
    if event.registration_closes_at and event.registration_closes_at < now:
        return {"state": "closed"}
    return {"state": "open", "url": url_or_none("events:register", event.network.slug, event.slug)}


@require_GET
def event(request, slug, event_slug):
    network, event = _visible_event(request, slug, event_slug)
    data = event_page(event)
    context = {
        "network": network,
        "event": event,
        "data": data,
        "can_manage": can_manage_event(request.user, event),
        "online_link": event.online_url if _sees_online_link(request.user, event) else "",
        "registration": _registration(request, event),
        "ics_url": reverse("events:event_ics", args=[network.slug, event.slug]),
        "tile_url": settings.MAILLAGE_TILE_URL,
        "tile_attribution": settings.MAILLAGE_TILE_ATTRIBUTION,
        "month_url": reverse(
            "events:calendar_month",
            args=[network.slug, *_year_month(event.starts_at)],
        ),
    }
    return render(request, "events/event.html", context)


def _year_month(moment) -> tuple[int, int]:
    local = moment.astimezone(PARIS)
    return local.year, local.month


@require_GET
def event_ics(request, slug, event_slug):
    """The event as one ``.ics`` (« Ajouter à mon agenda »): the same UID and SEQUENCE as the
    e-mails' attachments and the feeds, so calendars update the copy they hold."""
    network, event = _visible_event(request, slug, event_slug)
    url = absolute_url(reverse("events:event", args=[network.slug, event.slug]))
    online = _sees_online_link(request.user, event)
    body = ics.calendar(
        [event],
        name=event.title,
        component=lambda item: ics.event_component(
            item, url=url, description=event_description(item), location=event_location(item, online=online)
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response
