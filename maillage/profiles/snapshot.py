"""The declared part of a profile as plain, comparable values (no Django import).

A spreadsheet export writes a ``ProfileSnapshot``, an import reads one and hands it to
``profile_apply_snapshot``. Tuples are sorted and de-duplicated on construction so that two
snapshots describing the same profile compare equal whatever order the cells were in: that
equality is what makes "export then import" a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

VISIBILITY_PUBLIC = "public"
VISIBILITY_MEMBERS = "members"


def _date_key(value: date | None) -> str:
    return value.isoformat() if value else ""


def _unique_sorted(values, key=None) -> tuple:
    return tuple(sorted(dict.fromkeys(values), key=key))


@dataclass(frozen=True)
class CertificationEntry:
    code: str  # taxonomy node code of type certification
    issuer: str = ""
    number: str = ""
    valid_from: date | None = None
    valid_until: date | None = None

    def sort_key(self) -> tuple:
        return (self.code, self.issuer, self.number, _date_key(self.valid_from), _date_key(self.valid_until))


@dataclass(frozen=True)
class SpecValue:
    name: str  # spec key declared by the taxonomy equipment node, e.g. "force"
    value: float  # in the canonical unit of that spec
    unit: str  # canonical unit symbol, e.g. "tf"


@dataclass(frozen=True)
class EquipmentEntry:
    code: str  # taxonomy node code of type equipment
    label: str = ""  # the member's own words, e.g. "presse Schuler 300 t"
    quantity: int = 1
    specs: tuple[SpecValue, ...] = ()

    def __post_init__(self):
        object.__setattr__(
            self, "specs", _unique_sorted(self.specs, key=lambda spec: (spec.name, spec.value, spec.unit))
        )

    def sort_key(self) -> tuple:
        return (self.code, self.label, self.quantity, tuple((s.name, s.value, s.unit) for s in self.specs))


@dataclass(frozen=True)
class ReferenceEntry:
    client: str
    project: str = ""
    visibility: str = VISIBILITY_MEMBERS  # "public" | "members"

    def sort_key(self) -> tuple:
        return (self.client, self.project, self.visibility)


@dataclass(frozen=True)
class ProfileSnapshot:
    description: str = ""
    capabilities: tuple[str, ...] = ()  # process/material/service codes, declared (confirmed)
    certifications: tuple[CertificationEntry, ...] = ()
    equipment: tuple[EquipmentEntry, ...] = ()
    sectors: tuple[str, ...] = ()
    references: tuple[ReferenceEntry, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "capabilities", _unique_sorted(self.capabilities))
        object.__setattr__(self, "sectors", _unique_sorted(self.sectors))
        object.__setattr__(
            self, "certifications", _unique_sorted(self.certifications, key=CertificationEntry.sort_key)
        )
        object.__setattr__(self, "equipment", _unique_sorted(self.equipment, key=EquipmentEntry.sort_key))
        object.__setattr__(self, "references", _unique_sorted(self.references, key=ReferenceEntry.sort_key))
