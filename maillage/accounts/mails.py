"""The e-mails of sign-up and join requests, built from an object's id by the task queue and
sent once each (``outbox.deliver_once``). Each builder returns ``None`` when there is nothing
to send any more (the object is gone, nobody to tell)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from maillage.accounts.models import JoinRequest, User
from maillage.accounts.outbox import deliver_once
from maillage.accounts.services import SIGNUP_VALIDITY, awaiting_confirmation, signup_token
from maillage.emails import absolute_url, templated_email


def _signup_confirm(pk: int) -> EmailMultiAlternatives | None:
    user = User.objects.filter(pk=pk).first()
    if user is None or not awaiting_confirmation(user):
        return None
    url = absolute_url(reverse("accounts:signup_confirm", args=[signup_token(user)]))
    context = {"user": user, "confirm_url": url, "days": SIGNUP_VALIDITY.days}
    return templated_email(to=[user.email], template="accounts/emails/signup_confirm", context=context)


def _signup_existing(pk: int) -> EmailMultiAlternatives | None:
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        return None
    context = {
        "user": user,
        "login_url": absolute_url(reverse("accounts:login")),
        "reset_url": absolute_url(reverse("accounts:password_reset")),
    }
    return templated_email(to=[user.email], template="accounts/emails/signup_existing", context=context)


def _join(pk: int) -> JoinRequest | None:
    return JoinRequest.objects.select_related("network", "establishment__commune").filter(pk=pk).first()


def _join_received(pk: int) -> EmailMultiAlternatives | None:
    join_request = _join(pk)
    if join_request is None:
        return None
    network = join_request.network
    recipients = sorted(
        {e for e in network.animators.filter(is_active=True).values_list("email", flat=True) if e}
    ) or ([network.contact_email] if network.contact_email else [])
    if not recipients:
        return None
    url = absolute_url(reverse("backoffice:join_requests", args=[network.slug]))
    return templated_email(
        to=recipients,
        template="accounts/emails/join_received",
        context={"join_request": join_request, "requests_url": url},
        reply_to=[join_request.email],
    )


def _join_decided(template: str):
    def build(pk: int) -> EmailMultiAlternatives | None:
        join_request = _join(pk)
        if join_request is None:
            return None
        network_url = absolute_url(reverse("home:network_detail", args=[join_request.network.slug]))
        return templated_email(
            to=[join_request.email],
            template=template,
            context={"join_request": join_request, "network_url": network_url},
            reply_to=[join_request.network.contact_email] if join_request.network.contact_email else None,
        )

    return build


BUILDERS = {
    "signup_confirm": _signup_confirm,
    "signup_existing": _signup_existing,
    "join_received": _join_received,
    "join_accepted": _join_decided("accounts/emails/join_accepted"),
    "join_declined": _join_decided("accounts/emails/join_declined"),
}


def send(kind: str, pk: int, key: str) -> bool:
    """Build the ``kind`` e-mail about ``pk`` and send it once under ``key``; False when it was
    sent before, or when there is nothing to send."""
    message = BUILDERS[kind](pk)
    if message is None:
        return False
    return deliver_once(key=key, send=message.send)
