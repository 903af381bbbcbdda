"""The contact form of an establishment page: anti-spam, rate limit, and the email itself.

Visitors never see the addresses: the message goes to the establishment's users by email,
with the visitor's address as Reply-To. Bots are kept out by a honeypot field, a signed
"form shown at" time (a human takes a few seconds to write), and a per-IP and per-session
rate limit kept in the shared cache by the login throttle's counters
(``maillage.accounts.throttling``: one ``cache.add`` slot per message, so simultaneous
submissions are all counted, on the database cache as on Redis).
"""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.accounts import throttling
from maillage.emails import absolute_url, templated_email

TOKEN_SALT = "maillage.www.establishments.contact"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
RATE_WINDOW_SECONDS = 3600
RATE_LIMIT_PER_IP = 5
RATE_LIMIT_PER_SESSION = 3


def issue_token(now: float | None = None) -> str:
    return signing.dumps(int(now if now is not None else time.time()), salt=TOKEN_SALT)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Votre nom"), max_length=120)
    company = forms.CharField(label=_("Votre entreprise ou organisme"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Votre adresse e-mail"), help_text=_("Pour que l’entreprise vous réponde.")
    )
    message = forms.CharField(
        label=_("Votre message"), max_length=5000, min_length=20, widget=forms.Textarea(attrs={"rows": 6})
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = issue_token()
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["company"].widget.attrs["autocomplete"] = "organization"

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_started(self):
        try:
            started = signing.loads(
                self.cleaned_data["started"], salt=TOKEN_SALT, max_age=MAX_FORM_AGE_SECONDS
            )
        except signing.BadSignature as error:
            raise forms.ValidationError(
                _("Le formulaire a expiré ; rechargez la page et réessayez."), code="expired"
            ) from error
        if time.time() - started < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("Message envoyé trop vite ; relisez-le et renvoyez-le."), code="too_fast"
            )
        return started


def client_ip(request) -> str:
    # Behind a proxy, SecurityMiddleware settings do not rewrite REMOTE_ADDR: the deployment
    # must (e.g. a trusted proxy setting) for the per-IP limit to be per visitor.
    return request.META.get("REMOTE_ADDR", "")


def _counters(request) -> list[tuple[str, int]]:
    if not request.session.session_key:
        request.session.save()
    return [
        (throttling.counter("contact", "ip", client_ip(request)), RATE_LIMIT_PER_IP),
        (throttling.counter("contact", "session", request.session.session_key), RATE_LIMIT_PER_SESSION),
    ]


def rate_limited(request) -> bool:
    return throttling.wait(_counters(request), RATE_WINDOW_SECONDS) > 0


def count_attempt(request) -> None:
    throttling.record(_counters(request), RATE_WINDOW_SECONDS)


def contact_recipients(establishment) -> list[str]:
    emails = establishment.user_links.filter(user__is_active=True).values_list("user__email", flat=True)
    return sorted({email for email in emails if email})


def send_contact_email(*, establishment, data: dict, recipients: list[str]) -> None:
    # The companies read French (templated_email renders in French whatever the visitor's language).
    page_url = absolute_url(reverse("establishments:detail", args=[establishment.siret]))
    templated_email(
        to=recipients,
        template="establishments/email/contact",
        context={"establishment": establishment, "data": data, "page_url": page_url},
        reply_to=[data["email"]],
    ).send()
