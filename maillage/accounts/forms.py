from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
    UserChangeForm,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maillage.accounts import throttling
from maillage.accounts.models import User
from maillage.emails import absolute_url, templated_email


class EmailUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]


class ThrottledLoginMixin:
    """Refuse to even check the password once too many attempts failed recently."""

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        ip = throttling.client_ip(self.request)
        wait = throttling.retry_after(email, ip)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            raise forms.ValidationError(
                ngettext(
                    "Trop de tentatives de connexion ont échoué. Réessayez dans %(minutes)d minute.",
                    "Trop de tentatives de connexion ont échoué. Réessayez dans %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttling.register_failure(email, ip)
            raise
        throttling.reset(email, ip)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect."),
        "unconfirmed": _(
            "Votre adresse n’est pas encore confirmée : nous venons de vous renvoyer le lien de "
            "confirmation. Ouvrez-le, puis connectez-vous."
        ),
    }

    def get_invalid_login_error(self):
        # Django refuses an inactive account like a wrong password; one awaiting its e-mail
        # confirmation, with the right password, is told why and gets its link again.
        from maillage.accounts.services import signup_link_resend

        email, password = self.cleaned_data.get("username") or "", self.cleaned_data.get("password") or ""
        if email and password and signup_link_resend(email=email, password=password):
            return forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")
        return super().get_invalid_login_error()


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The Django admin's login form, throttled like ours so it is no back door."""


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe diffèrent."))
        elif p1:
            probe = User(email=self.email, first_name=cleaned.get("first_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignupForm(forms.Form):
    """« Créer un compte »: the account stays inactive until its e-mail address is confirmed.

    ``website`` is a honeypot (hidden from people, filled in by naive bots); the view answers
    a filled one as if the request had been accepted, and does nothing."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        help_text=_("Celle de votre entreprise : vous y recevrez le lien qui active le compte."),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Mot de passe, encore"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe diffèrent."))
        elif p1:
            probe = User(email=cleaned.get("email", ""), first_name=cleaned.get("first_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ThrottledPasswordResetForm(PasswordResetForm):
    """Sends at most ``throttling.RESET_REQUESTS`` e-mails per address (and per client) an hour.

    A refused request looks exactly like an accepted one: the page must not tell whether an
    account exists, nor that a limit was reached.
    """

    # Django's label reads « Courriel »: the site says « Adresse e-mail » on every form.
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, *args, request=None, **kwargs):
        email = self.cleaned_data["email"]
        ip = throttling.client_ip(request)
        if throttling.retry_after(email, ip, scope="reset"):
            return
        throttling.register_failure(email, ip, scope="reset")
        super().save(*args, request=request, **kwargs)


class SitePasswordResetForm(ThrottledPasswordResetForm):
    """Its e-mail is a templated e-mail like every other (``maillage.emails``): plain text
    unescaped, the link on ``MAILLAGE_SITE_URL`` rather than on the request's Host header."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        path = reverse(
            "accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        templated_email(
            to=[to_email],
            template="accounts/emails/password_reset",
            context={**context, "reset_url": absolute_url(path)},
            language=context["user"].language,
        ).send()
