"""Writes for the network's e-mails to contacts: write a message with its recipients, send it
(from the task queue, each recipient at most once), unsubscribe an address."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from maillage import delivery
from maillage.directory.models import Network
from maillage.emails import templated_email
from maillage.mailings.errors import MailingError
from maillage.mailings.models import Mailing, MailingRecipient, RecipientState, Unsubscription
from maillage.mailings.selectors import mailing_audience, unique_by_address
from maillage.mailings.tokens import unsubscribe_target, unsubscribe_url

logger = logging.getLogger(__name__)

SUBJECT_MAX = 200
BODY_MAX = 20_000


def mailing_validate(*, subject: str, body: str) -> tuple[str, str]:
    subject, body = " ".join(subject.split()), body.strip()
    if not subject:
        raise MailingError("subject", _("Indiquez l’objet du message."))
    if len(subject) > SUBJECT_MAX:
        raise MailingError("subject", _("L’objet tient en 200 caractères au plus."))
    if not body:
        raise MailingError("body", _("Écrivez le message."))
    if len(body) > BODY_MAX:
        raise MailingError("body", _("Le message tient en 20 000 caractères au plus."))
    return subject, body


@transaction.atomic
def mailing_create(
    *, network: Network, by, subject: str, body: str, filters: dict, role: str = ""
) -> Mailing:
    """Write the message and its recipients (the audience of ``filters`` and ``role`` now), then
    queue its sending once the transaction is committed."""
    from maillage.mailings import tasks

    subject, body = mailing_validate(subject=subject, body=body)
    contacts = unique_by_address(mailing_audience(network, filters=filters, role=role))
    if not contacts:
        raise MailingError("", _("Aucun contact ne recevrait ce message : élargissez la sélection."))
    mailing = Mailing.objects.create(
        network=network, subject=subject, body=body, role=role, filters=filters, created_by=by
    )
    MailingRecipient.objects.bulk_create(
        MailingRecipient(mailing=mailing, contact=contact, email=contact.email) for contact in contacts
    )
    transaction.on_commit(lambda: tasks.mailing_send_task(mailing.pk))
    return mailing


def mailing_message(*, mailing: Mailing, email: str):
    """The e-mail one recipient receives: the text, the unsubscribe link in its footer and in
    the List-Unsubscribe headers (RFC 8058: one click, a POST from the mail client), Reply-To
    the network's contact address."""
    network = mailing.network
    link = unsubscribe_url(network_id=network.pk, email=email)
    message = templated_email(
        to=[email],
        template="mailings/emails/mailing",
        context={"mailing": mailing, "network": network, "unsubscribe_url": link},
        reply_to=[network.contact_email] if network.contact_email else None,
    )
    message.extra_headers["List-Unsubscribe"] = f"<{link}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def mailing_send(*, mailing_id: int) -> int:
    """Send the copies not sent yet; the number sent now. Runs in the task queue: a copy whose
    sending failed is marked FAILED and the others go on; then it raises so that the queue
    retries, and the retry sends the failed copies only (``maillage.delivery``)."""
    mailing = Mailing.objects.select_related("network").get(pk=mailing_id)
    unsubscribed = set(mailing.network.unsubscriptions.values_list("email", flat=True))
    sent, failures = 0, []
    for recipient in mailing.recipients.filter(state__in=delivery.CLAIMABLE).order_by("pk"):
        rows = MailingRecipient.objects.filter(pk=recipient.pk)
        if recipient.email.lower() in unsubscribed:
            rows.filter(state__in=delivery.CLAIMABLE).update(state=RecipientState.SKIPPED)
            continue
        message = mailing_message(mailing=mailing, email=recipient.email)
        try:
            sent += delivery.deliver_once(
                rows=rows, send=message.send, label=f"mailing {mailing.pk} to {recipient.email}"
            )
        except Exception as error:  # recorded on its row; the others still go
            failures.append(error)
    if failures:
        raise failures[0]
    return sent


def unsubscribe(*, token: str) -> Unsubscription:
    """Unsubscribe the address of a link from its network's messages; twice is harmless."""
    target = unsubscribe_target(token)
    network = Network.objects.filter(pk=target[0]).first() if target else None
    if network is None:
        raise MailingError("token", _("Ce lien de désabonnement n’est pas valide."))
    unsubscription, _created = Unsubscription.objects.get_or_create(network=network, email=target[1].lower())
    return unsubscription


def resubscribe(*, token: str) -> None:
    """Undo an unsubscription by the same link (a click by mistake); only the person holding the
    message can, the animators cannot: consent is theirs to give back."""
    target = unsubscribe_target(token)
    if target is None:
        raise MailingError("token", _("Ce lien de désabonnement n’est pas valide."))
    Unsubscription.objects.filter(network_id=target[0], email=target[1].lower()).delete()


def unsubscribe_network(token: str) -> tuple[Network, str] | None:
    """The network and address a link designates (for its confirmation page), or None."""
    target = unsubscribe_target(token)
    network = Network.objects.filter(pk=target[0]).first() if target else None
    return (network, target[1]) if network else None
