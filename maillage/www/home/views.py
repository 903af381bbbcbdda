"""Public pages: the index of networks and each network's home."""

from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from maillage.directory.branding import HEX_COLOUR, LOGO_FORMATS, logo_format
from maillage.directory.models import Network
from maillage.directory.selectors import (
    network_figures,
    network_latest_members,
    network_list,
    network_member_points,
    network_members,
    site_network,
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
        # The only network is the site's identity too: the header need not look it up again.
        return _network_page(request, networks[0], brand_network=networks[0])
    language = get_language()
    networks = list(network_list())
    for network in networks:
        network.description_shown = network.localised_description(language)
    return render(request, "home/network_list.html", {"networks": networks, "search_form": SearchEntryForm()})


def network_detail(request, slug):
    return _network_page(request, get_object_or_404(Network, slug=slug))


def _network_page(request, network, **extra):
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
        **extra,
    }
    return render(request, "home/network_detail.html", context)


@require_GET
def theme(request):
    """The site network's accent colour as CSS custom properties (a file, since the Content-
    Security-Policy refuses inline styles); empty when it keeps Maillage's colour."""
    network = site_network()
    colour = network.accent_colour if network else ""
    css = f":root {{ --accent: {colour}; }}\n" if HEX_COLOUR.match(colour or "") else ""
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The link carries the colour as a version (?v=): a change is a new URL.
    patch_cache_control(response, public=True, max_age=86400)
    return response


@require_GET
def network_logo(request, slug):
    """A network's logo, public like its name; served with its checked format's type only."""
    network = get_object_or_404(Network, slug=slug)
    if not network.logo:
        raise Http404
    try:
        handle = network.logo.open("rb")
        image_format = logo_format(handle)
    except (OSError, ValidationError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=LOGO_FORMATS[image_format])
    patch_cache_control(response, public=True, max_age=86400)
    return response
