"""« Mon compte », continued: preferences (language, e-mails turned off) and the change of
e-mail address confirmed from the new address."""

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.account_services import (
    EmailChangeError,
    account_preferences_update,
    email_change_confirm,
    email_change_request,
    email_change_target,
)
from maillage.accounts.errors import AccountError
from maillage.accounts.models import EmailKind
from maillage.www.accounts.language import set_language_cookie
from maillage.www.forms import attach_error


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Langue du site et des e-mails"),
        choices=django_settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
    wanted = forms.MultipleChoiceField(
        label=gettext_lazy("E-mails que vous recevez"),
        choices=EmailKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Décochez ceux que vous ne voulez plus recevoir ; les notifications restent visibles sur le site."
        ),
    )


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=gettext_lazy("Nouvelle adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Votre mot de passe, pour confirmer"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_required
def preferences(request):
    user = request.user
    initial = {
        "language": user.language or translation.get_language(),
        "wanted": [k for k in EmailKind.values if user.wants_email(k)],
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["wanted"])
        try:
            account_preferences_update(
                user=user,
                language=form.cleaned_data["language"],
                muted=[kind for kind in EmailKind.values if kind not in wanted],
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            with translation.override(user.language):
                messages.success(request, _("Vos préférences sont enregistrées."))
            response = redirect("accounts:preferences")
            set_language_cookie(response, user.language)
            return response
    status = 400 if form.errors else 200
    context = {"form": form, "essential": ESSENTIAL}
    return render(request, "accounts/preferences.html", context, status=status)


# What is always sent (the page says so): listed here, as EmailKind lists what may be turned off.
ESSENTIAL = [
    gettext_lazy("la réinitialisation de votre mot de passe et le changement de votre adresse"),
    gettext_lazy("les invitations et la décision sur vos demandes de rattachement"),
    gettext_lazy("les messages que des visiteurs adressent à votre entreprise"),
]


@login_required
def email_change(request):
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            email = email_change_request(
                user=request.user,
                new_email=form.cleaned_data["new_email"],
                password=form.cleaned_data["password"],
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            messages.success(
                request,
                _("Un lien de confirmation est parti à %(email)s : l’adresse change quand vous le suivez.")
                % {"email": email.to},
            )
            return redirect("accounts:account")
    status = 400 if form.errors else 200
    return render(request, "accounts/email_change.html", {"form": form}, status=status)


def email_change_confirm_view(request, token):
    """GET shows what will change (a link opened by a mail scanner changes nothing); POST acts.
    No login needed: the signed link, sent to the new address, is the proof."""
    try:
        user, new_email = email_change_target(token)
    except EmailChangeError as error:
        return render(request, "accounts/email_change_unusable.html", {"reason": error.reason}, status=410)
    if request.method == "POST":
        try:
            email_change_confirm(token=token)
        except EmailChangeError as error:
            return render(
                request, "accounts/email_change_unusable.html", {"reason": error.reason}, status=410
            )
        except AccountError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("C’est fait : votre compte utilise désormais %(email)s.") % {"email": new_email}
            )
            return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/email_change_confirm.html", {"new_email": new_email, "account": user})
