"""Public pages of an establishment (SIRET) and of an organisation (SIREN)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from maillage.accounts.permissions import can_edit_establishment, can_view_members_only
from maillage.directory.models import Organisation
from maillage.profiles.display import (
    establishment_for_page,
    organisation_establishments,
    profile_shown,
    similar_nearby,
)
from maillage.www.establishments import contact
from maillage.www.pagination import paginate

ESTABLISHMENTS_PER_PAGE = 50


def _establishment_or_404(siret: str):
    establishment = establishment_for_page(siret)
    if establishment is None:
        raise Http404(_("Aucun établissement avec ce SIRET."))
    return establishment


def _establishment_page(request, establishment, *, form=None, status=200, contact_error=""):
    members_only = can_view_members_only(request.user, establishment)
    memberships = establishment.memberships.current().select_related("network").order_by("network__name")
    networks = [membership.network for membership in memberships]
    route = contact.contact_route(establishment, member_of=networks) if establishment.is_active else None
    shown = profile_shown(establishment, members_only=members_only)
    context = {
        "establishment": establishment,
        "organisation": establishment.organisation,
        "siret_formatted": stdnum_siret.format(establishment.siret),
        "siren_formatted": stdnum_siren.format(establishment.organisation.siren),
        "shown": shown,
        "members_only": members_only,
        "can_edit": can_edit_establishment(request.user, establishment),
        "networks": networks,
        "neighbours": similar_nearby(establishment, shown=shown),
        "can_contact": route is not None,
        "contact_network": route.network if route else None,
        "contact_form": form or contact.ContactForm(),
        "contact_error": contact_error,
        "tile_url": settings.MAILLAGE_TILE_URL,
        "tile_attribution": settings.MAILLAGE_TILE_ATTRIBUTION,
    }
    return render(request, "establishments/establishment_detail.html", context, status=status)


def establishment_detail(request, siret):
    return _establishment_page(request, _establishment_or_404(siret))


@require_POST
def establishment_contact(request, siret):
    establishment = _establishment_or_404(siret)
    route = contact.contact_route(establishment) if establishment.is_active else None
    if route is None:
        raise Http404(_("Cet établissement ne peut pas être contacté ici."))
    if contact.rate_limited(request):
        return _establishment_page(
            request,
            establishment,
            form=contact.ContactForm(request.POST),
            status=429,
            contact_error=_("Trop de messages envoyés depuis votre connexion. Réessayez dans une heure."),
        )
    contact.count_attempt(request)
    form = contact.ContactForm(request.POST)
    page_url = reverse("establishments:detail", args=[establishment.siret])
    if form.is_spam:
        # Answered as a success so that a bot learns nothing; nothing is sent.
        messages.success(request, _("Votre message a été envoyé."))
        return redirect(page_url + "#contact")
    if not form.is_valid():
        return _establishment_page(request, establishment, form=form)
    contact.send_contact_email(establishment=establishment, data=form.cleaned_data, route=route)
    if route.network:
        messages.success(
            request,
            _(
                "Votre message a été transmis à l’équipe d’animation du réseau %(network)s : elle vous "
                "répondra par e-mail et pourra vous mettre en relation avec l’entreprise."
            )
            % {"network": route.network.name},
        )
    else:
        sent = _("Votre message a été envoyé à l’entreprise. Elle vous répondra par e-mail.")
        messages.success(request, sent)
    return redirect(page_url + "#contact")


def organisation_detail(request, siren):
    organisation = get_object_or_404(
        Organisation.objects.select_related("legal_category", "naf", "headcount_band"), siren=siren
    )
    page = paginate(request, organisation_establishments(organisation), ESTABLISHMENTS_PER_PAGE)
    context = {
        "organisation": organisation,
        "siren_formatted": stdnum_siren.format(organisation.siren),
        "page": page,
    }
    return render(request, "establishments/organisation_detail.html", context)
