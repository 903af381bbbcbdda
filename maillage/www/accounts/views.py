"""Login, logout and invitation acceptance; password reset uses Django's views with our templates."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.accounts.errors import AccountError
from maillage.accounts.forms import InvitationAcceptForm, LoginForm
from maillage.accounts.models import User
from maillage.accounts.services import InvitationError, invitation_from_token
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
