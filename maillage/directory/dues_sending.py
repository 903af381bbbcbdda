"""The dues e-mails (call, reminders), sent from the task queue (``tasks.py``), each one claimed
before it is sent (``maillage.delivery``): a retried task sends what it did not, nothing twice.

Dues calls are essential messages of the membership (the contract between the company and its
network), so they need no consent to the network's messages; they go to the contacts with an
e-mail address of the role a treasurer writes to first (``dues_recipients``).
"""

from __future__ import annotations

from django.urls import reverse

from maillage import delivery
from maillage.directory.models import Contact, Dues, DuesMessage
from maillage.emails import absolute_url, templated_email

# The role written to, best first: the head of the company signs the membership; without one,
# the head of the site, then purchasing (who often pays subscriptions), then anyone listed.
RECIPIENT_ROLES = [Contact.Role.DIRECTION, Contact.Role.SITE, Contact.Role.PURCHASING]


def dues_recipients(dues: Dues) -> list[Contact]:
    """The contacts of the company's best-ranked role that has an e-mail address (all of them
    when no preferred role has one)."""
    membership = dues.membership
    contacts = list(
        Contact.objects.filter(network_id=membership.network_id, establishment_id=membership.establishment_id)
        .exclude(email="")
        .order_by("pk")
    )
    for role in RECIPIENT_ROLES:
        chosen = [contact for contact in contacts if contact.role == role]
        if chosen:
            return chosen
    return contacts


TEMPLATES = {
    DuesMessage.Kind.CALL: "directory/emails/dues_call",
    DuesMessage.Kind.REMINDER: "directory/emails/dues_reminder",
}


def dues_send(*, dues_id: int, kind: str, stage: str = "") -> int:
    """Send the ``kind`` message of dues ``dues_id`` to its recipients; the number sent now."""
    dues = Dues.objects.select_related("membership__network", "membership__establishment").get(pk=dues_id)
    if dues.status == Dues.Status.PAID:
        return 0  # paid between the click and the queue: nothing to ask for
    network = dues.membership.network
    sent = 0
    for contact in dues_recipients(dues):
        context = {
            "contact": contact,
            "dues": dues,
            "network": network,
            "establishment": dues.membership.establishment,
            "reminder_number": int(stage[1:]) if stage.startswith("r") else None,
            "network_url": absolute_url(reverse("home:network_detail", args=[network.slug])),
        }
        message = templated_email(
            to=[contact.email],
            template=TEMPLATES[kind],
            context=context,
            reply_to=[network.contact_email] if network.contact_email else None,
        )
        sent += delivery.deliver_keyed(
            DuesMessage,
            key={"dues": dues, "email": contact.email, "kind": kind, "stage": stage},
            send=message.send,
        )
    return sent
