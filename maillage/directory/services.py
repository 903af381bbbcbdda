"""Writes to the directory: organisations, establishments, memberships.

Every function validates with the model's validators (``full_clean``) and writes atomically;
bulk imports go through ``establishments_bulk_upsert``, whose rows were validated by their
parser and are written by ``maillage.directory.bulk``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory import bulk
from maillage.directory.errors import DirectoryError
from maillage.directory.models import (
    Contact,
    Establishment,
    Membership,
    MembershipChange,
    Network,
    Organisation,
)
from maillage.referential.models import Commune, Department, Epci

logger = logging.getLogger(__name__)


def _clean(instance) -> None:
    """The model's validators (``full_clean``), refusals raised as ``DirectoryError``."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise DirectoryError.from_validation(error) from error


@transaction.atomic
def organisation_create(
    *,
    siren: str,
    name: str,
    acronym: str = "",
    legal_category_id: str | None = None,
    size_category: str = "",
    naf_id: str | None = None,
    headcount_band_id: str | None = None,
    creation_date: date | None = None,
    is_active: bool = True,
    source: str = Organisation._meta.get_field("source").default,
    is_generated: bool = False,
) -> Organisation:
    organisation = Organisation(
        siren=siren,
        name=name,
        acronym=acronym,
        legal_category_id=legal_category_id,
        size_category=size_category,
        naf_id=naf_id,
        headcount_band_id=headcount_band_id,
        creation_date=creation_date,
        is_active=is_active,
        source=source,
        is_generated=is_generated,
    )
    _clean(organisation)
    organisation.save()
    return organisation


@transaction.atomic
def establishment_create(
    *,
    siret: str,
    organisation: Organisation,
    name: str = "",
    trade_name: str = "",
    naf_id: str | None = None,
    headcount_band_id: str | None = None,
    street: str = "",
    address_complement: str = "",
    postal_code: str = "",
    city: str = "",
    commune_id: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    geo_precision: str = Establishment.GeoPrecision.NONE,
    is_head_office: bool = False,
    is_active: bool = True,
    creation_date: date | None = None,
    source: str = Establishment._meta.get_field("source").default,
    is_generated: bool = False,
) -> Establishment:
    if not siret.startswith(organisation.siren):
        raise DirectoryError("siret", _("Le SIRET doit commencer par le SIREN de l’entreprise."))
    establishment = Establishment(
        siret=siret,
        organisation=organisation,
        name=name,
        trade_name=trade_name,
        naf_id=naf_id,
        headcount_band_id=headcount_band_id,
        street=street,
        address_complement=address_complement,
        postal_code=postal_code,
        city=city,
        commune_id=commune_id,
        latitude=latitude,
        longitude=longitude,
        geo_precision=geo_precision,
        is_head_office=is_head_office,
        is_active=is_active,
        creation_date=creation_date,
        source=source,
        is_generated=is_generated,
    )
    _clean(establishment)
    establishment.save()
    return establishment


_UNSET = object()


@transaction.atomic
def membership_set(
    *,
    network: Network,
    establishment: Establishment,
    status: str,
    joined_on: date | None | object = _UNSET,
    left_on: date | None | object = _UNSET,
    dues_status: str | object = _UNSET,
    category: str | object = _UNSET,
) -> Membership:
    """Create or update the membership of ``establishment`` in ``network``; unset fields keep their value."""
    membership = Membership.objects.filter(network=network, establishment=establishment).first()
    if membership is None:
        membership = Membership(network=network, establishment=establishment)
    membership.status = status
    for field, value in (
        ("joined_on", joined_on),
        ("left_on", left_on),
        ("dues_status", dues_status),
        ("category", category),
    ):
        if value is not _UNSET:
            setattr(membership, field, value)
    _clean(membership)
    membership.save()
    return membership


@dataclass(frozen=True)
class BulkUpsertResult:
    organisations_written: int
    establishments_written: int


@transaction.atomic
def establishments_bulk_upsert(
    *,
    establishments: pl.DataFrame,
    organisations: pl.DataFrame,
    imported_at: datetime | None = None,
) -> BulkUpsertResult:
    """Upsert a batch of validated establishments and their organisations, all or nothing.

    ``establishments`` has the columns ``bulk.ESTABLISHMENT_COLUMNS`` (``siren`` names the
    organisation); ``organisations`` has ``bulk.ORGANISATION_COLUMNS`` plus a boolean
    ``overwrite``: organisations are created when missing, and those with ``overwrite`` (data
    from the legal-unit register) also get their changed fields updated. Establishments whose
    ``source_hash`` did not change are left untouched.
    """
    now = imported_at or timezone.now()
    missing = set(establishments["siren"].unique()) - set(organisations["siren"])
    if missing:
        raise ValueError(f"establishments without organisation row: {sorted(missing)[:5]}")
    overwrite = organisations["overwrite"]
    orgs = bulk.upsert_organisations(organisations.filter(overwrite), overwrite=True, now=now)
    orgs += bulk.upsert_organisations(organisations.filter(~overwrite), overwrite=False, now=now)
    ests = bulk.upsert_establishments(establishments, now=now)
    return BulkUpsertResult(organisations_written=orgs, establishments_written=ests)


@transaction.atomic
def network_update(
    *,
    network: Network,
    actor,
    name: str,
    description: str,
    description_en: str,
    contact_email: str,
    epcis: Iterable[Epci],
    departments: Iterable[Department],
    communes: Iterable[Commune],
) -> Network:
    """Settings and territory of a network, from its back-office page, in one transaction.

    The territory is the union of the communes listed alone, of those of the EPCIs and of
    those of the departments (``Network.territory_communes``); it decides which network hears
    of a claim for an establishment that is no member anywhere.
    """
    network.name = name.strip()
    network.description = description.strip()
    network.description_en = description_en.strip()
    network.contact_email = contact_email.strip()
    _clean(network)
    network.save()
    network.epcis.set(list(epcis))
    network.departments.set(list(departments))
    network.communes.set(list(communes))
    logger.info(
        "network %s updated by %s: %d EPCI, %d departments, %d communes",
        network.slug,
        getattr(actor, "email", None),
        network.epcis.count(),
        network.departments.count(),
        network.communes.count(),
    )
    return network


@transaction.atomic
def network_branding_update(
    *, network: Network, actor, accent_colour: str, logo=None, remove_logo: bool = False
) -> Network:
    """The network's accent colour and logo (``maillage.directory.branding`` says what passes).

    A new logo replaces the old one, whose file is deleted once the change is committed (a
    rolled-back change keeps the old file in place); ``remove_logo`` goes back to no logo.
    """
    previous = network.logo.name if network.logo else ""
    network.accent_colour = accent_colour.strip().lower()
    if logo is not None:
        network.logo = logo
    elif remove_logo:
        network.logo = ""
    _clean(network)
    network.save(update_fields=["accent_colour", "logo"])
    current = network.logo.name if network.logo else ""
    if previous and previous != current:
        storage = network.logo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    logger.info(
        "network %s branding updated by %s: colour %s, logo %s",
        network.slug,
        getattr(actor, "email", None),
        network.accent_colour or "default",
        current or "none",
    )
    return network


# --- Memberships and contacts (the network's CRM, issue 15) -----------------------------------

# What ``membership_update`` changes; the dues status is kept by the dues services
# (``maillage.directory.dues``: it is the latest dues' status, never set by hand).
TRACKED_MEMBERSHIP_FIELDS = ("status", "joined_on", "left_on", "category")


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


@transaction.atomic
def membership_create(
    *, network: Network, establishment: Establishment, actor, status: str, joined_on=None, category: str = ""
) -> Membership:
    """A company joins the network's list, as a prospect or a member (a member from
    ``joined_on``, today by default); refused when it is already listed."""
    if Membership.objects.filter(network=network, establishment=establishment).exists():
        raise DirectoryError(
            "establishment",
            _("%(name)s figure déjà parmi les entreprises du réseau.") % {"name": establishment.display_name},
        )
    if status == Membership.Status.MEMBER and joined_on is None:
        joined_on = timezone.localdate()
    membership = Membership(
        network=network,
        establishment=establishment,
        status=status,
        joined_on=joined_on,
        category=category.strip(),
    )
    _clean(membership)
    membership.save()
    MembershipChange.objects.create(
        membership=membership, field="created", new_value=membership.status, changed_by=_user(actor)
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, actor, **changes) -> list[MembershipChange]:
    """Status, dates or category of a membership, each change recorded with its author.

    Becoming a member sets ``joined_on`` (today when not given) and clears ``left_on``; leaving
    sets ``left_on`` (today when not given). Returns the changes recorded (none: nothing changed).
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    before = {name: getattr(membership, name) for name in TRACKED_MEMBERSHIP_FIELDS}
    for name, value in changes.items():
        if name not in TRACKED_MEMBERSHIP_FIELDS:
            raise ValueError(f"not a membership field: {name}")
        setattr(membership, name, value.strip() if isinstance(value, str) else value)
    today = timezone.localdate()
    if membership.joined_on is None and membership.status != Membership.Status.PROSPECT:
        membership.joined_on = before["joined_on"]  # an empty field never erases when one joined
    if membership.status == Membership.Status.MEMBER:
        if before["status"] != Membership.Status.MEMBER:
            membership.left_on = None
        membership.joined_on = membership.joined_on or today
    elif membership.status == Membership.Status.FORMER:
        membership.left_on = membership.left_on or today
    _clean(membership)
    membership.save()
    recorded = [
        MembershipChange(
            membership=membership,
            field=name,
            old_value=_shown(before[name]),
            new_value=_shown(getattr(membership, name)),
            changed_by=_user(actor),
        )
        for name in TRACKED_MEMBERSHIP_FIELDS
        if before[name] != getattr(membership, name)
    ]
    MembershipChange.objects.bulk_create(recorded)
    return recorded


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


CONTACT_FIELDS = ("first_name", "last_name", "role", "email", "phone", "consent_on")


@transaction.atomic
def contact_save(
    *, network: Network, establishment: Establishment, actor, contact: Contact | None = None, **data
) -> Contact:
    """Add a contact to a company of the network, or change one (whether the person has an
    account is read, not stored: ``network_contacts``)."""
    if not Membership.objects.filter(network=network, establishment=establishment).exists():
        raise DirectoryError("establishment", _("Cette entreprise ne figure pas parmi celles du réseau."))
    contact = contact or Contact(network=network, establishment=establishment)
    if contact.network_id != network.pk or contact.establishment_id != establishment.pk:
        raise DirectoryError("", _("Ce contact appartient à une autre entreprise."))
    for name in CONTACT_FIELDS:
        if name in data:
            value = data[name]
            setattr(contact, name, value.strip() if isinstance(value, str) else value)
    contact.email = contact.email.lower()
    _clean(contact)
    contact.save()
    logger.info(
        "contact %s of %s saved by %s", contact.pk, establishment.siret, getattr(actor, "email", None)
    )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, actor) -> None:
    """A real deletion: the person's data is gone (GDPR), nothing keeps a copy."""
    logger.info(
        "contact %s of %s deleted by %s", contact.pk, contact.establishment_id, getattr(actor, "email", None)
    )
    contact.delete()
