"""French typography, applied in one place: spaces, elision, numbers and units.

French puts a non-breaking space before « : » and inside « », a narrow one before « ; ! ? »
(Imprimerie nationale's rule, the one French readers see in print), groups thousands with a
narrow non-breaking space (« 20 000 »), writes one apostrophe (’), elides « de » before a vowel
(« adhérent d’Industries Alsace du Nord ») and abbreviates units its own way (« tr/min », not
« rpm »). English text is left as written, except numbers and units.

The functions take plain text and return plain text (escaping stays the template's job); the
template filters of ``maillage.www.templatetags.typography`` call them for the active language.
"""

from __future__ import annotations

import re
from decimal import Decimal

NBSP = "\u00a0"  # before « : », inside « »
NNBSP = "\u202f"  # before « ; ! ? », between thousands
_VOWELS = "aeiouyàâäéèêëîïôöûüùœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÛÜÙŒÆ"
# A space (or none) before a high punctuation mark, not inside a URL or a time (« 10:30 »).
_BEFORE_COLON = re.compile(r"(?<=[^\s\d:/])[ \u00a0\u202f]?:(?=\s|$)")
_BEFORE_HIGH = re.compile(r"(?<=\S)[ \u00a0\u202f]?([;!?])(?=\s|$|[»)])")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")

# The unit as stored (the taxonomy's spec units, SI-ish) → as a French reader writes it.
# ``None``: a count, shown as a plain number (« 5 axes » comes from the label, not the unit).
UNITS_FR = {
    "count": None,
    "rpm": "tr/min",
    "tf": "tf",
    "t": "t",
    "mm": "mm",
    "m": "m",
    "kg": "kg",
    "kW": "kW",
    "bar": "bar",
    "deg": "°",
    "degC": "°C",
    "um": "µm",
    "µm": "µm",
    "m2": "m²",
    "m3": "m³",
    "l": "l",
    "EUR": "€",
    "€": "€",
    "%": "%",
}
UNITS_EN = {**UNITS_FR, "rpm": "rpm", "l": "L"}


def french_text(text: str) -> str:
    """``text`` with French spacing and apostrophes (idempotent)."""
    if not text:
        return text
    text = _STRAIGHT_APOSTROPHE.sub("’", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    return _BEFORE_HIGH.sub(lambda m: NNBSP + m.group(1), text)


def of_prefix(name: str, *, language: str = "fr") -> str:
    """What goes before ``name`` for « of »: « d’ » before a vowel, « de  », « of  » in English."""
    if not language.startswith("fr"):
        return "of "
    return "d’" if (name or "").strip()[:1] in _VOWELS else "de "


def of(name: str, *, language: str = "fr") -> str:
    """« de Haguenau », « d’Industries Alsace du Nord »; in English « of … »."""
    name = (name or "").strip()
    return of_prefix(name, language=language) + name


def number(value, *, decimals: int | None = None, language: str = "fr") -> str:
    """« 20 000 », « 1 234,5 » in French; « 20,000 », « 1,234.5 » in English.

    ``decimals`` None: as few as the value needs (at most 2), a whole number without a comma.
    """
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    if decimals is None:
        decimals = (
            0
            if value == value.to_integral_value()
            else min(2, max(0, -value.normalize().as_tuple().exponent))
        )
    text = f"{value:,.{decimals}f}"
    if language.startswith("fr"):
        text = text.replace(",", NNBSP).replace(".", ",")
    return text.replace("-", "−", 1) if text.startswith("-") else text


def quantity(value, unit: str | None, *, language: str = "fr", decimals: int | None = None) -> str:
    """« 20 000 tr/min », « 5 » (a count), « 30 km »; the space before the unit non-breaking."""
    shown = number(value, decimals=decimals, language=language)
    units = UNITS_FR if language.startswith("fr") else UNITS_EN
    symbol = units.get(unit, unit) if unit else None
    if not symbol:
        return shown
    return f"{shown}{NBSP}{symbol}"


def unit_label(unit: str | None, *, language: str = "fr") -> str:
    """The unit as shown next to a form field (« tr/min »), empty for a count."""
    units = UNITS_FR if language.startswith("fr") else UNITS_EN
    return (units.get(unit, unit) or "") if unit else ""
