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
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.accounts import throttling
from maillage.accounts.services import claim_network_for
from maillage.directory.models import Network
from maillage.emails import absolute_url, templated_email

TOKEN_SALT = "maillage.www.establishments.contact"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
RATE_LIMIT_PER_IP = 5
RATE_LIMIT_PER_SESSION = 3


def issue_token(now: float | None = None) -> str:
    return signing.dumps(int(now if now is not None else time.time()), salt=TOKEN_SALT)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Votre nom"), max_length=120)
    company = forms.CharField(label=_("Votre entreprise ou organisme"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Pour qu’on vous réponde ; seuls les destinataires du message la verront."),
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
    return throttling.wait(_counters(request), settings.MAILLAGE_CONTACT_RATE_WINDOW) > 0


def count_attempt(request) -> None:
    throttling.record(_counters(request), settings.MAILLAGE_CONTACT_RATE_WINDOW)


def contact_recipients(establishment) -> list[str]:
    emails = establishment.user_links.filter(user__is_active=True).values_list("user__email", flat=True)
    return sorted({email for email in emails if email})


@dataclass(frozen=True)
class ContactRoute:
    """Where a visitor's message goes: the company's own users, or — when the company has no
    account yet — its network's team (``network`` set), who can put the visitor in touch."""

    recipients: list[str]
    network: Network | None = None


def contact_route(establishment, *, member_of: list | None = None) -> ContactRoute | None:
    """The company's users; else the team of the network it belongs to (or whose territory it
    lies in: ``claim_network_for``), at the network's contact address, else its animators';
    ``None`` when nobody can pass the message on. ``member_of``: the networks it is a current
    member of, when the caller has them already (sorted by name, as ``claim_network_for``)."""
    recipients = contact_recipients(establishment)
    if recipients:
        return ContactRoute(recipients)
    network = member_of[0] if member_of else claim_network_for(establishment)
    if network is None:
        return None
    team = (
        [network.contact_email]
        if network.contact_email
        else sorted(
            {
                email
                for email in network.animators.filter(is_active=True).values_list("email", flat=True)
                if email
            }
        )
    )
    return ContactRoute(team, network) if team else None


def send_contact_email(*, establishment, data: dict, route: ContactRoute) -> None:
    # The companies read French (templated_email renders in French whatever the visitor's language).
    page_url = absolute_url(reverse("establishments:detail", args=[establishment.siret]))
    context = {"establishment": establishment, "data": data, "page_url": page_url, "network": route.network}
    templated_email(
        to=route.recipients,
        template="establishments/email/contact_network" if route.network else "establishments/email/contact",
        context=context,
        reply_to=[data["email"]],
    ).send()
