"""Numbers, units and French spacing for text built in Python (templates use ``floatformat:"0g"``).

French: « 1 200 mm », « 12,4 km » (non-breaking spaces: Django's French thousands separator,
and one between a number and its unit), a non-breaking space before « : » and inside « ».
English: "1,200 mm", "12.4 km", formatted by its own locale.
"""

from __future__ import annotations

import re

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext_lazy

NBSP = "\u00a0"
# The taxonomy's unit codes as a reader expects them; the others read as they are written.
UNIT_SHOWN = {
    "count": "",  # « Nombre de lasers : 4 »
    "tf": pgettext_lazy("unit", "t"),  # presses are rated in tonnes in French workshops
    "rpm": pgettext_lazy("unit", "tr/min"),
}
_BEFORE_PUNCTUATION = re.compile(r" ([:;!?»])")
_AFTER_GUILLEMET = re.compile(r"« ")


def is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def number(value: float, *, decimals: int = 1) -> str:
    """``value`` in the active language, at most ``decimals`` places, no trailing zero:
    « 1 200 », « 12,4 », « 0,25 » in French; "1,200", "12.4" in English."""
    rounded = round(float(value), decimals)
    places = next(p for p in range(decimals + 1) if round(rounded, p) == rounded)
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


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


def french_spacing(text: str) -> str:
    """Non-breaking spaces where French puts a space (before « : ; ! ? » and inside « »), so
    that a line never starts with a colon, and typographic apostrophes (« centre d’usinage »,
    the taxonomy writes them straight); English text is returned unchanged."""
    if not is_french():
        return text
    text = _BEFORE_PUNCTUATION.sub(NBSP + r"\1", text).replace("'", "’")
    return _AFTER_GUILLEMET.sub("«" + NBSP, text)


_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿæœ")


def french_of(name: str) -> tuple[str, str]:
    """How French says « from <name> »: ("d’", "Obernai"), ("du", "Havre") for « Le Havre »,
    ("des", "Ulis") for « Les Ulis », else ("de", name) — « de Haguenau », « de La Rochelle »
    (no elision before h: too many place names start with a silent-or-not h to guess)."""
    if name.startswith("Le "):
        return "du", name[3:]
    if name.startswith("Les "):
        return "des", name[4:]
    if name[:1].lower() in _VOWELS:
        return "d’", name
    return "de", name
