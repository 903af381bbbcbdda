"""« Mon compte »: a user's own name, password, data (download) and account (deletion)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from maillage.accounts.errors import AccountError
from maillage.accounts.selectors import account_data
from maillage.accounts.services import account_delete, account_update
from maillage.www.forms import attach_error


class IdentityForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150, required=False)


class DeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Votre mot de passe, pour confirmer"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_required
def account(request):
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    form = IdentityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        account_update(user=user, **form.cleaned_data)
        messages.success(request, _("Votre nom est enregistré."))
        return redirect("accounts:account")
    context = {"form": form, "networks": user.animated_networks.order_by("name")}
    return render(request, "accounts/account.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session signed in, ends the others
        messages.success(self.request, _("Mot de passe changé. Vos autres sessions sont fermées."))
        return response


@login_required
@require_GET
def account_export(request):
    """The user's own data as JSON (GDPR, articles 15 and 20): never anyone else's."""
    data = {"exporte_le": timezone.now().isoformat(), **account_data(request.user)}
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-maillage.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete(request):
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = account_delete(user=request.user, password=form.cleaned_data["password"])
        except AccountError as error:
            attach_error(form, error)
        else:
            logout(request)
            messages.success(
                request,
                _("Votre compte est supprimé.")
                if outcome == "deleted"
                else _(
                    "Votre compte est supprimé : vos nom et adresse sont effacés ; les besoins que vous "
                    "avez publiés restent, sans votre nom, dans l’historique du réseau."
                ),
            )
            return redirect("home:home")
    status = 400 if request.method == "POST" else 200
    needs = request.user.needs.count()
    return render(request, "accounts/account_delete.html", {"form": form, "needs": needs}, status=status)
