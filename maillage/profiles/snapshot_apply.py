"""Validation of a ``ProfileSnapshot`` before ``profile_apply_snapshot`` writes anything.

Fields are named after the snapshot, with the position of the entry: ``equipment[2].specs.force``,
``certifications[0].valid_until``, so that an import can point at the cell.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import CapabilityStatus, Equipment, Profile
from maillage.profiles.snapshot import ProfileSnapshot
from maillage.profiles.validation import (
    CAPABILITY_TYPES,
    Measure,
    check_validity,
    clean_reference,
    measure_spec,
    resolve_node,
    spec_for,
    specs_of,
)
from maillage.taxonomy.models import NodeType, TaxonomyNode

PARTS = ("description", "capabilities", "certifications", "equipment", "sectors", "references")


@dataclass(frozen=True)
class PlannedCertification:
    node: TaxonomyNode
    issuer: str
    number: str
    valid_from: date | None
    valid_until: date | None


@dataclass(frozen=True)
class PlannedEquipment:
    node: TaxonomyNode
    label: str
    quantity: int
    measures: list[Measure]

    @property
    def signature(self) -> tuple:
        specs = tuple(sorted((m.key, m.value, m.unit) for m in self.measures))
        return (self.node.pk, self.label, self.quantity, specs)


def equipment_signature(equipment: Equipment) -> tuple:
    specs = tuple(sorted((spec.key, spec.value, spec.unit) for spec in equipment.specs.all()))
    return (equipment.node_id, equipment.label, equipment.quantity, specs)


@dataclass
class Plan:
    description: str | None = None
    capabilities: list[TaxonomyNode] | None = None
    certifications: list[PlannedCertification] | None = None
    equipment: list[PlannedEquipment] | None = None
    sectors: list[TaxonomyNode] | None = None
    references: list[tuple[str, str, str]] | None = None


def _held_codes(profile: Profile, relation: str) -> set[str]:
    return set(getattr(profile, relation).values_list("node__code", flat=True)) if profile.pk else set()


def validate(profile: Profile, snapshot: ProfileSnapshot, parts: Collection[str] | None) -> Plan:
    parts = PARTS if parts is None else tuple(parts)
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ProfileValidationError(
            "parts", _("parties inconnues : %(parts)s") % {"parts": ", ".join(unknown)}
        )
    plan = Plan()
    if "description" in parts:
        plan.description = snapshot.description.strip()
    if "capabilities" in parts:
        # A profile keeps the codes it holds even once the taxonomy deactivates them.
        held = (
            set(
                profile.capabilities.filter(status=CapabilityStatus.CONFIRMED).values_list(
                    "node__code", flat=True
                )
            )
            if profile.pk
            else set()
        )
        plan.capabilities = [
            resolve_node(code, CAPABILITY_TYPES, f"capabilities[{index}]", allow_inactive=held)
            for index, code in enumerate(snapshot.capabilities)
        ]
    if "sectors" in parts:
        held = _held_codes(profile, "sectors")
        plan.sectors = [
            resolve_node(code, (NodeType.SECTOR,), f"sectors[{index}]", allow_inactive=held)
            for index, code in enumerate(snapshot.sectors)
        ]
    if "certifications" in parts:
        plan.certifications = _certifications(profile, snapshot)
    if "equipment" in parts:
        plan.equipment = _equipment(profile, snapshot)
    if "references" in parts:
        plan.references = _references(snapshot)
    return plan


def _certifications(profile: Profile, snapshot: ProfileSnapshot) -> list[PlannedCertification]:
    held = _held_codes(profile, "certifications")
    planned, seen = [], set()
    for index, entry in enumerate(snapshot.certifications):
        prefix = f"certifications[{index}]."
        node = resolve_node(entry.code, (NodeType.CERTIFICATION,), prefix + "code", allow_inactive=held)
        number = entry.number.strip()
        check_validity(entry.valid_from, entry.valid_until, prefix)
        if (node.pk, number) in seen:
            raise ProfileValidationError(
                prefix + "number",
                _("certification en double : %(code)s n° « %(number)s »")
                % {"code": node.code, "number": number},
            )
        seen.add((node.pk, number))
        planned.append(
            PlannedCertification(
                node, " ".join(entry.issuer.split()), number, entry.valid_from, entry.valid_until
            )
        )
    return planned


def _equipment(profile: Profile, snapshot: ProfileSnapshot) -> list[PlannedEquipment]:
    held = _held_codes(profile, "equipment")
    planned, seen = [], set()
    for index, entry in enumerate(snapshot.equipment):
        prefix = f"equipment[{index}]."
        node = resolve_node(entry.code, (NodeType.EQUIPMENT,), prefix + "code", allow_inactive=held)
        label = " ".join(entry.label.split())
        if isinstance(entry.quantity, bool) or not isinstance(entry.quantity, int) or entry.quantity < 1:
            raise ProfileValidationError(
                prefix + "quantity",
                _("nombre entier ≥ 1 attendu, reçu %(value)s") % {"value": entry.quantity},
            )
        if (node.pk, label) in seen:
            raise ProfileValidationError(
                prefix + "label",
                _("équipement en double : %(code)s « %(label)s » (augmentez plutôt le nombre)")
                % {"code": node.code, "label": label},
            )
        seen.add((node.pk, label))
        declared = specs_of(node)
        measures, keys = [], set()
        for spec_value in entry.specs:
            field = f"{prefix}specs.{spec_value.name}"
            if spec_value.name in keys:
                raise ProfileValidationError(field, _("caractéristique donnée deux fois"))
            keys.add(spec_value.name)
            spec = spec_for(declared, spec_value.name, field, node)
            measures.append(measure_spec(spec, field, value=spec_value.value, unit=spec_value.unit))
        planned.append(PlannedEquipment(node, label, entry.quantity, measures))
    return planned


def _references(snapshot: ProfileSnapshot) -> list[tuple[str, str, str]]:
    planned, seen = [], set()
    for index, entry in enumerate(snapshot.references):
        prefix = f"references[{index}]."
        client, project, visibility = clean_reference(entry.client, entry.project, entry.visibility, prefix)
        if (client, project) in seen:
            raise ProfileValidationError(
                prefix + "project",
                _("référence en double : %(client)s — %(project)s") % {"client": client, "project": project},
            )
        seen.add((client, project))
        planned.append((client, project, visibility))
    return planned
