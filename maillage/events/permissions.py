"""Who may see an event, register to it, and manage it: pure predicates (no writes), the one
place every events view, feed and API endpoint asks.

- A published public event: everyone sees it and may register.
- A members-only event: invisible to visitors and to users of non-member companies (a 404,
  not a 403: its existence is members' business); members of the network, its animators and
  the event's organisers see it.
- An invitation-only event: its page is seen by whoever holds its link, and by the network's
  members; registering needs an invitation (a registration written by the organiser) —
  the organiser registers people from the back-office.
- Drafts and cancelled events: drafts only for managers; a cancelled event stays visible (its
  page says so) to those who saw it.
- Managing (edit, registrations list, attendee list with contacts' data, check-in, sheets,
  certificates): the network's animators, platform administrators, and the event's organisers
  (``Event.organisers``). Nobody else ever sees who is registered.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maillage.accounts.permissions import can_animate_network, member_networks
from maillage.events.models import Audience, Event, EventStatus


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_manage_event(user, event: Event) -> bool:
    if not _active(user):
        return False
    if can_animate_network(user, event.network):
        return True
    return event.organisers.filter(pk=user.pk).exists()


def is_network_member(user, network) -> bool:
    """``user`` acts for a current member of ``network`` (or animates it)."""
    if not _active(user):
        return False
    return can_animate_network(user, network) or member_networks(user).filter(pk=network.pk).exists()


def can_see_event(user, event: Event) -> bool:
    if event.status == EventStatus.DRAFT:
        return can_manage_event(user, event)
    if event.audience == Audience.MEMBERS:
        return is_network_member(user, event.network) or can_manage_event(user, event)
    return True


def visible_events(user, network) -> QuerySet[Event]:
    """The events of ``network`` ``user`` may see in lists and feeds (invitation-only events are
    not listed to outsiders: they reach them through the organiser's link)."""
    events = Event.objects.of_network(network)
    if _active(user) and can_animate_network(user, network):
        return events
    shown = Q(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])
    if not is_network_member(user, network):
        shown &= Q(audience=Audience.PUBLIC)
    if _active(user):
        shown |= Q(organisers=user)
    return events.filter(shown).distinct()


def can_register(user, event: Event) -> bool:
    """May open the registration form (the window and seats are the services' business)."""
    if event.status != EventStatus.PUBLISHED or not can_see_event(user, event):
        return False
    if event.audience == Audience.INVITATION:
        return can_manage_event(user, event)
    return True
