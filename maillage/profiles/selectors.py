"""Reads across profile models: the snapshot a spreadsheet export writes, completeness."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Establishment, Network, current_member
from maillage.profiles.models import CapabilityStatus, Profile, ProfileCapability
from maillage.profiles.snapshot import (
    CertificationEntry,
    EquipmentEntry,
    ProfileSnapshot,
    ReferenceEntry,
    SpecValue,
)
from maillage.taxonomy.models import NodeType


def _profile(establishment: Establishment) -> Profile | None:
    return Profile.objects.filter(establishment=establishment).first()


def profile_snapshot(establishment: Establishment) -> ProfileSnapshot:
    """The declared part of the profile: what an export writes and an import gives back."""
    profile = _profile(establishment)
    if profile is None:
        return ProfileSnapshot()
    return ProfileSnapshot(
        description=profile.description_fr,
        capabilities=tuple(profile.capabilities.declared().values_list("node__code", flat=True)),
        certifications=tuple(
            CertificationEntry(
                code=certification.node.code,
                issuer=certification.issuer,
                number=certification.number,
                valid_from=certification.valid_from,
                valid_until=certification.valid_until,
            )
            for certification in profile.certifications.select_related("node")
        ),
        equipment=tuple(
            EquipmentEntry(
                code=equipment.node.code,
                label=equipment.label,
                quantity=equipment.quantity,
                specs=tuple(SpecValue(spec.key, spec.value, spec.unit) for spec in equipment.specs.all()),
            )
            for equipment in profile.equipment.select_related("node").prefetch_related("specs")
        ),
        sectors=tuple(profile.sectors.values_list("node__code", flat=True)),
        references=tuple(
            ReferenceEntry(
                client=reference.client, project=reference.project, visibility=reference.visibility
            )
            for reference in profile.references.all()
        ),
    )


# What makes a profile useful to a buyer looking for a supplier, by weight (sum: 100).
# Rationale in docs/profiles.md.
COMPLETENESS_WEIGHTS = {
    "description": 15,
    "capabilities": 20,
    "materials": 5,
    "equipment": 10,
    "equipment_specs": 5,
    "certifications": 10,
    "sectors": 10,
    "references": 5,
    "products": 5,
    "capacity": 5,
    "envelope": 5,
    "batch_sizes": 3,
    "languages": 2,
}

MIN_DESCRIPTION_LENGTH = 80
# Available capacity changes with the order book: older than this, it is asked again.
CAPACITY_FRESHNESS = timedelta(days=90)

COMPLETENESS_LABELS = {
    "description": _("une présentation d’au moins quelques phrases"),
    "capabilities": _("au moins un savoir-faire confirmé"),
    "materials": _("les matériaux travaillés"),
    "equipment": _("le parc machines"),
    "equipment_specs": _("les caractéristiques des machines (force, course, dimensions…)"),
    "certifications": _("une certification en cours de validité"),
    "sectors": _("les secteurs servis"),
    "references": _("des références clients"),
    "products": _("les produits fabriqués"),
    "capacity": _("la capacité disponible, indiquée depuis moins de trois mois"),
    "envelope": _("les dimensions et la masse maximales des pièces"),
    "batch_sizes": _("les tailles de série"),
    "languages": _("les langues parlées"),
}


@dataclass(frozen=True)
class MissingItem:
    key: str
    label: str
    weight: int


@dataclass(frozen=True)
class Completeness:
    score: int
    missing: list[MissingItem] = field(default_factory=list)
    inferred_to_confirm: int = 0


def profile_completeness(establishment: Establishment, *, today: date | None = None) -> Completeness:
    """A 0–100 score and what is missing, largest gain first. Inferred capabilities do not count."""
    today = today or timezone.localdate()
    profile = _profile(establishment)
    if profile is None:
        missing = [
            MissingItem(key, str(COMPLETENESS_LABELS[key]), w) for key, w in COMPLETENESS_WEIGHTS.items()
        ]
        return Completeness(score=0, missing=sorted(missing, key=lambda item: -item.weight))
    statuses = list(profile.capabilities.values_list("status", "node__type"))
    confirmed_types = {node_type for status, node_type in statuses if status == CapabilityStatus.CONFIRMED}
    equipment_ids = list(profile.equipment.values_list("pk", flat=True))
    done = {
        "description": len(profile.description_fr.strip()) >= MIN_DESCRIPTION_LENGTH,
        "capabilities": bool(confirmed_types & {NodeType.PROCESS, NodeType.SERVICE}),
        "materials": NodeType.MATERIAL in confirmed_types,
        "equipment": bool(equipment_ids),
        "equipment_specs": bool(equipment_ids) and profile.equipment.filter(specs__isnull=False).exists(),
        "certifications": profile.certifications.valid_at(today).exists(),
        "sectors": profile.sectors.exists(),
        "references": profile.references.exists(),
        "products": bool(profile.products),
        "capacity": profile.capacity_stated_on is not None
        and today - profile.capacity_stated_on <= CAPACITY_FRESHNESS
        and bool(
            profile.capacity_text
            or profile.capacity_percent is not None
            or profile.capacity_hours_per_week is not None
        ),
        "envelope": any(
            value is not None
            for value in (
                profile.max_part_length_mm,
                profile.max_part_width_mm,
                profile.max_part_height_mm,
                profile.max_part_mass_kg,
            )
        ),
        "batch_sizes": profile.batch_min is not None or profile.batch_max is not None,
        "languages": bool(profile.languages),
    }
    missing = [
        MissingItem(key, str(COMPLETENESS_LABELS[key]), weight)
        for key, weight in COMPLETENESS_WEIGHTS.items()
        if not done[key]
    ]
    return Completeness(
        score=100 - sum(item.weight for item in missing),
        missing=sorted(missing, key=lambda item: -item.weight),
        inferred_to_confirm=sum(1 for status, _type in statuses if status == CapabilityStatus.INFERRED),
    )


def network_capability_count(network: Network) -> int:
    """Distinct capabilities (processes, materials, services) that current members hold."""
    return (
        ProfileCapability.objects.filter(
            current_member("profile__establishment__memberships__", network=network)
        )
        .exclude(status=CapabilityStatus.REJECTED)
        .values("node_id")
        .distinct()
        .count()
    )
