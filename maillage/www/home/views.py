"""Public pages: the index of networks and each network's home."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from maillage.directory.models import Network
from maillage.directory.selectors import network_figures, network_list, network_members

MEMBERS_PER_PAGE = 25


def home(request):
    """With a single network, its home page; otherwise the list of networks."""
    networks = list(network_list()[:2])
    if len(networks) == 1:
        return _network_page(request, networks[0])
    return render(request, "home/network_list.html", {"networks": network_list()})


def network_detail(request, slug):
    return _network_page(request, get_object_or_404(Network, slug=slug))


def _network_page(request, network):
    page = Paginator(network_members(network), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"network": network, "figures": network_figures(network), "page": page}
    return render(request, "home/network_detail.html", context)
