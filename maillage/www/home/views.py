"""Public pages: the index of networks and each network's home."""

from dataclasses import asdict

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from maillage.directory.models import Network
from maillage.directory.selectors import (
    network_figures,
    network_latest_members,
    network_list,
    network_member_points,
    network_members,
)
from maillage.profiles.selectors import network_capability_count
from maillage.www.forms import SearchEntryForm
from maillage.www.pagination import paginate

MEMBERS_PER_PAGE = 25
LATEST_MEMBERS = 6


def home(request):
    """With a single network, its home page; otherwise the list of networks."""
    networks = list(network_list()[:2])
    if len(networks) == 1:
        return _network_page(request, networks[0])
    language = get_language()
    networks = list(network_list())
    for network in networks:
        network.description_shown = network.localised_description(language)
    return render(request, "home/network_list.html", {"networks": networks, "search_form": SearchEntryForm()})


def network_detail(request, slug):
    return _network_page(request, get_object_or_404(Network, slug=slug))


def _network_page(request, network):
    page = paginate(request, network_members(network), MEMBERS_PER_PAGE)
    context = {
        "network": network,
        "description": network.localised_description(get_language()),
        "figures": network_figures(network),
        "capability_count": network_capability_count(network),
        "latest": network_latest_members(network, limit=LATEST_MEMBERS),
        "points": [asdict(point) for point in network_member_points(network)],
        "tile_url": settings.MAILLAGE_TILE_URL,
        "tile_attribution": settings.MAILLAGE_TILE_ATTRIBUTION,
        "search_form": SearchEntryForm(),
        "page": page,
    }
    return render(request, "home/network_detail.html", context)
