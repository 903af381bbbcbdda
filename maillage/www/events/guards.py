"""The one guard of the events area's management pages (edit, registrations, check-in,
signing, certificates): the event of the URL in the URL's network, for those who manage it."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from maillage.accounts.permissions import can_animate_network, require
from maillage.directory.models import Network
from maillage.events.models import Event
from maillage.events.permissions import can_manage_event


def managed_event(request, slug: str, event_slug: str) -> Event:
    """The event for those who manage it (``can_manage_event``: the network's animators,
    platform administrators, the event's organisers). Anyone else is refused (403) whether the
    event exists or not, so that nobody learns a draft's or another network's address by
    probing; the network's animators get « not found » (404) for an event it does not have."""
    network = get_object_or_404(Network, slug=slug)
    event = (
        Event.objects.select_related("network", "commune").filter(network=network, slug=event_slug).first()
    )
    if event is not None and can_manage_event(request.user, event):
        return event
    require(can_animate_network(request.user, network))
    raise Http404
