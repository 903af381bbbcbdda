"""French e-mails about needs: each an HTML and a plain-text template under needs/emails/."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from maillage.needs.models import DeliveryKind, Need, NeedRecipient

TEMPLATES = {
    DeliveryKind.INVITATION: "invitation",
    DeliveryKind.REMINDER: "reminder",
    DeliveryKind.OUTCOME_REQUEST: "outcome_request",
    DeliveryKind.ANSWER: "answer",
}


def need_email_message(*, to: str, kind: DeliveryKind, context: dict) -> EmailMultiAlternatives:
    """Rendered in French whatever the language of whoever triggered it: the recipient is
    rarely that person."""
    template = TEMPLATES[kind]
    context = {"site_url": settings.MAILLAGE_SITE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"needs/emails/{template}_subject.txt", context)
        text = render_to_string(f"needs/emails/{template}.txt", context)
        html = render_to_string(f"needs/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def need_context(need: Need, recipient: NeedRecipient | None = None) -> dict:
    return {
        "need": need,
        "recipient": recipient,
        "capabilities": list(need.capabilities.select_related("node")),
        "need_path": f"/besoins/{need.pk}/",
    }
