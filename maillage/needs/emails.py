"""E-mails about needs, in the recipient's language: each a subject, a plain-text and an HTML
template under needs/emails/."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from maillage.emails import absolute_url, templated_email
from maillage.needs.evidence import UNSAID
from maillage.needs.models import DeliveryKind, Need, NeedRecipient

TEMPLATES = {
    DeliveryKind.INVITATION: "invitation",
    DeliveryKind.REMINDER: "reminder",
    DeliveryKind.OUTCOME_REQUEST: "outcome_request",
    DeliveryKind.ANSWER: "answer",
}


def need_email_message(
    *, to: str, kind: DeliveryKind, context: dict, language: str | None = None
) -> EmailMultiAlternatives:
    return templated_email(
        to=[to], template=f"needs/emails/{TEMPLATES[kind]}", context=context, language=language
    )


def need_context(need: Need, recipient: NeedRecipient | None = None) -> dict:
    need_url = absolute_url(f"/besoins/{need.pk}/")
    capabilities = list(need.capabilities.select_related("node"))
    context = {
        "need": need,
        "recipient": recipient,
        "capabilities": capabilities,
        "need_url": need_url,
        # The form on the need's page (its URL takes POST only).
        "outcome_url": f"{need_url}#bilan",
        # These e-mails may be turned off (« Mon compte », préférences): each says where.
        "preferences_url": absolute_url(reverse("accounts:preferences")),
    }
    if recipient is not None and recipient.unconfirmed:
        # « À confirmer »: the capabilities its NAF code alone suggests; it is asked to confirm them.
        inferred = {check["code"] for check in recipient.requirements if check.get("evidence") in UNSAID}
        context["to_confirm"] = [row.node.label for row in capabilities if row.node.code in inferred]
        context["profile_url"] = absolute_url(
            reverse("profile_edit:edit", kwargs={"siret": recipient.establishment.siret})
        )
    return context
