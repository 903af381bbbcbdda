"""Reads for the network's e-mails to contacts: who would receive one, what was sent."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from maillage.accounts.selectors import network_memberships
from maillage.directory.models import Contact, Network
from maillage.mailings.models import Mailing, MailingRecipient, RecipientState, Unsubscription


def _unsubscribed(network: Network):
    return Exists(Unsubscription.objects.filter(network=network, email=Lower(OuterRef("email"))))


def mailing_audience(network: Network, *, filters: dict, role: str = "") -> QuerySet[Contact]:
    """The contacts a message would reach: of the companies the member list shows with
    ``filters`` (``MemberFilterForm.filters()``), with an e-mail, who consented, and have not
    unsubscribed; of one ``role`` when given. One contact per address (the first by name)."""
    establishments = network_memberships(network, **filters).values("establishment_id")
    contacts = (
        Contact.objects.filter(network=network, establishment_id__in=establishments, consent_on__isnull=False)
        .exclude(email="")
        .exclude(_unsubscribed(network))
        .select_related("establishment__organisation")
    )
    if role:
        contacts = contacts.filter(role=role)
    return contacts.order_by("last_name", "first_name", "pk")


def audience_size(contacts: QuerySet[Contact]) -> int:
    """How many addresses ``mailing_audience`` reaches (the same person at two companies once)."""
    return contacts.order_by().annotate(address=Lower("email")).values("address").distinct().count()


def unique_by_address(contacts) -> list[Contact]:
    """The contacts, the first of each address only (the same person at two companies)."""
    seen, kept = set(), []
    for contact in contacts:
        address = contact.email.lower()
        if address not in seen:
            seen.add(address)
            kept.append(contact)
    return kept


def network_mailings(network: Network) -> QuerySet[Mailing]:
    """The network's messages, newest first, with their count of recipients by state."""
    by_state = {
        f"{state}_count": Count("recipients", filter=Q(recipients__state=state))
        for state in RecipientState.values
    }
    return (
        Mailing.objects.filter(network=network)
        .select_related("created_by")
        .annotate(recipient_count=Count("recipients"), **by_state)
        .order_by("-created_at", "-pk")
    )


def mailing_recipients(mailing: Mailing) -> QuerySet[MailingRecipient]:
    return mailing.recipients.select_related("contact__establishment__organisation").order_by(
        "contact__last_name", "contact__first_name", "pk"
    )


def contact_unsubscription(contact: Contact) -> Unsubscription | None:
    """When the contact's address unsubscribed from the network's messages (None: it did not)."""
    if not contact.email:
        return None
    return Unsubscription.objects.filter(network_id=contact.network_id, email=contact.email.lower()).first()
