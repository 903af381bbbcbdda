"""Row-level writes shared by the services and the snapshot application.

They write and journal but do not validate: callers validated the values first.
"""

from __future__ import annotations

from maillage.profiles.journal import Journal
from maillage.profiles.models import (
    CapabilityLevel,
    Certification,
    Equipment,
    EquipmentSpec,
    Profile,
    ProfileCapability,
    ProfileReference,
)
from maillage.profiles.validation import Measure
from maillage.taxonomy.models import TaxonomyNode


def capability_write(
    profile: Profile, journal: Journal, node: TaxonomyNode, *, status: str, level: str | None, weight=None
) -> ProfileCapability:
    capability = ProfileCapability.objects.filter(profile=profile, node=node).first()
    if capability is None:
        capability = ProfileCapability.objects.create(
            profile=profile,
            node=node,
            status=status,
            level=level or CapabilityLevel.CORE,
            inference_weight=weight,
        )
        journal.added("capability", node.code, {"status": capability.status, "level": capability.level})
        return capability
    changed = False
    for name, value in (("status", status), ("level", level)):
        if value is not None and getattr(capability, name) != value:
            journal.log("capability", node.code, name, getattr(capability, name), value)
            setattr(capability, name, value)
            changed = True
    if changed:
        capability.save()
    return capability


def equipment_key(equipment: Equipment) -> str:
    return f"{equipment.node.code} « {equipment.label} »" if equipment.label else equipment.node.code


def equipment_values(equipment: Equipment) -> dict:
    return {
        "code": equipment.node.code,
        "label": equipment.label,
        "quantity": equipment.quantity,
        "specs": {spec.key: f"{spec.value:g} {spec.unit}" for spec in equipment.specs.all()},
    }


def write_specs(equipment: Equipment, measures: list[Measure]) -> None:
    wanted = {measure.key: measure for measure in measures}
    for spec in list(equipment.specs.all()):
        measure = wanted.pop(spec.key, None)
        if measure is None:
            spec.delete()
        elif (spec.value, spec.unit) != (measure.value, measure.unit):
            spec.value, spec.unit, spec.entered = measure.value, measure.unit, measure.entered
            spec.save()
    EquipmentSpec.objects.bulk_create(
        EquipmentSpec(equipment=equipment, key=m.key, value=m.value, unit=m.unit, entered=m.entered)
        for m in wanted.values()
    )
    # The caller may have prefetched the specs: the journal must read them as written.
    getattr(equipment, "_prefetched_objects_cache", {}).pop("specs", None)


def equipment_create(
    profile: Profile, journal: Journal, node: TaxonomyNode, label: str, quantity: int, measures: list[Measure]
) -> Equipment:
    equipment = Equipment.objects.create(profile=profile, node=node, label=label, quantity=quantity)
    write_specs(equipment, measures)
    journal.added("equipment", equipment_key(equipment), equipment_values(equipment))
    return equipment


def equipment_change(equipment: Equipment, journal: Journal, **values) -> None:
    before = equipment_values(equipment)
    measures = values.pop("measures", None)
    for name, value in values.items():
        setattr(equipment, name, value)
    equipment.save()
    if measures is not None:
        write_specs(equipment, measures)
    after = equipment_values(equipment)
    for name in ("label", "quantity", "specs"):
        journal.log("equipment", equipment_key(equipment), name, before[name], after[name])


def certification_key(certification: Certification) -> str:
    return (
        f"{certification.node.code} n° {certification.number}"
        if certification.number
        else certification.node.code
    )


def certification_values(certification: Certification) -> dict:
    return {
        "code": certification.node.code,
        "issuer": certification.issuer,
        "number": certification.number,
        "valid_from": certification.valid_from,
        "valid_until": certification.valid_until,
    }


def certification_change(certification: Certification, journal: Journal, **values) -> None:
    before = certification_values(certification)
    for name, value in values.items():
        setattr(certification, name, value)
    certification.save()
    after = certification_values(certification)
    for name in ("issuer", "number", "valid_from", "valid_until"):
        journal.log("certification", certification_key(certification), name, before[name], after[name])


def reference_key(reference: ProfileReference) -> str:
    return str(reference)


def reference_values(reference: ProfileReference) -> dict:
    return {"client": reference.client, "project": reference.project, "visibility": reference.visibility}
