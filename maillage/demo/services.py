"""Writes of the demo builder: create what is missing, never touch what exists.

Organisations, establishments and memberships are written by ``maillage.directory.services``
(one record at a time: the bulk upsert is SIRENE-specific, it stamps ``source=sirene`` and
``is_generated=False``); this module adds what the directory has no service for, the demo
group and accounts.

"Ensure" services make ``maillage demo`` idempotent: a record is looked up by its natural key
(SIREN, SIRET, network + establishment, e-mail) and only missing ones are written, so a second
run writes nothing and reports zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.directory.models import (
    Dues,
    DuesRate,
    DuesScale,
    Establishment,
    EstablishmentUser,
    Membership,
    Network,
    Organisation,
)
from maillage.directory.services import establishment_create, membership_set, organisation_create


@dataclass(frozen=True)
class Written:
    created: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class OrganisationSpec:
    siren: str
    name: str
    naf_id: str | None
    headcount_band_id: str | None
    size_category: str
    creation_date: date | None
    is_generated: bool


@dataclass(frozen=True)
class EstablishmentSpec:
    siret: str
    name: str
    naf_id: str | None
    headcount_band_id: str | None
    commune_id: str | None
    postal_code: str
    city: str
    latitude: float | None
    longitude: float | None
    geo_precision: str
    street: str = ""
    is_head_office: bool = False
    creation_date: date | None = None
    is_generated: bool = False


@dataclass(frozen=True)
class MembershipSpec:
    siret: str
    status: str
    dues_status: str
    joined_on: date | None
    left_on: date | None
    category: str


@dataclass(frozen=True)
class AccountSpec:
    email: str
    password: str
    first_name: str
    last_name: str
    is_staff: bool = False
    establishment_siret: str | None = None
    animator_of: Network | None = None
    groups: Sequence[Group] = field(default_factory=tuple)


@transaction.atomic
def demo_organisations_ensure(*, specs: Sequence[OrganisationSpec], source: str) -> Written:
    specs = list({s.siren: s for s in reversed(specs)}.values())[::-1]  # first spec of a SIREN wins
    existing = set(
        Organisation.objects.filter(siren__in=[s.siren for s in specs]).values_list("siren", flat=True)
    )
    new = [s for s in specs if s.siren not in existing]
    for s in new:
        organisation_create(
            siren=s.siren,
            name=s.name,
            naf_id=s.naf_id,
            headcount_band_id=s.headcount_band_id,
            size_category=s.size_category,
            creation_date=s.creation_date,
            is_generated=s.is_generated,
            source=source,
        )
    return Written(created=len(new), unchanged=len(specs) - len(new))


@transaction.atomic
def demo_establishments_ensure(*, specs: Sequence[EstablishmentSpec], source: str) -> Written:
    """Establishments of already existing organisations (SIREN = the SIRET's first 9 digits)."""
    existing = set(
        Establishment.objects.filter(siret__in=[s.siret for s in specs]).values_list("siret", flat=True)
    )
    new = [s for s in specs if s.siret not in existing]
    organisations = Organisation.objects.in_bulk({s.siret[:9] for s in new}, field_name="siren")
    for s in new:
        establishment_create(
            siret=s.siret,
            organisation=organisations[s.siret[:9]],
            name=s.name,
            naf_id=s.naf_id,
            headcount_band_id=s.headcount_band_id,
            commune_id=s.commune_id,
            postal_code=s.postal_code,
            city=s.city,
            street=s.street,
            latitude=s.latitude,
            longitude=s.longitude,
            geo_precision=s.geo_precision,
            is_head_office=s.is_head_office,
            creation_date=s.creation_date,
            is_generated=s.is_generated,
            source=source,
        )
    return Written(created=len(new), unchanged=len(specs) - len(new))


# The demo network's dues scale (by category, as the builder's ``_category`` names them), in euros.
DEMO_DUES = {"TPE": 150, "PME": 450, "Grandes entreprises": 1500, "Ingénierie et recherche": 300}


def _demo_dues(network: Network, memberships: dict[str, Membership], specs: Sequence[MembershipSpec]) -> None:
    """This year's scale, and dues that match each new member's ``dues_status``: called 90 days
    ago when late (past the scale's 60 days), 20 days ago when just called, paid 10 days after
    a call 90 days ago. Written directly (no e-mail leaves for generated companies)."""
    today = timezone.localdate()
    scale, created = DuesScale.objects.get_or_create(
        network=network, year=today.year, defaults={"default_amount": 300, "late_after_days": 60}
    )
    if created:
        DuesRate.objects.bulk_create(
            DuesRate(scale=scale, category=category, amount=amount) for category, amount in DEMO_DUES.items()
        )
    rows = []
    for spec in specs:
        if spec.dues_status not in Dues.Status.values:
            continue
        called = today - timedelta(days=20 if spec.dues_status == Dues.Status.CALLED else 90)
        paid = spec.dues_status == Dues.Status.PAID
        rows.append(
            Dues(
                membership=memberships[spec.siret],
                year=today.year,
                amount=DEMO_DUES.get(spec.category, 300),
                status=spec.dues_status,
                called_on=called,
                paid_on=called + timedelta(days=10) if paid else None,
            )
        )
    Dues.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def demo_memberships_ensure(*, network: Network, specs: Sequence[MembershipSpec]) -> Written:
    """Missing memberships only: one an animator has since edited is left as it is. New members
    get this year's dues as their ``dues_status`` says (``_demo_dues``)."""
    establishments = Establishment.objects.in_bulk([s.siret for s in specs], field_name="siret")
    existing = set(
        network.memberships.filter(establishment__siret__in=establishments).values_list(
            "establishment__siret", flat=True
        )
    )
    new = [s for s in specs if s.siret not in existing]
    created = {}
    for s in new:
        created[s.siret] = membership_set(
            network=network,
            establishment=establishments[s.siret],
            status=s.status,
            dues_status=s.dues_status,
            joined_on=s.joined_on,
            left_on=s.left_on,
            category=s.category,
        )
    _demo_dues(network, created, new)
    return Written(created=len(new), unchanged=len(specs) - len(new))


@transaction.atomic
def demo_group_ensure(*, name: str, permissions: Sequence[tuple[str, str]]) -> tuple[Group, int]:
    """A group holding exactly ``(app_label, codename)`` permissions (a right an older demo granted
    is taken back); the count is 1 if anything was written."""
    group, created = Group.objects.get_or_create(name=name)
    wanted = set()
    for app_label, codename in permissions:
        wanted.add(Permission.objects.get(content_type__app_label=app_label, codename=codename).pk)
    held = set(group.permissions.values_list("pk", flat=True))
    if held != wanted:
        group.permissions.set(wanted)
    return group, int(created or held != wanted)


@transaction.atomic
def demo_account_ensure(*, spec: AccountSpec) -> int:
    """The account as specified, its demo password working; returns 1 if anything was written."""
    changed = 0
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            email=spec.email,
            password=spec.password,
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=spec.is_staff,
        )
        changed = 1
    elif not user.check_password(spec.password) or not user.is_active or user.is_staff != spec.is_staff:
        # Someone changed the demo account: put back what the demo prints.
        user.set_password(spec.password)
        user.is_active = True
        user.is_staff = spec.is_staff
        user.save()
        changed = 1
    missing_groups = [g for g in spec.groups if not user.groups.filter(pk=g.pk).exists()]
    if missing_groups:
        user.groups.add(*missing_groups)
        changed = 1
    if spec.establishment_siret:
        establishment = Establishment.objects.get(siret=spec.establishment_siret)
        _, created = EstablishmentUser.objects.get_or_create(user=user, establishment=establishment)
        changed |= int(created)
    if spec.animator_of is not None and not spec.animator_of.animators.filter(pk=user.pk).exists():
        spec.animator_of.animators.add(user)
        changed = 1
    return changed
