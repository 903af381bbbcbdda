"""Plain input types: what the Django side (or the benchmark) hands to the engine.

Identifiers are strings (SIRET, NAF, department). Claims may be given as the dataclasses
below or as plain tuples ``(node_code, status, level)``, ``(code, valid_from, valid_until)``,
``(node_code, specs)``: the database layer builds whichever is handier.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

CONFIRMED, INFERRED, PROPOSED, MENTIONED = "confirmed", "inferred", "proposed", "mentioned"
CORE, SECONDARY = "core", "secondary"
STATUSES = (CONFIRMED, INFERRED, PROPOSED, MENTIONED)
LEVELS = (CORE, SECONDARY)


@dataclass(frozen=True, slots=True)
class CapabilityClaim:
    node_code: str
    status: str = CONFIRMED
    level: str = CORE
    # For an inferred claim: the NAF hint weight (how likely the activity makes it).
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class CertificationClaim:
    node_code: str
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class EquipmentClaim:
    node_code: str
    # Values in the unit the taxonomy declares for the specification (press force in tf,
    # lengths in mm): the caller converts with maillage.taxonomy.units.UnitRegistry.
    specs: Mapping[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class EngineDocument:
    doc_key: str  # SIRET
    name: str
    naf_code: str = ""
    naf_label: str = ""
    description: str = ""
    capabilities: Sequence = ()
    certifications: Sequence = ()
    equipment: Sequence = ()
    sectors: Sequence[str] = ()  # sector node codes
    references_text: str = ""
    # What the company wrote that waits for a review (an unrecognised capability, a machine to
    # confirm): searchable as its own words, in a field of its own, never read as a claim.
    own_words: str = ""
    headcount_min: int | None = None
    headcount_max: int | None = None
    department: str = ""
    commune: str = ""  # a readable place name for explanations
    lat: float | None = None
    lon: float | None = None
    networks: Sequence[str] = ()
    completeness: float = 0.0


def capability_claims(items: Sequence) -> list[CapabilityClaim]:
    claims = []
    for item in items:
        if isinstance(item, CapabilityClaim):
            claims.append(item)
        elif isinstance(item, str):
            claims.append(CapabilityClaim(item))
        else:
            claims.append(CapabilityClaim(*item))
    return claims


def certification_claims(items: Sequence) -> list[CertificationClaim]:
    return [item if isinstance(item, CertificationClaim) else CertificationClaim(*item) for item in items]


def equipment_claims(items: Sequence) -> list[EquipmentClaim]:
    claims = []
    for item in items:
        if isinstance(item, EquipmentClaim):
            claims.append(item)
        elif isinstance(item, str):
            claims.append(EquipmentClaim(item))
        else:
            claims.append(EquipmentClaim(*item))
    return claims
