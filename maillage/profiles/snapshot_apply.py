"""Applying a ``ProfileSnapshot``: validate all of it first (``validate``), then write (``apply_*``).

Fields are named after the snapshot, with the position of the entry: ``equipment[2].specs.force``,
``certifications[0].valid_until``, so that an import can point at the cell.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from maillage.profiles import rows
from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.journal import Journal
from maillage.profiles.models import (
    CapabilityStatus,
    Certification,
    Equipment,
    Profile,
    ProfileReference,
    ProfileSector,
)
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


def apply_capabilities(profile: Profile, journal: Journal, nodes: list[TaxonomyNode]) -> None:
    wanted = {node.pk for node in nodes}
    for capability in profile.capabilities.declared().select_related("node"):
        if capability.node_id not in wanted:
            rows.capability_write(
                profile, journal, capability.node, status=CapabilityStatus.REJECTED, level=None
            )
    for node in nodes:
        rows.capability_write(profile, journal, node, status=CapabilityStatus.CONFIRMED, level=None)


def apply_certifications(profile: Profile, journal: Journal, entries: list[PlannedCertification]) -> None:
    existing = {(c.node_id, c.number): c for c in profile.certifications.select_related("node")}
    for entry in entries:
        certification = existing.pop((entry.node.pk, entry.number), None)
        if certification is None:
            certification = Certification.objects.create(
                profile=profile,
                node=entry.node,
                issuer=entry.issuer,
                number=entry.number,
                valid_from=entry.valid_from,
                valid_until=entry.valid_until,
            )
            journal.added(
                "certification",
                rows.certification_key(certification),
                rows.certification_values(certification),
            )
            continue
        values = {"issuer": entry.issuer, "valid_from": entry.valid_from, "valid_until": entry.valid_until}
        if any(getattr(certification, name) != value for name, value in values.items()):
            rows.certification_change(certification, journal, **values)
    for certification in existing.values():
        journal.removed(
            "certification", rows.certification_key(certification), rows.certification_values(certification)
        )
        certification.delete()


def apply_equipment(profile: Profile, journal: Journal, entries: list[PlannedEquipment]) -> None:
    existing = list(profile.equipment.select_related("node").prefetch_related("specs"))
    pending = []
    for entry in entries:  # identical machines first: they stay as they are
        match = next((e for e in existing if equipment_signature(e) == entry.signature), None)
        if match is not None:
            existing.remove(match)
        else:
            pending.append(entry)
    creations = []
    for entry in pending:  # same type and label: the same machine, changed
        match = next((e for e in existing if (e.node_id, e.label) == (entry.node.pk, entry.label)), None)
        if match is None:
            creations.append(entry)
            continue
        existing.remove(match)
        rows.equipment_change(match, journal, quantity=entry.quantity, measures=entry.measures)
    for equipment in existing:
        journal.removed("equipment", rows.equipment_key(equipment), rows.equipment_values(equipment))
        equipment.delete()
    for entry in creations:
        rows.equipment_create(profile, journal, entry.node, entry.label, entry.quantity, entry.measures)


def apply_sectors(profile: Profile, journal: Journal, nodes: list[TaxonomyNode]) -> None:
    wanted = {node.pk: node for node in nodes}
    for sector in profile.sectors.select_related("node"):
        if wanted.pop(sector.node_id, None) is None:
            journal.removed("sector", sector.node.code, {"code": sector.node.code})
            sector.delete()
    for node in wanted.values():
        ProfileSector.objects.create(profile=profile, node=node)
        journal.added("sector", node.code, {"code": node.code})


def apply_references(profile: Profile, journal: Journal, entries: list[tuple[str, str, str]]) -> None:
    existing = {(r.client, r.project): r for r in profile.references.all()}
    for client, project, visibility in entries:
        reference = existing.pop((client, project), None)
        if reference is None:
            reference = ProfileReference.objects.create(
                profile=profile, client=client, project=project, visibility=visibility
            )
            journal.added("reference", rows.reference_key(reference), rows.reference_values(reference))
        elif reference.visibility != visibility:
            journal.log(
                "reference", rows.reference_key(reference), "visibility", reference.visibility, visibility
            )
            reference.visibility = visibility
            reference.save()
    for reference in existing.values():
        journal.removed("reference", rows.reference_key(reference), rows.reference_values(reference))
        reference.delete()
