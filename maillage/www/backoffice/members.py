"""The network's CRM in the back-office: add a company, its membership (status, dates, category,
dues) with the history of each change, its contacts, and the members list's export.

Every view is scoped by the network of its URL (``animated_network``: its animators and platform
administrators, else 403); a company or contact of another network is not found (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.directory.errors import DirectoryError
from maillage.directory.models import Contact, Membership
from maillage.directory.selectors import (
    establishments_named,
    membership_dues,
    membership_history,
    network_contacts,
)
from maillage.directory.services import (
    contact_delete,
    contact_save,
    membership_create,
    membership_update,
)
from maillage.www.backoffice.dues_forms import DuesCorrectionForm, DuesPaymentForm
from maillage.www.backoffice.forms import ContactForm, MemberAddForm, MembershipForm
from maillage.www.backoffice.views import _context
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network


def _membership(network, siret) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("establishment__commune"),
        network=network,
        establishment__siret=siret,
    )


@login_required
def member_add(request, slug):
    network = animated_network(request, slug)
    form = MemberAddForm(request.POST or None)
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A namesake picked among the choices comes back as its SIRET.
        found = establishments_named(data["siret"] or data["company"], partial=True)
        if len(found) == 1:
            try:
                membership_create(
                    network=network,
                    establishment=found[0],
                    actor=request.user,
                    status=data["status"],
                    category=data["category"],
                )
            except DirectoryError as error:
                attach_error(form, error, aliases={"establishment": "company"})
            else:
                messages.success(
                    request,
                    _("%(name)s ajoutée aux entreprises du réseau.") % {"name": found[0].display_name},
                )
                return redirect("backoffice:member", slug=network.slug, siret=found[0].siret)
        elif not found:
            form.add_error("company", _("Aucun établissement en activité de ce nom ou de ce SIRET."))
        else:
            candidates = found
    status = 400 if request.method == "POST" else 200
    context = _context(network, "members", form=form, candidates=candidates)
    return render(request, "backoffice/member_add.html", context, status=status)


@login_required
def member(request, slug, siret):
    network = animated_network(request, slug)
    membership = _membership(network, siret)
    initial = {name: getattr(membership, name) for name in ("status", "joined_on", "left_on", "category")}
    form = MembershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changes = membership_update(membership=membership, actor=request.user, **form.cleaned_data)
        except DirectoryError as error:
            attach_error(form, error)
        else:
            if changes:
                messages.success(request, _("Adhésion mise à jour."))
            return redirect("backoffice:member", slug=network.slug, siret=siret)
    context = _context(
        network,
        "members",
        membership=membership,
        establishment=membership.establishment,
        form=form,
        contacts=network_contacts(network, establishment=membership.establishment),
        history=membership_history(membership)[:30],
        contact_form=ContactForm(),
        dues=membership_dues(membership),
        payment_form=DuesPaymentForm(),
        correction_form=DuesCorrectionForm(),
    )
    return render(request, "backoffice/member.html", context, status=400 if form.errors else 200)


def _contact(network, siret, pk) -> Contact:
    contact = get_object_or_404(Contact, pk=pk, network=network)
    if contact.establishment.siret != siret:
        raise Http404
    return contact


@login_required
def contact_edit(request, slug, siret, pk=None):
    network = animated_network(request, slug)
    membership = _membership(network, siret)
    contact = _contact(network, siret, pk) if pk else None
    initial = {name: getattr(contact, name) for name in ContactForm.base_fields} if contact else {}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact_save(
                network=network,
                establishment=membership.establishment,
                actor=request.user,
                contact=contact,
                **form.cleaned_data,
            )
        except DirectoryError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Contact enregistré."))
            return redirect("backoffice:member", slug=network.slug, siret=siret)
    context = _context(network, "members", membership=membership, contact=contact, form=form)
    return render(request, "backoffice/contact_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def contact_remove(request, slug, siret, pk):
    network = animated_network(request, slug)
    contact = _contact(network, siret, pk)
    contact_delete(contact=contact, actor=request.user)
    messages.success(request, _("Contact supprimé."))
    return redirect("backoffice:member", slug=network.slug, siret=siret)
