"""Writes to profiles. Each service validates, writes atomically and records who changed what.

``actor`` is the user acting (None for a command or the NAF inference) and ``source`` the
channel (``ChangeSource``: member, animator, spreadsheet, inference). Bad values raise
``ProfileValidationError(field, message)``; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.models import Establishment
from maillage.profiles import rows, snapshot_apply
from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.journal import Journal, ProfileDiff
from maillage.profiles.models import (
    CapabilityLevel,
    CapabilityStatus,
    Certification,
    ChangeSource,
    Equipment,
    Profile,
    ProfileCapability,
    ProfileReference,
    ProfileSector,
    ReferenceVisibility,
)
from maillage.profiles.snapshot import ProfileSnapshot
from maillage.profiles.validation import (
    CAPABILITY_TYPES,
    Measure,
    check_validity,
    clean_profile_values,
    clean_reference,
    measure_spec,
    resolve_node,
    spec_for,
    specs_of,
)
from maillage.taxonomy.models import NodeType, TaxonomyNode
from maillage.taxonomy.selectors import naf_capability_hints

__all__ = ["ProfileDiff", "ProfileValidationError"]

_UNSET = object()

# Hints at least this likely describe the activity itself (docs/taxonomy.md): core, not secondary.
CORE_INFERENCE_WEIGHT = 0.9

SpecInput = str | tuple[float, str]


def profile_for(establishment: Establishment) -> Profile:
    """The establishment's profile, created empty on first write (callers are atomic)."""
    profile, _created = Profile.objects.get_or_create(establishment=establishment)
    return profile


# --- profile fields -------------------------------------------------------------------------

_CAPACITY_FIELDS = ("capacity_text", "capacity_percent", "capacity_hours_per_week")


@transaction.atomic
def profile_update(
    *,
    establishment: Establishment,
    actor: User | None,
    source: str,
    description_fr: str | object = _UNSET,
    description_en: str | object = _UNSET,
    products: Sequence[str] | object = _UNSET,
    capacity_text: str | object = _UNSET,
    capacity_percent: int | None | object = _UNSET,
    capacity_hours_per_week: float | None | object = _UNSET,
    capacity_stated_on: date | None | object = _UNSET,
    max_part_length_mm: float | None | object = _UNSET,
    max_part_width_mm: float | None | object = _UNSET,
    max_part_height_mm: float | None | object = _UNSET,
    max_part_mass_kg: float | None | object = _UNSET,
    batch_min: int | None | object = _UNSET,
    batch_max: int | None | object = _UNSET,
    languages: Sequence[str] | object = _UNSET,
) -> ProfileDiff:
    """Update the given scalar fields of the profile; fields left out keep their value."""
    given = {name: value for name, value in locals().items() if value is not _UNSET}
    for name in ("establishment", "actor", "source"):
        given.pop(name)
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    cleaned = clean_profile_values(given, current=profile)
    capacity_changed = any(
        name in cleaned and cleaned[name] != getattr(profile, name) for name in _CAPACITY_FIELDS
    )
    if capacity_changed and "capacity_stated_on" not in cleaned:
        cleaned["capacity_stated_on"] = timezone.localdate()
    for name, value in cleaned.items():
        journal.log("profile", "", name, getattr(profile, name), value)
        setattr(profile, name, value)
    if journal.rows:
        profile.save()
    return journal.save()


# --- capabilities ---------------------------------------------------------------------------


def _capability_key(node: TaxonomyNode) -> str:
    return node.code


def _check_level(level: str | None) -> None:
    if level is not None and level not in CapabilityLevel.values:
        raise ProfileValidationError(
            "level", _("niveau inconnu « %(level)s » (attendu : core ou secondary)") % {"level": level}
        )


def _default_status(source: str) -> str:
    # The company speaks for itself (directly or through its spreadsheet); an animator proposes.
    return CapabilityStatus.PROPOSED if source == ChangeSource.ANIMATOR else CapabilityStatus.CONFIRMED


@transaction.atomic
def profile_capability_set(
    *,
    establishment: Establishment,
    code: str,
    actor: User | None,
    source: str,
    level: str | None = None,
    status: str | None = None,
) -> ProfileCapability:
    """Declare (confirmed) or propose a capability; a proposal never downgrades a confirmed one."""
    _check_level(level)
    status = status or _default_status(source)
    if status not in (CapabilityStatus.CONFIRMED, CapabilityStatus.PROPOSED):
        raise ProfileValidationError(
            "status", _("statut « %(status)s » impossible ici (confirmed ou proposed)") % {"status": status}
        )
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    node = resolve_node(code, CAPABILITY_TYPES, "code")
    existing = ProfileCapability.objects.filter(profile=profile, node=node).first()
    if existing and existing.status == CapabilityStatus.CONFIRMED and status == CapabilityStatus.PROPOSED:
        return existing
    capability = rows.capability_write(profile, journal, node, status=status, level=level)
    journal.save()
    return capability


def _existing_capability(profile: Profile, code: str) -> ProfileCapability:
    capability = ProfileCapability.objects.filter(profile=profile, node__code=(code or "").strip()).first()
    if capability is None:
        raise ProfileValidationError("code", _("« %(code)s » n’est pas dans ce profil") % {"code": code})
    return capability


@transaction.atomic
def profile_capability_confirm(
    *,
    establishment: Establishment,
    code: str,
    actor: User | None,
    source: str,
    level: str | None = None,
) -> ProfileCapability:
    """The company confirms an inferred or proposed capability (or takes back a rejection)."""
    _check_level(level)
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    capability = _existing_capability(profile, code)
    capability = rows.capability_write(
        profile, journal, capability.node, status=CapabilityStatus.CONFIRMED, level=level
    )
    journal.save()
    return capability


@transaction.atomic
def profile_capability_reject(
    *, establishment: Establishment, code: str, actor: User | None, source: str
) -> ProfileCapability:
    """Mark a capability as not practised. The row stays so that inference never brings it back.

    A code absent from the profile may be rejected too, to rule out an inference in advance.
    """
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    node = resolve_node(code, CAPABILITY_TYPES, "code", allow_inactive=[(code or "").strip()])
    capability = rows.capability_write(profile, journal, node, status=CapabilityStatus.REJECTED, level=None)
    journal.save()
    return capability


@transaction.atomic
def profile_infer_from_naf(
    *,
    establishment: Establishment,
    actor: User | None = None,
    source: str = ChangeSource.INFERENCE,
    naf_code: str | None = None,
    min_weight: float = 0.0,
) -> ProfileDiff:
    """Pre-fill the profile with the capabilities the NAF code makes likely, as *inferred*.

    Confirmed, proposed and rejected capabilities are never touched; inferred ones no longer
    implied by the NAF code (it changed, or the hints did) are removed. Only process, material
    and service hints become capabilities: a machine or a certificate is not presumed.
    """
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    naf_code = naf_code if naf_code is not None else establishment.naf_id
    hints = [
        (node, weight)
        for node, weight in (naf_capability_hints(naf_code, min_weight=min_weight) if naf_code else [])
        if node.type in CAPABILITY_TYPES
    ]
    existing = {capability.node_id: capability for capability in profile.capabilities.select_related("node")}
    for node, weight in hints:
        capability = existing.pop(node.pk, None)
        if capability is None:
            level = CapabilityLevel.CORE if weight >= CORE_INFERENCE_WEIGHT else CapabilityLevel.SECONDARY
            ProfileCapability.objects.create(
                profile=profile,
                node=node,
                status=CapabilityStatus.INFERRED,
                level=level,
                inference_weight=weight,
            )
            journal.added(
                "capability",
                node.code,
                {"status": CapabilityStatus.INFERRED, "level": level, "weight": weight},
            )
        elif capability.status == CapabilityStatus.INFERRED and capability.inference_weight != weight:
            journal.log("capability", node.code, "inference_weight", capability.inference_weight, weight)
            capability.inference_weight = weight
            capability.save(update_fields=["inference_weight", "updated_at"])
    for capability in existing.values():
        if capability.status == CapabilityStatus.INFERRED:
            journal.removed(
                "capability", capability.node.code, {"status": capability.status, "level": capability.level}
            )
            capability.delete()
    return journal.save()


# --- equipment ------------------------------------------------------------------------------


def _measures(node: TaxonomyNode, specs: Mapping[str, SpecInput], prefix: str) -> list[Measure]:
    declared = specs_of(node)
    measures = []
    for key, given in specs.items():
        field = f"{prefix}.{key}"
        spec = spec_for(declared, key, field, node)
        if isinstance(given, tuple):
            value, unit = given
            measures.append(measure_spec(spec, field, value=value, unit=unit))
        else:
            measures.append(measure_spec(spec, field, text=given))
    return measures


def _check_quantity(quantity, field: str = "quantity") -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ProfileValidationError(
            field, _("nombre entier ≥ 1 attendu, reçu %(value)s") % {"value": quantity}
        )
    return quantity


def _check_equipment_duplicate(
    profile: Profile, node: TaxonomyNode, label: str, field: str, exclude=None
) -> None:
    duplicates = Equipment.objects.filter(profile=profile, node=node, label=label)
    if exclude is not None:
        duplicates = duplicates.exclude(pk=exclude.pk)
    if duplicates.exists():
        raise ProfileValidationError(
            field,
            _("équipement en double : %(code)s « %(label)s » existe déjà (augmentez plutôt le nombre)")
            % {"code": node.code, "label": label},
        )


@transaction.atomic
def profile_equipment_add(
    *,
    establishment: Establishment,
    code: str,
    actor: User | None,
    source: str,
    label: str = "",
    quantity: int = 1,
    specs: Mapping[str, SpecInput] | None = None,
) -> Equipment:
    """Add a machine; ``specs`` maps spec keys of the node to "300 t" or (300, "t")."""
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    node = resolve_node(code, (NodeType.EQUIPMENT,), "code")
    label = " ".join(label.split())
    quantity = _check_quantity(quantity)
    measures = _measures(node, specs or {}, "specs")
    _check_equipment_duplicate(profile, node, label, "label")
    equipment = rows.equipment_create(profile, journal, node, label, quantity, measures)
    journal.save()
    return equipment


@transaction.atomic
def profile_equipment_update(
    *,
    equipment: Equipment,
    actor: User | None,
    source: str,
    label: str | object = _UNSET,
    quantity: int | object = _UNSET,
    specs: Mapping[str, SpecInput] | object = _UNSET,
) -> Equipment:
    """Change a machine; ``specs``, when given, replaces all its specifications."""
    journal = Journal(equipment.profile, actor, source)
    values = {}
    if label is not _UNSET:
        values["label"] = " ".join(label.split())
        _check_equipment_duplicate(
            equipment.profile, equipment.node, values["label"], "label", exclude=equipment
        )
    if quantity is not _UNSET:
        values["quantity"] = _check_quantity(quantity)
    if specs is not _UNSET:
        values["measures"] = _measures(equipment.node, specs, "specs")
    rows.equipment_change(equipment, journal, **values)
    journal.save()
    return equipment


@transaction.atomic
def profile_equipment_remove(*, equipment: Equipment, actor: User | None, source: str) -> None:
    journal = Journal(equipment.profile, actor, source)
    journal.removed("equipment", rows.equipment_key(equipment), rows.equipment_values(equipment))
    equipment.delete()
    journal.save()


# --- certifications -------------------------------------------------------------------------


def _check_certification_duplicate(
    profile: Profile, node: TaxonomyNode, number: str, field: str, exclude=None
) -> None:
    duplicates = Certification.objects.filter(profile=profile, node=node, number=number)
    if exclude is not None:
        duplicates = duplicates.exclude(pk=exclude.pk)
    if duplicates.exists():
        raise ProfileValidationError(
            field,
            _("certification en double : %(code)s n° « %(number)s » existe déjà")
            % {"code": node.code, "number": number},
        )


@transaction.atomic
def profile_certification_add(
    *,
    establishment: Establishment,
    code: str,
    actor: User | None,
    source: str,
    issuer: str = "",
    number: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Certification:
    """Add a certificate. Its validity may already have ended: it is kept and shown expired."""
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    node = resolve_node(code, (NodeType.CERTIFICATION,), "code")
    issuer, number = " ".join(issuer.split()), number.strip()
    check_validity(valid_from, valid_until)
    _check_certification_duplicate(profile, node, number, "number")
    certification = Certification.objects.create(
        profile=profile,
        node=node,
        issuer=issuer,
        number=number,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    journal.added(
        "certification", rows.certification_key(certification), rows.certification_values(certification)
    )
    journal.save()
    return certification


@transaction.atomic
def profile_certification_update(
    *,
    certification: Certification,
    actor: User | None,
    source: str,
    issuer: str | object = _UNSET,
    number: str | object = _UNSET,
    valid_from: date | None | object = _UNSET,
    valid_until: date | None | object = _UNSET,
) -> Certification:
    journal = Journal(certification.profile, actor, source)
    values = {
        name: value
        for name, value in (
            ("issuer", issuer),
            ("number", number),
            ("valid_from", valid_from),
            ("valid_until", valid_until),
        )
        if value is not _UNSET
    }
    if "issuer" in values:
        values["issuer"] = " ".join(values["issuer"].split())
    if "number" in values:
        values["number"] = values["number"].strip()
        _check_certification_duplicate(
            certification.profile, certification.node, values["number"], "number", exclude=certification
        )
    check_validity(
        values.get("valid_from", certification.valid_from),
        values.get("valid_until", certification.valid_until),
    )
    rows.certification_change(certification, journal, **values)
    journal.save()
    return certification


@transaction.atomic
def profile_certification_remove(*, certification: Certification, actor: User | None, source: str) -> None:
    journal = Journal(certification.profile, actor, source)
    journal.removed(
        "certification", rows.certification_key(certification), rows.certification_values(certification)
    )
    certification.delete()
    journal.save()


# --- sectors and references -----------------------------------------------------------------


@transaction.atomic
def profile_sector_add(
    *, establishment: Establishment, code: str, actor: User | None, source: str
) -> ProfileSector:
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    node = resolve_node(code, (NodeType.SECTOR,), "code")
    if ProfileSector.objects.filter(profile=profile, node=node).exists():
        raise ProfileValidationError("code", _("secteur en double : %(code)s") % {"code": node.code})
    sector = ProfileSector.objects.create(profile=profile, node=node)
    journal.added("sector", node.code, {"code": node.code})
    journal.save()
    return sector


@transaction.atomic
def profile_sector_remove(*, sector: ProfileSector, actor: User | None, source: str) -> None:
    journal = Journal(sector.profile, actor, source)
    journal.removed("sector", sector.node.code, {"code": sector.node.code})
    sector.delete()
    journal.save()


@transaction.atomic
def profile_reference_add(
    *,
    establishment: Establishment,
    client: str,
    actor: User | None,
    source: str,
    project: str = "",
    visibility: str = ReferenceVisibility.MEMBERS,
) -> ProfileReference:
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    client, project, visibility = clean_reference(client, project, visibility)
    if ProfileReference.objects.filter(profile=profile, client=client, project=project).exists():
        raise ProfileValidationError(
            "project",
            _("référence en double : %(client)s — %(project)s") % {"client": client, "project": project},
        )
    reference = ProfileReference.objects.create(
        profile=profile, client=client, project=project, visibility=visibility
    )
    journal.added("reference", rows.reference_key(reference), rows.reference_values(reference))
    journal.save()
    return reference


@transaction.atomic
def profile_reference_update(
    *, reference: ProfileReference, visibility: str, actor: User | None, source: str
) -> ProfileReference:
    journal = Journal(reference.profile, actor, source)
    clean_reference(reference.client, reference.project, visibility)
    journal.log("reference", rows.reference_key(reference), "visibility", reference.visibility, visibility)
    reference.visibility = visibility
    reference.save()
    journal.save()
    return reference


@transaction.atomic
def profile_reference_remove(*, reference: ProfileReference, actor: User | None, source: str) -> None:
    journal = Journal(reference.profile, actor, source)
    journal.removed("reference", rows.reference_key(reference), rows.reference_values(reference))
    reference.delete()
    journal.save()


# --- snapshots (spreadsheet import) ---------------------------------------------------------


@transaction.atomic
def profile_apply_snapshot(
    *,
    establishment: Establishment,
    snapshot: ProfileSnapshot,
    actor: User | None,
    source: str,
    parts: Collection[str] | None = None,
) -> ProfileDiff:
    """Make the declared part of the profile equal to ``snapshot``: adds, updates, removes.

    ``parts`` limits the work to some of ``snapshot_apply.PARTS`` (a spreadsheet without a
    "certifications" column must not erase the certifications). Inferred, proposed and
    rejected capabilities are left alone; a confirmed capability missing from the snapshot
    becomes *rejected*, so that the NAF inference does not bring it back. Everything is
    validated before anything is written; applying the same snapshot twice changes nothing.
    """
    profile = profile_for(establishment)
    journal = Journal(profile, actor, source)
    plan = snapshot_apply.validate(profile, snapshot, parts)
    if plan.description is not None:
        journal.log("profile", "", "description_fr", profile.description_fr, plan.description)
        if profile.description_fr != plan.description:
            profile.description_fr = plan.description
            profile.save(update_fields=["description_fr", "updated_at"])
    if plan.capabilities is not None:
        snapshot_apply.apply_capabilities(profile, journal, plan.capabilities)
    if plan.certifications is not None:
        snapshot_apply.apply_certifications(profile, journal, plan.certifications)
    if plan.equipment is not None:
        snapshot_apply.apply_equipment(profile, journal, plan.equipment)
    if plan.sectors is not None:
        snapshot_apply.apply_sectors(profile, journal, plan.sectors)
    if plan.references is not None:
        snapshot_apply.apply_references(profile, journal, plan.references)
    return journal.save()
