"""French typography, applied in one place: spaces, elision, numbers and units.

French puts a non-breaking space before « : » and inside « », a narrow one before « ; ! ? »
(the Imprimerie nationale's rule), writes one apostrophe (’), says « d’Obernai », « du Havre »,
groups thousands (« 1 200 mm », Django's French separator) and abbreviates units its own way
(« tr/min », a press's « t »). English text keeps its own punctuation; numbers and units follow
the active language.

Functions take plain text and return plain text (escaping stays the template's job); the
template filters of ``maillage.www.templatetags.typography`` call them.
"""

from __future__ import annotations

import re

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext_lazy

NBSP = "\u00a0"  # before « : », inside « », between a number and its unit
NNBSP = "\u202f"  # before « ; ! ? »
# The taxonomy's unit codes as a reader expects them; the others read as they are written.
UNIT_SHOWN = {
    "count": "",  # « Nombre de lasers : 4 »
    "tf": pgettext_lazy("unit", "t"),  # presses are rated in tonnes in French workshops
    "rpm": pgettext_lazy("unit", "tr/min"),
}
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿæœAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÆŒ")
# A space (or none) before « : » ending a word, not inside a URL or a time (« 10:30 »).
_BEFORE_COLON = re.compile(r"(?<=[^\s\d:/])[ \u00a0\u202f]?:(?=\s|$)")
_BEFORE_HIGH = re.compile(r"(?<=\S)[ \u00a0\u202f]?([;!?])(?=\s|$|[»)])")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def number(value: float, *, decimals: int = 1) -> str:
    """``value`` in the active language, at most ``decimals`` places, no trailing zero:
    « 1 200 », « 12,4 », « 0,25 » in French; "1,200", "12.4" in English."""
    rounded = round(float(value), decimals)
    places = next(p for p in range(decimals + 1) if round(rounded, p) == rounded)
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


def colon() -> str:
    """The colon after a label in the active language: « Effectif : » (non-breaking space) in
    French, "Headcount:" in English; for templates that join a label and its value."""
    return NBSP + ":" if is_french() else ":"


def unit_shown(unit: str) -> str:
    return str(UNIT_SHOWN.get(unit, unit))


def measure(value: float, unit: str, *, decimals: int = 1) -> str:
    """« 1 200 mm », « 300 t », « 12 000 tr/min », « 4 » (a count has no unit)."""
    shown = unit_shown(unit)
    text = number(value, decimals=decimals)
    return f"{text}{NBSP}{shown}" if shown else text


def distance(km: float) -> str:
    """« 12,4 km »; under a kilometre « moins de 1 km » (positions are often a commune's centre:
    « 0 km » would claim a precision the data does not have)."""
    if km < 1:
        return gettext("moins de %(distance)s") % {"distance": measure(1, "km")}
    return measure(km, "km")


def french_text(text: str) -> str:
    """``text`` with French spacing and apostrophes, whatever the active language (idempotent)."""
    if not text:
        return text
    text = _STRAIGHT_APOSTROPHE.sub("’", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    return _BEFORE_HIGH.sub(lambda m: NNBSP + m.group(1), text)


def french_spacing(text: str) -> str:
    """``french_text`` on a French page, so that a line never starts with a colon; English text
    is returned unchanged."""
    return french_text(text) if is_french() else text


def french_of(name: str) -> tuple[str, str]:
    """How French says « of/from <name> »: ("d’", "Obernai"), ("du", "Havre") for « Le Havre »,
    ("des", "Ulis") for « Les Ulis », else ("de", name) — « de Haguenau », « de La Rochelle »
    (no elision before h: too many place names start with a silent-or-not h to guess)."""
    if name.startswith("Le "):
        return "du", name[3:]
    if name.startswith("Les "):
        return "des", name[4:]
    if name[:1] in _VOWELS:
        return "d’", name
    return "de", name


def of_parts(name: str) -> tuple[str, str]:
    """What goes before ``name`` (with its space) and the name itself, in the active language:
    ("d’", "Industries Alsace du Nord"), ("de ", "Haguenau"), ("of ", …) in English; for a name
    shown as a link after its preposition."""
    name = (name or "").strip()
    if not is_french():
        return "of ", name
    article, rest = french_of(name)
    return (article if article.endswith("’") else article + " "), rest


def of(name: str) -> str:
    """« de Haguenau », « d’Industries Alsace du Nord », « du Havre »; « of … » in English."""
    return "".join(of_parts(name))


def money(value: float, *, decimals: int = 2) -> str:
    """An amount in euros as each language writes it: « 1 234,5 € » in French (the sign after,
    a non-breaking space between), "€1,234.5" in English (the sign before, no space)."""
    text = number(value, decimals=decimals)
    return f"{text}{NBSP}€" if is_french() else f"€{text}"


def percent(value: float, *, decimals: int = 0) -> str:
    """« 90 % » in French (a non-breaking space before the sign), "90%" in English."""
    text = number(value, decimals=decimals)
    return f"{text}{NBSP}%" if is_french() else f"{text}%"
