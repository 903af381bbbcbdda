"""Writes to the journal: an entry created, edited, deleted; its follow-up marked done or not.

Each service checks who acts (an animator of the entry's network or a platform administrator,
else ``PermissionDenied``), validates (``JournalError`` naming the field) and writes atomically,
recording the author and the last editor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.accounts.permissions import can_animate_network
from maillage.directory.models import Contact, Establishment, Membership, Network
from maillage.journal.errors import JournalError
from maillage.journal.models import Confidentiality, EntryKind, JournalEntry, Theme
from maillage.taxonomy.models import TaxonomyNode
from maillage.taxonomy.suggestions import KINDS

MAX_PEOPLE = 300
MAX_NOTES = 20_000
MAX_CAPABILITIES = 10


@dataclass(frozen=True)
class EntryInput:
    """What an animator writes in an entry; the services check every value."""

    establishment: Establishment
    occurred_on: date
    kind: str
    people_met: str = ""
    contacts: Sequence[Contact] = field(default_factory=tuple)
    capabilities: Sequence[TaxonomyNode] = field(default_factory=tuple)
    theme: str = ""
    notes: str = ""
    follow_up_on: date | None = None
    follow_up_owner: User | None = None
    follow_up_done: bool = False
    confidentiality: str = Confidentiality.ANIMATORS


def _check_actor(by: User, network: Network) -> None:
    if not can_animate_network(by, network):
        raise PermissionDenied


def _validated(network: Network, data: EntryInput) -> tuple[dict, list[TaxonomyNode], list[Contact]]:
    if (
        data.establishment is None
        or not Membership.objects.filter(network=network, establishment=data.establishment).exists()
    ):
        # The journal follows the network's companies: members, prospects, former members.
        raise JournalError("establishment", _("choisissez une entreprise du réseau (adhérent ou prospect)"))
    if not isinstance(data.occurred_on, date):
        raise JournalError("occurred_on", _("date obligatoire"))
    if data.kind not in EntryKind.values:
        raise JournalError("kind", _("nature inconnue « %(value)s »") % {"value": data.kind})
    if data.theme and data.theme not in Theme.values:
        raise JournalError("theme", _("thème inconnu « %(value)s »") % {"value": data.theme})
    if data.confidentiality not in Confidentiality.values:
        raise JournalError(
            "confidentiality", _("confidentialité inconnue « %(value)s »") % {"value": data.confidentiality}
        )
    people, notes = (data.people_met or "").strip(), (data.notes or "").strip()
    if len(people) > MAX_PEOPLE:
        raise JournalError("people_met", _("%(max)d caractères au plus") % {"max": MAX_PEOPLE})
    if len(notes) > MAX_NOTES:
        raise JournalError("notes", _("%(max)d caractères au plus") % {"max": MAX_NOTES})
    nodes = list(dict.fromkeys(data.capabilities or ()))
    if len(nodes) > MAX_CAPABILITIES:
        raise JournalError("capabilities", _("%(max)d savoir-faire au plus") % {"max": MAX_CAPABILITIES})
    for node in nodes:
        if node.type not in KINDS["capability"]:
            raise JournalError(
                "capabilities", _("« %(label)s » n’est pas un savoir-faire") % {"label": node.label}
            )
    contacts = list(dict.fromkeys(data.contacts or ()))
    for contact in contacts:
        # A person of another company (or of another network's CRM) was not met at this one.
        if contact.network_id != network.pk or contact.establishment_id != data.establishment.pk:
            raise JournalError(
                "contacts",
                _("« %(name)s » n’est pas un contact de cette entreprise") % {"name": str(contact)},
            )
    if data.follow_up_on is None and (data.follow_up_owner is not None or data.follow_up_done):
        raise JournalError("follow_up_on", _("indiquez la date de la relance"))
    if data.follow_up_owner is not None and not network.animators.filter(pk=data.follow_up_owner.pk).exists():
        raise JournalError("follow_up_owner", _("la relance revient à un animateur du réseau"))
    return (
        {
            "establishment": data.establishment,
            "occurred_on": data.occurred_on,
            "kind": data.kind,
            "people_met": people,
            "theme": data.theme,
            "notes": notes,
            "follow_up_on": data.follow_up_on,
            "follow_up_owner": data.follow_up_owner,
            "confidentiality": data.confidentiality,
        },
        nodes,
        contacts,
    )


def _done_at(entry: JournalEntry | None, data: EntryInput):
    """Keeps the date a follow-up was first marked done; none once it is unmarked."""
    if not data.follow_up_done:
        return None
    if entry is not None and entry.follow_up_done_at is not None:
        return entry.follow_up_done_at
    return timezone.now()


@transaction.atomic
def entry_create(*, network: Network, by: User, data: EntryInput) -> JournalEntry:
    _check_actor(by, network)
    fields, nodes, contacts = _validated(network, data)
    entry = JournalEntry.objects.create(
        network=network, author=by, updated_by=by, follow_up_done_at=_done_at(None, data), **fields
    )
    entry.capabilities.set(nodes)
    entry.contacts.set(contacts)
    return entry


@transaction.atomic
def entry_update(*, entry: JournalEntry, by: User, data: EntryInput) -> JournalEntry:
    _check_actor(by, entry.network)
    fields, nodes, contacts = _validated(entry.network, data)
    entry.follow_up_done_at = _done_at(entry, data)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.updated_by = by
    entry.save()
    entry.capabilities.set(nodes)
    entry.contacts.set(contacts)
    return entry


@transaction.atomic
def entry_delete(*, entry: JournalEntry, by: User) -> None:
    """A real deletion: an entry written by mistake leaves nothing behind."""
    _check_actor(by, entry.network)
    entry.delete()


@transaction.atomic
def follow_up_mark(*, entry: JournalEntry, by: User, done: bool = True) -> JournalEntry:
    _check_actor(by, entry.network)
    if entry.follow_up_on is None:
        raise JournalError("follow_up_on", _("cette entrée n’a pas de relance"))
    if done != entry.follow_up_done:
        entry.follow_up_done_at = timezone.now() if done else None
        entry.updated_by = by
        entry.save(update_fields=["follow_up_done_at", "updated_by", "updated_at"])
    return entry
