"""Units of the equipment specifications: which spellings mean what, and how to convert.

No database: the registry is read from ``data/units.toml`` and is used by the
taxonomy loader to check the specifications declared in the files, and by profile code to
turn "300 t" into a press force while refusing "300 kg" for the same field.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from maillage.taxonomy.labels import node_label

DATA_DIR = Path(__file__).resolve().parent / "data"
UNITS_FILE = DATA_DIR / "units.toml"


class UnitError(ValueError):
    pass


@dataclass(frozen=True)
class Quantity:
    code: str
    label_fr: str
    label_en: str
    base: str


@dataclass(frozen=True)
class Unit:
    code: str
    quantity: str
    factor: float
    aliases: tuple[str, ...] = ()

    def spellings(self) -> tuple[str, ...]:
        return (self.code, *self.aliases)


@dataclass
class UnitRegistry:
    quantities: dict[str, Quantity] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: dict) -> "UnitRegistry":
        """Build from the parsed TOML; raises UnitError on an inconsistent file."""
        registry = cls()
        for code, spec in data.get("quantity", {}).items():
            registry.quantities[code] = Quantity(code, spec["label_fr"], spec["label_en"], spec["base"])
        for spec in data.get("unit", []):
            unit = Unit(spec["code"], spec["quantity"], float(spec["factor"]), tuple(spec.get("aliases", ())))
            if unit.quantity not in registry.quantities:
                raise UnitError(f"unit {unit.code}: unknown quantity {unit.quantity!r}")
            if unit.code in registry.units:
                raise UnitError(f"unit {unit.code}: declared twice")
            registry.units[unit.code] = unit
        for quantity in registry.quantities.values():
            if quantity.base not in registry.units:
                raise UnitError(f"quantity {quantity.code}: base unit {quantity.base!r} is not declared")
        return registry

    @classmethod
    def from_file(cls, path: Path = UNITS_FILE) -> "UnitRegistry":
        with path.open("rb") as handle:
            return cls.from_mapping(tomllib.load(handle))

    def resolve(self, text: str, quantity: str) -> Unit:
        """The unit of ``quantity`` that ``text`` spells; exact spelling first, then any case."""
        if quantity not in self.quantities:
            raise UnitError(f"unknown quantity {quantity!r}")
        wanted = text.strip()
        candidates = [unit for unit in self.units.values() if unit.quantity == quantity]
        for unit in candidates:
            if wanted in unit.spellings():
                return unit
        folded = wanted.casefold()
        for unit in candidates:
            if folded in (spelling.casefold() for spelling in unit.spellings()):
                return unit
        others = sorted(
            {
                node_label(self.quantities[unit.quantity])
                for unit in self.units.values()
                if folded in (spelling.casefold() for spelling in unit.spellings())
            }
        )
        expected = node_label(self.quantities[quantity])
        if others:
            raise UnitError(
                _("« %(unit)s » est une unité de %(found)s, pas de %(expected)s")
                % {"unit": wanted, "found": ", ".join(others), "expected": expected}
            )
        raise UnitError(
            _("unité inconnue « %(unit)s » (attendu : une unité de %(expected)s)")
            % {"unit": wanted, "expected": expected}
        )

    def convert(self, value: float, from_unit: str, to_unit: str) -> float:
        source, target = self.units[from_unit], self.units[to_unit]
        if source.quantity != target.quantity:
            raise UnitError(
                f"cannot convert {source.code} ({source.quantity}) to {target.code} ({target.quantity})"
            )
        return value * source.factor / target.factor
