"""Network settings and territory, edited by its animators (``network_update``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.directory.errors import DirectoryError
from maillage.directory.services import network_branding_update, network_update
from maillage.needs.selectors import need_settings
from maillage.needs.services import network_need_settings_update
from maillage.www.backoffice.forms import NetworkBrandingForm, NetworkSettingsForm
from maillage.www.backoffice.views import _context
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network

PREVIEW = 30


def territory_summary(network) -> dict:
    communes = network.territory_communes()
    totals = communes.aggregate(population=Sum("population"))
    return {
        "count": communes.count(),
        "population": totals["population"] or 0,
        "preview": list(communes.select_related("department").order_by("name", "insee_code")[:PREVIEW]),
    }


@login_required
def settings(request, slug):
    network = animated_network(request, slug)
    form = NetworkSettingsForm(request.POST or None, initial=NetworkSettingsForm.initial_for(network))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            network_update(
                network=network,
                actor=request.user,
                name=data["name"],
                description=data["description"],
                description_en=data["description_en"],
                contact_email=data["contact_email"],
                epcis=data["epcis_objects"],
                departments=data["departments_objects"],
                communes=data["communes_objects"],
            )
        except DirectoryError as error:
            attach_error(form, error)
        else:
            if data["send_unconfirmed_matches"] != need_settings(network).send_unconfirmed_matches:
                network_need_settings_update(
                    network=network,
                    actor=request.user,
                    send_unconfirmed_matches=data["send_unconfirmed_matches"],
                )
            summary = territory_summary(network)
            messages.success(
                request,
                _("Réglages enregistrés. Le territoire compte %(count)d communes.")
                % {"count": summary["count"]},
            )
            return redirect("backoffice:settings", slug=network.slug)
    return _settings_page(request, network, form=form)


def _settings_page(request, network, *, form=None, branding_form=None, status=200):
    context = _context(
        network,
        "settings",
        form=form or NetworkSettingsForm(initial=NetworkSettingsForm.initial_for(network)),
        branding_form=branding_form or NetworkBrandingForm(initial={"accent_colour": network.accent_colour}),
        territory=territory_summary(network),
        preview_size=PREVIEW,
    )
    return render(request, "backoffice/settings.html", context, status=status)


@login_required
@require_POST
def branding(request, slug):
    """The network's colour and logo: a form of its own, since it uploads a file."""
    network = animated_network(request, slug)
    form = NetworkBrandingForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            network_branding_update(
                network=network,
                actor=request.user,
                accent_colour=data["accent_colour"],
                logo=data["logo"] or None,
                remove_logo=data["remove_logo"],
            )
        except DirectoryError as error:
            network.refresh_from_db()
            attach_error(form, error)
        else:
            messages.success(request, _("Identité visuelle enregistrée."))
            return redirect("backoffice:settings", slug=network.slug)
    return _settings_page(request, network, branding_form=form, status=400)
