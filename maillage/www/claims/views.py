"""« Revendiquer votre entreprise » : a logged-in user asks to act for an establishment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.accounts.selectors import user_claims
from maillage.accounts.services import claim_create as create
from maillage.www.claims.forms import ClaimForm


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
        except ValidationError as error:
            # Every claim error is about the SIRET: show it under that field.
            for message in error.messages:
                form.add_error("siret", message)
        else:
            messages.success(
                request,
                _("Demande envoyée à l'animation du réseau %(network)s pour %(establishment)s.")
                % {"network": claim.network.name, "establishment": claim.establishment.display_name},
            )
            return redirect("claims:create")
    return render(request, "claims/claim_create.html", {"form": form, "claims": user_claims(request.user)})
