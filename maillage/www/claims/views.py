"""« Revendiquer votre entreprise » : a logged-in user asks to act for an establishment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.accounts.errors import AccountError
from maillage.accounts.selectors import user_claims
from maillage.accounts.services import claim_create as create
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
