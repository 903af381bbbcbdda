"""Guards shared by the www areas: they turn a refused permission into a 403."""

from django.shortcuts import get_object_or_404

from maillage.accounts.permissions import can_animate_network, require
from maillage.directory.models import Network


def animated_network(request, slug: str) -> Network:
    """The network of the URL, for its animators and platform administrators only (else 403)."""
    network = get_object_or_404(Network, slug=slug)
    require(can_animate_network(request.user, network))
    return network
