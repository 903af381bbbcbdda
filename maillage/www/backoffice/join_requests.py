"""« Adhérer au réseau » in the back-office: the pending requests, accepted (the company becomes a
member, the person its contact) or declined with a reason e-mailed to the person.

Scoped by the network of the URL (``animated_network``: its animators and platform
administrators, else 403); another network's request is not found (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.errors import AccountError
from maillage.accounts.models import JoinRequest
from maillage.accounts.selectors import network_join_requests
from maillage.accounts.services import join_request_accept, join_request_decline
from maillage.www.backoffice.forms import ClaimRejectForm
from maillage.www.backoffice.views import _context
from maillage.www.guards import animated_network


@login_required
def join_requests(request, slug):
    network = animated_network(request, slug)
    requests = network_join_requests(network)
    context = _context(
        network,
        "join_requests",
        pending=requests.filter(status=JoinRequest.Status.PENDING).order_by("created_at"),
        decided=requests.exclude(status=JoinRequest.Status.PENDING).order_by("-decided_at")[:50],
    )
    return render(request, "backoffice/join_requests.html", context)


def _join_request(request, slug, pk) -> JoinRequest:
    network = animated_network(request, slug)
    return get_object_or_404(
        JoinRequest.objects.select_related("network", "establishment"), pk=pk, network=network
    )


@require_POST
@login_required
def accept(request, slug, pk):
    join_request = _join_request(request, slug, pk)
    try:
        join_request_accept(join_request=join_request, by=request.user)
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s est désormais adhérente ; %(person)s figure parmi ses contacts.")
            % {
                "name": join_request.establishment.display_name,
                "person": f"{join_request.first_name} {join_request.last_name}",
            },
        )
    return redirect("backoffice:join_requests", slug=slug)


@require_POST
@login_required
def decline(request, slug, pk):
    join_request = _join_request(request, slug, pk)
    form = ClaimRejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        join_request_decline(join_request=join_request, by=request.user, note=note)
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Demande de %(name)s refusée ; le motif est envoyé à %(email)s.")
            % {"name": join_request.establishment.display_name, "email": join_request.email},
        )
    return redirect("backoffice:join_requests", slug=slug)
