"""Checks shared by the profile services: taxonomy codes, measured specifications, dates, languages.

Every check raises ``ProfileValidationError`` naming the field, so that a form, the admin and
the spreadsheet import can all say which cell is wrong.
"""

from __future__ import annotations

import gettext
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import ReferenceVisibility
from maillage.taxonomy.labels import node_label
from maillage.taxonomy.models import NodeType, TaxonomyNode
from maillage.taxonomy.selectors import node_by_code
from maillage.taxonomy.units import UnitError, UnitRegistry

CAPABILITY_TYPES = (NodeType.PROCESS, NodeType.MATERIAL, NodeType.SERVICE)

# An empty date cell formatted as a date shows as 1899-12-30 or 1900-01-00 in spreadsheets,
# and a mistyped year ("0202") parses as year 202: no certificate predates this.
EARLIEST_PLAUSIBLE_DATE = date(1950, 1, 1)

# "300 t", "300t", "1 200,5 mm", "2.5 kW", "12 000 tr/min": a number, then its unit.
_MEASURE_RE = re.compile(r"^\s*([+-]?\d[\d\s\u00a0\u202f]*(?:[.,]\d+)?)\s*(.*?)\s*$")

# Significant digits kept after a unit conversion, so that 29.42 kN read as tf does not
# become 2.99999999997 and differ from itself on the next import.
_SIGNIFICANT_DIGITS = 9


@cache
def unit_registry() -> UnitRegistry:
    return UnitRegistry.from_file()


def type_labels(types: Iterable[str]) -> str:
    return ", ".join(str(NodeType(node_type).label).lower() for node_type in types)


def resolve_node(
    code: str,
    types: Collection[str],
    field: str,
    *,
    allow_inactive: Collection[str] = (),
) -> TaxonomyNode:
    """The taxonomy node of ``code``, which must be of one of ``types`` and active.

    Inactive nodes (removed from the files) stay on the profiles that already hold them, so
    ``allow_inactive`` lists the codes a profile may keep.
    """
    code = (code or "").strip()
    if not code:
        raise ProfileValidationError(field, _("code manquant"))
    node = node_by_code(code)
    if node is None:
        raise ProfileValidationError(field, _("code inconnu de la taxonomie « %(code)s »") % {"code": code})
    if node.type not in types:
        raise ProfileValidationError(
            field,
            _("« %(code)s » est de type %(found)s ; attendu : %(expected)s")
            % {"code": code, "found": node.get_type_display().lower(), "expected": type_labels(types)},
        )
    if not node.is_active and code not in allow_inactive:
        raise ProfileValidationError(
            field, _("« %(code)s » n’est plus utilisé dans la taxonomie") % {"code": code}
        )
    return node


@dataclass(frozen=True)
class Measure:
    key: str
    value: float  # in ``unit``, the unit the taxonomy declares for the specification
    unit: str
    entered: str  # what the member wrote, kept to show it back in their own words


def parse_number(text: str) -> float:
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    return float(cleaned)


def _round(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    digits = _SIGNIFICANT_DIGITS - int(math.floor(math.log10(abs(value)))) - 1
    return round(value, digits)


def _is_unit(registry, text: str) -> bool:
    folded = text.strip().casefold()
    return bool(folded) and any(
        folded in (spelling.casefold() for spelling in unit.spellings()) for unit in registry.units.values()
    )


def measure_spec(spec: dict, field: str, *, text: str | None = None, value=None, unit: str = "") -> Measure:
    """Validate one specification of an equipment and express it in the declared unit.

    Either ``text`` ("300 t") or ``value`` and ``unit`` are given. The unit is looked up among
    the units of the quantity the specification measures: "300 t" is a press force, "300 kg"
    is refused for it. A number without unit is refused too: guessing would silently turn
    millimetres into metres.
    """
    registry = unit_registry()
    declared = registry.units[spec["unit"]]
    if text is not None:
        entered = " ".join(str(text).split())
        match = _MEASURE_RE.match(entered)
        if not entered:
            raise ProfileValidationError(field, _("valeur manquante"))
        if match is None:
            raise ProfileValidationError(
                field, _("« %(text)s » n’est pas une mesure (exemple : « 300 t »)") % {"text": entered}
            )
        number, unit = parse_number(match.group(1)), match.group(2)
    else:
        if value is None or isinstance(value, bool):
            raise ProfileValidationError(field, _("valeur manquante"))
        number, unit = float(value), (unit or "").strip()
        entered = f"{number:g} {unit}".strip()
    if not math.isfinite(number):
        raise ProfileValidationError(field, _("valeur non numérique"))
    if registry.quantities[declared.quantity].base == "count" and not _is_unit(registry, unit):
        # « Nombre d'axes : 5 » or « 5 axes »: a count takes a plain number, or its noun.
        unit = declared.code
    if not unit:
        raise ProfileValidationError(
            field,
            _("unité manquante pour « %(text)s » (attendu : une unité de %(quantity)s, par exemple %(unit)s)")
            % {
                "text": entered,
                "quantity": node_label(registry.quantities[declared.quantity]),
                "unit": declared.code,
            },
        )
    try:
        found = registry.resolve(unit, declared.quantity)
    except UnitError as error:
        raise ProfileValidationError(field, str(error)) from None
    converted = (
        number if found.code == declared.code else _round(registry.convert(number, found.code, declared.code))
    )
    low, high = spec.get("min"), spec.get("max")
    if (low is not None and converted < low) or (high is not None and converted > high):
        raise ProfileValidationError(
            field,
            _("%(value)s %(unit)s hors de la plage plausible (%(low)s à %(high)s %(unit)s)")
            % {
                "value": f"{converted:g}",
                "unit": declared.code,
                "low": "…" if low is None else f"{low:g}",
                "high": "…" if high is None else f"{high:g}",
            },
        )
    return Measure(key=spec["key"], value=converted, unit=declared.code, entered=entered)


def specs_of(node: TaxonomyNode) -> dict[str, dict]:
    return {spec["key"]: spec for spec in node.effective_specs()}


def spec_for(declared: dict[str, dict], key: str, field: str, node: TaxonomyNode) -> dict:
    spec = declared.get(key)
    if spec is None:
        known = ", ".join(sorted(declared)) or _("aucune")
        raise ProfileValidationError(
            field,
            _("caractéristique « %(key)s » inconnue pour %(code)s (connues : %(known)s)")
            % {"key": key, "code": node.code, "known": known},
        )
    return spec


def check_validity(valid_from: date | None, valid_until: date | None, field_prefix: str = "") -> None:
    """Certificate dates: an end before the start is an error; a past start is normal.

    A certificate whose validity already ended is accepted (the history of a supplier's
    approvals matters, and a spreadsheet may hold last year's certificate) and shown expired.
    """
    for name, value in (("valid_from", valid_from), ("valid_until", valid_until)):
        if value is not None and value < EARLIEST_PLAUSIBLE_DATE:
            raise ProfileValidationError(
                field_prefix + name,
                _("date invraisemblable %(date)s (antérieure au %(earliest)s)")
                % {"date": value.isoformat(), "earliest": EARLIEST_PLAUSIBLE_DATE.strftime("%d/%m/%Y")},
            )
    if valid_from and valid_until and valid_until < valid_from:
        raise ProfileValidationError(
            field_prefix + "valid_until",
            _("la fin de validité (%(until)s) précède son début (%(start)s)")
            % {"until": valid_until.isoformat(), "start": valid_from.isoformat()},
        )


@cache
def iso_639_1() -> frozenset[str]:
    return frozenset(language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2"))


def language_name_fr(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        return code
    french = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    return french.gettext(language.name)


def clean_languages(codes: Iterable[str], field: str = "languages") -> list[str]:
    cleaned = []
    for code in codes:
        normalised = (code or "").strip().lower()
        if normalised not in iso_639_1():
            raise ProfileValidationError(
                field,
                _("code de langue ISO 639-1 inconnu « %(code)s » (exemple : fr, en, de)") % {"code": code},
            )
        cleaned.append(normalised)
    return sorted(dict.fromkeys(cleaned))


def clean_text_list(values: Iterable[str]) -> list[str]:
    cleaned = (" ".join((value or "").split()) for value in values)
    return list(dict.fromkeys(value for value in cleaned if value))


def check_not_future(value: date | None, field: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ProfileValidationError(field, _("date dans le futur : %(date)s") % {"date": value.isoformat()})


def clean_reference(client: str, project: str, visibility: str, prefix: str = "") -> tuple[str, str, str]:
    client, project = " ".join((client or "").split()), " ".join((project or "").split())
    if not client:
        raise ProfileValidationError(prefix + "client", _("client manquant"))
    if visibility not in ReferenceVisibility.values:
        raise ProfileValidationError(
            prefix + "visibility",
            _("visibilité inconnue « %(value)s » (attendu : public ou members)") % {"value": visibility},
        )
    return client, project, visibility


_ENVELOPE_FIELDS = ("max_part_length_mm", "max_part_width_mm", "max_part_height_mm", "max_part_mass_kg")


def _positive_or_none(value, field: str, *, maximum: float | None = None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileValidationError(field, _("nombre attendu"))
    if value <= 0 or (maximum is not None and value > maximum):
        bound = f" ≤ {maximum:g}" if maximum is not None else ""
        raise ProfileValidationError(
            field, _("valeur attendue > 0%(bound)s, reçu %(value)s") % {"bound": bound, "value": value}
        )
    return value


def clean_profile_values(given: dict, *, current=None) -> dict:
    """Check and normalise scalar profile fields; ``current`` (a Profile) completes the batch pair."""
    cleaned = {}
    for name, value in given.items():
        if name in ("description_fr", "description_en", "capacity_text"):
            cleaned[name] = (value or "").strip()
        elif name == "products":
            cleaned[name] = clean_text_list(value)
        elif name == "languages":
            cleaned[name] = clean_languages(value)
        elif name == "capacity_percent":
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100
            ):
                raise ProfileValidationError(
                    name, _("pourcentage entier de 0 à 100 attendu, reçu %(value)s") % {"value": value}
                )
            cleaned[name] = value
        elif name == "capacity_hours_per_week":
            # 0 h/week is a meaningful answer ("full"): only negative and impossible values are refused.
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 168
            ):
                raise ProfileValidationError(
                    name, _("nombre d’heures de 0 à 168 attendu, reçu %(value)s") % {"value": value}
                )
            cleaned[name] = value
        elif name == "capacity_stated_on":
            check_not_future(value, name)
            cleaned[name] = value
        elif name in _ENVELOPE_FIELDS:
            cleaned[name] = _positive_or_none(value, name)
        elif name in ("batch_min", "batch_max"):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ProfileValidationError(name, _("nombre entier attendu"))
            cleaned[name] = _positive_or_none(value, name)
    batch_min_value = cleaned.get("batch_min", getattr(current, "batch_min", None))
    batch_max_value = cleaned.get("batch_max", getattr(current, "batch_max", None))
    if batch_min_value is not None and batch_max_value is not None and batch_max_value < batch_min_value:
        raise ProfileValidationError(
            "batch_max",
            _("la série maximale (%(max)s) est inférieure à la série minimale (%(min)s)")
            % {"max": batch_max_value, "min": batch_min_value},
        )
    return cleaned
