"""« Revendiquer votre entreprise » : a logged-in user asks to act for an establishment, found by
its name or SIRET with the company picker, whose suggestions are served here too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.accounts.errors import AccountError
from maillage.accounts.selectors import user_claims
from maillage.accounts.services import claim_create as create
from maillage.directory.selectors import establishment_suggestions
from maillage.www.claims.forms import ClaimForm
from maillage.www.forms import attach_error


@login_required
def claim_create(request):
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = create(
                user=request.user,
                siret=form.cleaned_data["siret"],
                message=form.cleaned_data["message"],
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            messages.success(
                request,
                _("Demande envoyée à l’animation du réseau %(network)s pour %(establishment)s.")
                % {"network": claim.network.name, "establishment": claim.establishment.display_name},
            )
            return redirect("claims:create")
    return render(request, "claims/claim_create.html", {"form": form, "claims": user_claims(request.user)})


MAX_TYPED = 100


@require_GET
def company_options(request):
    """htmx: the ``<option>`` elements of the company picker's datalist for the text typed (the
    picker's field, whatever its name, or ``q``): active establishments' public names only."""
    text = next((v for v in request.GET.values() if v.strip()), "")[:MAX_TYPED]
    options = establishment_suggestions(text)
    response = render(request, "claims/includes/company_options.html", {"establishments": options})
    response["Cache-Control"] = "max-age=60"
    return response
