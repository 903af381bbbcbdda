"""The network's plain e-mails to its companies' contacts: compose from the member list's
selection (its query string), preview, send through the task queue; the history of messages
with each recipient's state.

Scoped by the network of the URL (``animated_network``); a message of another network is not
found (404). Only animators see contacts: members and visitors never reach these pages.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from maillage.mailings.errors import MailingError
from maillage.mailings.models import Mailing
from maillage.mailings.selectors import (
    audience_size,
    mailing_audience,
    mailing_recipients,
    network_mailings,
    unique_by_address,
)
from maillage.mailings.services import mailing_create, mailing_validate
from maillage.www.backoffice.forms import MemberFilterForm
from maillage.www.backoffice.mailing_forms import AudienceForm, MailingForm
from maillage.www.backoffice.views import _context
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network
from maillage.www.pagination import paginate

SAMPLE = 10
PER_PAGE = 50


@login_required
def compose(request, slug):
    network = animated_network(request, slug)
    # The member list's selection rides in the query string, on GET and on POST alike.
    filters = MemberFilterForm(request.GET).filters()
    audience_form = AudienceForm(request.GET)
    role = audience_form.role()
    form = MailingForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "send":
                mailing = mailing_create(
                    network=network,
                    by=request.user,
                    subject=data["subject"],
                    body=data["body"],
                    filters=filters,
                    role=role,
                )
                messages.success(request, _("Message enregistré : il part par la file d’envoi."))
                return redirect("backoffice:mailing", slug=network.slug, pk=mailing.pk)
            subject, body = mailing_validate(subject=data["subject"], body=data["body"])
            preview = {"subject": subject, "body": body}
        except MailingError as error:
            attach_error(form, error)
    # Counted in the database; the sample reads a few rows only (lists run to thousands).
    audience = mailing_audience(network, filters=filters, role=role)
    kept = [(key, values) for key, values in request.GET.lists() if key not in ("fonction", "page")]
    context = _context(
        network,
        "mailings",
        form=form,
        audience_form=audience_form,
        count=audience_size(audience),
        sample=unique_by_address(audience[: SAMPLE * 3])[:SAMPLE],
        preview=preview,
        kept_params=kept,
        list_query=urlencode(kept, doseq=True),
    )
    status = 400 if request.method == "POST" and (form.errors or form.non_field_errors()) else 200
    return render(request, "backoffice/mailing_compose.html", context, status=status)


@login_required
def mailing_list(request, slug):
    network = animated_network(request, slug)
    page = paginate(request, network_mailings(network), PER_PAGE)
    return render(request, "backoffice/mailings.html", _context(network, "mailings", page=page))


@login_required
def mailing(request, slug, pk):
    network = animated_network(request, slug)
    mailing = get_object_or_404(Mailing, pk=pk, network=network)
    page = paginate(request, mailing_recipients(mailing), PER_PAGE)
    counts = network_mailings(network).get(pk=mailing.pk)
    context = _context(network, "mailings", mailing=mailing, page=page, counts=counts)
    return render(request, "backoffice/mailing.html", context)
