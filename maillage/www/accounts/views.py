"""Login, logout, sign-up and its confirmation, invitation acceptance; password reset uses Django's
views with our templates."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts import throttling
from maillage.accounts.errors import AccountError
from maillage.accounts.forms import InvitationAcceptForm, LoginForm, SignupForm
from maillage.accounts.models import User
from maillage.accounts.services import (
    SIGNUP_VALIDITY,
    InvitationError,
    invitation_from_token,
    signup_confirm,
    signup_request,
    signup_user_from_token,
)
from maillage.accounts.services import invitation_accept as accept
from maillage.www.accounts.language import set_language_cookie
from maillage.www.forms import attach_error


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        # The interface follows the language chosen in « Mon compte » from the first page on.
        response = super().form_valid(form)
        if form.get_user().language:
            set_language_cookie(response, form.get_user().language)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule): a link or an image cannot log anyone out."""


def invitation_accept(request, token):
    try:
        invitation = invitation_from_token(token)
    except InvitationError as error:
        return _unusable(request, error.reason)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    form = None
    if request.method == "POST":
        form = None if existing else InvitationAcceptForm(request.POST, email=invitation.email)
        if existing or form.is_valid():
            try:
                user = accept(
                    invitation=invitation,
                    password=None if existing else form.cleaned_data["password1"],
                    first_name="" if existing else form.cleaned_data["first_name"],
                    last_name="" if existing else form.cleaned_data["last_name"],
                )
            except InvitationError as error:
                return render(
                    request, "accounts/invitation_unusable.html", {"reason": error.reason}, status=410
                )
            except AccountError as error:
                attach_error(form, error, aliases={"password": "password1"})
            else:
                if existing:
                    messages.success(request, _("Invitation acceptée : connectez-vous pour continuer."))
                    return redirect(reverse("accounts:login"))
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Bienvenue ! Votre compte est créé."))
                return redirect(_landing(invitation))
    elif not existing:
        form = InvitationAcceptForm(email=invitation.email)
    context = {"invitation": invitation, "form": form, "existing": existing is not None}
    return render(request, "accounts/invitation_accept.html", context)


def _unusable(request, reason):
    # 410 Gone: the link existed but will never work again (expired, used or altered).
    return render(request, "accounts/invitation_unusable.html", {"reason": reason}, status=410)


def _landing(invitation) -> str:
    """Where a new account starts: the profile it may now edit, or the network's back-office."""
    if invitation.establishment_id:
        return reverse("profile_edit:edit", args=[invitation.establishment.siret])
    return reverse("backoffice:members", args=[invitation.network.slug])


def signup(request):
    """« Créer un compte »: the same answer whether the address has an account or not (the
    e-mail tells its owner), a honeypot, and a limit per client address."""
    if request.user.is_authenticated:
        return redirect("profile_edit:mine")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_spam:
            return redirect("accounts:signup_sent")
        ip = throttling.client_ip(request)
        wait = throttling.signup_retry_after(ip)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            form.add_error(
                None,
                ngettext(
                    "Trop de demandes de compte depuis votre connexion. Réessayez dans %(minutes)d minute.",
                    "Trop de demandes de compte depuis votre connexion. Réessayez dans %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        elif form.is_valid():
            data = form.cleaned_data
            if throttling.signup_address_allowed(data["email"]):
                throttling.signup_record(data["email"], ip)
                try:
                    signup_request(
                        email=data["email"],
                        password=data["password1"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                    )
                except AccountError as error:
                    attach_error(form, error, aliases={"password": "password1"})
            if not form.errors:
                return redirect("accounts:signup_sent")
    status = 400 if form.errors else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def signup_sent(request):
    return render(request, "accounts/signup_sent.html", {"days": SIGNUP_VALIDITY.days})


def signup_confirmation(request, token):
    """The link of the confirmation e-mail: a button (a mail scanner opening the link does not
    confirm), then the account is active, signed in, and asked to claim its company."""
    try:
        user = signup_confirm(token=token) if request.method == "POST" else signup_user_from_token(token)
    except InvitationError as error:
        # 410 Gone: the link existed but will never work again (expired, used or altered).
        return render(request, "accounts/signup_unusable.html", {"reason": error.reason}, status=410)
    if request.method != "POST":
        return render(request, "accounts/signup_confirm.html", {"pending": user})
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, _("Adresse confirmée : votre compte est actif. Indiquez maintenant votre entreprise.")
    )
    return redirect("claims:create")
