"""The e-mails of sign-up, join requests, claims and invitations, built from an object's id by
the task queue and sent once each (``outbox.deliver_once``): never from the request, where an
SMTP server slow or down made the page wait, then rolled back what the person had just done.
Each builder returns ``None`` when there is nothing to send any more (the object is gone,
nobody to tell), or a list of (part, message) when one event makes several messages (one per
language of the animators told)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from maillage.accounts.models import Claim, EmailKind, Invitation, JoinRequest, User
from maillage.accounts.outbox import deliver_once
from maillage.accounts.services import SIGNUP_VALIDITY, awaiting_confirmation, invitation_token, signup_token
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


def _claim(pk: int) -> Claim | None:
    return Claim.objects.select_related("user", "establishment", "network").filter(pk=pk).first()


def _claim_received(pk: int) -> list[tuple[str, EmailMultiAlternatives]] | None:
    """To each animator of the claim's network who did not turn these notices off, one message
    per language."""
    claim = _claim(pk)
    if claim is None or claim.status != Claim.Status.PENDING:
        return None
    by_language: dict[str, list[str]] = {}
    for animator in claim.network.animators.filter(is_active=True).order_by("pk"):
        if animator.wants_email(EmailKind.CLAIM_RECEIVED):
            by_language.setdefault(animator.language, []).append(animator.email)
    context = {
        "claim": claim,
        "claims_url": absolute_url(reverse("backoffice:claims", args=[claim.network.slug])),
        "preferences_url": absolute_url(reverse("accounts:preferences")),
    }
    return [
        (language or "fr", templated_email(
            to=recipients, template="accounts/emails/claim_received", context=context, language=language
        ))
        for language, recipients in by_language.items()
    ] or None  # fmt: skip


def _claim_decided(template: str, status: str):
    def build(pk: int) -> EmailMultiAlternatives | None:
        claim = _claim(pk)
        if claim is None or claim.status != status:
            return None
        context = {"claim": claim, "login_url": absolute_url(reverse("accounts:login"))}
        return templated_email(
            to=[claim.user.email], template=template, context=context, language=claim.user.language
        )

    return build


def _invitation(pk: int) -> EmailMultiAlternatives | None:
    invitation = Invitation.objects.select_related("network", "establishment").filter(pk=pk).first()
    if invitation is None or invitation.accepted_at is not None:
        return None
    accept_url = absolute_url(reverse("accounts:invitation_accept", args=[invitation_token(invitation)]))
    return templated_email(
        to=[invitation.email],
        template="accounts/emails/invitation",
        context={"invitation": invitation, "accept_url": accept_url},
    )


BUILDERS = {
    "claim_received": _claim_received,
    "claim_approved": _claim_decided("accounts/emails/claim_approved", Claim.Status.APPROVED),
    "claim_rejected": _claim_decided("accounts/emails/claim_rejected", Claim.Status.REJECTED),
    "invitation": _invitation,
    "signup_confirm": _signup_confirm,
    "signup_existing": _signup_existing,
    "join_received": _join_received,
    "join_accepted": _join_decided("accounts/emails/join_accepted"),
    "join_declined": _join_decided("accounts/emails/join_declined"),
}


def send(kind: str, pk: int, key: str) -> bool:
    """Build the ``kind`` e-mail about ``pk`` and send it once under ``key``; False when it was
    sent before, or when there is nothing to send."""
    built = BUILDERS[kind](pk)
    if built is None:
        return False
    if not isinstance(built, list):
        return deliver_once(key=key, send=built.send)
    sent = [deliver_once(key=f"{key}:{part}", send=message.send) for part, message in built]
    return any(sent)
