"""French e-mails about needs: each a subject, a plain-text and an HTML template under needs/emails/."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from maillage.emails import absolute_url, templated_email
from maillage.needs.models import DeliveryKind, Need, NeedRecipient

TEMPLATES = {
    DeliveryKind.INVITATION: "invitation",
    DeliveryKind.REMINDER: "reminder",
    DeliveryKind.OUTCOME_REQUEST: "outcome_request",
    DeliveryKind.ANSWER: "answer",
}


def need_email_message(*, to: str, kind: DeliveryKind, context: dict) -> EmailMultiAlternatives:
    return templated_email(to=[to], template=f"needs/emails/{TEMPLATES[kind]}", context=context)


def need_context(need: Need, recipient: NeedRecipient | None = None) -> dict:
    need_url = absolute_url(f"/besoins/{need.pk}/")
    return {
        "need": need,
        "recipient": recipient,
        "capabilities": list(need.capabilities.select_related("node")),
        "need_url": need_url,
        "outcome_url": f"{need_url}bilan/",
    }
